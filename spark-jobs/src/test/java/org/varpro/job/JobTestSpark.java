package org.varpro.job;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.varpro.spark.SparkSessions;

/**
 * The test JVM's one SparkSession, for the job tests: the same settings as
 * {@code org.varpro.spark.TestSpark} (local[2], no UI, 4 shuffle partitions, WARN), which is
 * package-private there. Both go through {@link SparkSessions}, whose {@code getOrCreate}
 * returns the session that already runs, so whichever test class comes first creates it and
 * every other one shares it. Jobs run in-process find it and leave it running.
 */
final class JobTestSpark {
  private JobTestSpark() {}

  private static final class Holder {
    static final SparkSession SESSION = SparkSessions.builder("varpro-spark-tests")
        .master("local[2]")
        .ui(false)
        .shufflePartitions(4)
        .logLevel("WARN")
        .getOrCreate();
  }

  static SparkSession session() {
    return Holder.SESSION;
  }

  /** A file of the repository (tests run in spark-jobs/, or at the root). */
  static Path repoFile(String relative) {
    Path p = Path.of("..", relative);
    return Files.exists(p) ? p : Path.of(relative);
  }
}
