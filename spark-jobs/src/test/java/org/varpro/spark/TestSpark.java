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
}
