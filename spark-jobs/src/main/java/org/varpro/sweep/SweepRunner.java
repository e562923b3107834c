package org.varpro.sweep;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.varpro.job.LocalFit;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Runs configurations as one Spark job with one task per configuration: task j runs
 * configuration j with {@link SweepTask} (single-threaded, in the executor's task thread;
 * tabular and classification rows come from a broadcast, PDE and generated rows are made in the
 * task), and its row
 * is handed to the driver as soon as that task finishes ({@code SparkContext.runJob} with a
 * result handler), not when the job ends, so that the driver can persist it and report progress.
 *
 * <p>Tasks never fail because of their configuration (SweepTask turns every failure into a row),
 * so Spark's task retries only come into play when an executor is lost; a retried task computes
 * the same row.
 */
public final class SweepRunner {
  private SweepRunner() {}

  /** Receives each row on the driver, in completion order (from Spark's scheduler thread). */
  public interface RowHandler {
    void accept(Configuration configuration, SweepRow row);
  }

  /**
   * Runs the configurations and returns when all rows have been handed over.
   *
   * @param loaded rows of the tabular and classification configurations by {@link LocalFit#dataKey}
   */
  public static void run(JavaSparkContext sc, List<Configuration> configurations,
      Map<String, LocalFit.Rows> loaded, RowHandler handler) {
    if (configurations.isEmpty()) {
      return;
    }
    Broadcast<Map<String, LocalFit.Rows>> data = sc.broadcast(new HashMap<>(loaded));
    try {
      // One configuration per partition: parallelize cuts n elements into n slices of one.
      JavaRDD<Configuration> tasks = sc.parallelize(configurations, configurations.size());
      JavaRDD<SweepRow> rows = tasks.map(c -> SweepTask.run(c, k -> data.value().get(k),
          SweepRunner::stopIfKilled, executor()));
      sc.setJobDescription("sweep: " + configurations.size() + " configurations, one task each");
      sc.sc().runJob(rows.rdd(), new OnlyRow(), new Handler(configurations, handler),
          ClassTag$.MODULE$.apply(SweepRow.class));
    } finally {
      sc.setJobDescription(null);
      data.destroy();
    }
  }

  /** Throws Spark's TaskKilledException when the job was cancelled. */
  private static void stopIfKilled() {
    TaskContext tc = TaskContext.get();
    if (tc != null) {
      tc.killTaskIfInterrupted();
    }
  }

  /** "executor-id@host" of the running task ("driver@…" in local mode). */
  private static String executor() {
    SparkEnv env = SparkEnv.get();
    return env == null ? SweepTask.SERIAL : env.executorId() + "@" + env.blockManager().blockManagerId().host();
  }

  /** A partition's one row. */
  private static final class OnlyRow extends AbstractFunction1<scala.collection.Iterator<SweepRow>, SweepRow>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public SweepRow apply(scala.collection.Iterator<SweepRow> it) {
      return it.next();
    }
  }

  /** Partition j's row → the handler, with configuration j. */
  private static final class Handler extends AbstractFunction2<Object, SweepRow, BoxedUnit> {
    private final List<Configuration> configurations;
    private final RowHandler handler;

    Handler(List<Configuration> configurations, RowHandler handler) {
      this.configurations = configurations;
      this.handler = handler;
    }

    @Override
    public BoxedUnit apply(Object partition, SweepRow row) {
      handler.accept(configurations.get((Integer) partition), row);
      return BoxedUnit.UNIT;
    }
  }
}
