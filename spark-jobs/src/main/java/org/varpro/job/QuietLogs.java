package org.varpro.job;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Silences Spark's task-failure loggers for a while (restoring their levels on close): a bad
 * data file fails a task, and Spark logs the failure with its stack trace from the executor,
 * the task set manager and the block manager before the job's one-line message. Without
 * {@code --verbose} that output is noise; the message says which file and line. Applies while
 * the rows are read and cached (where bad input surfaces), not during the training passes.
 * A no-op when log4j 2 (Spark's logging backend) is not there.
 */
public final class QuietLogs implements AutoCloseable {
  static final List<String> TASK_FAILURE_LOGGERS = List.of("org.apache.spark.executor.Executor",
      "org.apache.spark.scheduler.TaskSetManager", "org.apache.spark.storage.BlockManager");

  private final Map<String, Object> previous = new LinkedHashMap<>();

  private QuietLogs(boolean active) {
    if (!active) {
      return;
    }
    try {
      for (String name : TASK_FAILURE_LOGGERS) {
        previous.put(name, org.apache.logging.log4j.LogManager.getLogger(name).getLevel());
        org.apache.logging.log4j.core.config.Configurator.setLevel(name, org.apache.logging.log4j.Level.OFF);
      }
    } catch (LinkageError | RuntimeException e) {
      previous.clear();
    }
  }

  /** Quiet unless {@code verbose}. */
  public static QuietLogs unless(boolean verbose) {
    return new QuietLogs(!verbose);
  }

  @Override
  public void close() {
    try {
      for (Map.Entry<String, Object> e : previous.entrySet()) {
        org.apache.logging.log4j.core.config.Configurator.setLevel(e.getKey(),
            (org.apache.logging.log4j.Level) e.getValue());
      }
    } catch (LinkageError | RuntimeException e) {
      // leave them
    }
  }
}
