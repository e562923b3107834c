package org.varpro.job;

import org.varpro.spark.TestSpark;

import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** The test JVM's one SparkSession for the job tests: the one of {@link TestSpark}. */
final class JobTestSpark {
  private JobTestSpark() {}

  static SparkSession session() {
    return TestSpark.session();
  }

  /** A file of the repository (tests run in spark-jobs/, or at the root). */
  static Path repoFile(String relative) {
    return TestSpark.repoFile(relative);
  }
}
