package org.varpro.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test JVM (local[2], no UI, 4 shuffle partitions, WARN), created on
 * first use and left running until the JVM exits (Spark's shutdown hook stops it).
 */
public final class TestSpark {
  private TestSpark() {}

  private static final class Holder {
    static final SparkSession SESSION = SparkSessions.builder("varpro-spark-tests")
        .master("local[2]")
        .ui(false)
        .shufflePartitions(4)
        .logLevel("WARN")
        .getOrCreate();
  }

  public static SparkSession session() {
    return Holder.SESSION;
  }

  public static JavaSparkContext context() {
    return JavaSparkContext.fromSparkContext(session().sparkContext());
  }

  /** A file of the repository (tests run in spark-jobs/, or at the root). */
  public static Path repoFile(String relative) {
    Path p = Path.of("..", relative);
    return Files.exists(p) ? p : Path.of(relative);
  }

  /**
   * A configuration in {@code dir} that includes the repository's {@code conf} and reads the
   * repository's digits table on its first {@code trainRows} rows, followed by {@code extra}.
   */
  public static Path digitsConfig(Path dir, String conf, int trainRows, String extra) throws java.io.IOException {
    Path base = repoFile(conf).toAbsolutePath().normalize();
    Path digits = repoFile("data/digits.csv.gz").toAbsolutePath().normalize();
    Path file = dir.resolve("digits-" + trainRows + ".conf");
    Files.writeString(file, "include file(\"" + base + "\")\n"
        + "classify { path = \"" + digits + "\", train-rows = " + trainRows + " }\n" + extra);
    return file;
  }
}
