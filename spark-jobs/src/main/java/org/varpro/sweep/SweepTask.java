package org.varpro.sweep;

import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.varpro.core.solver.StopReason;
import org.varpro.job.JobConfig;
import org.varpro.job.LocalFit;

/**
 * One configuration run to its row, whatever happens: the single-process fit
 * ({@link LocalFit}) in the calling thread, with failures isolated.
 *
 * <ul>
 *   <li>an exception (or an OutOfMemoryError, a StackOverflowError) → {@code failed}, with the
 *       exception's one-line message;</li>
 *   <li>the task time limit ({@code sweep.task-time-limit}): checked before every pass over the
 *       rows, so a configuration stops within one pass of it → {@code failed}, stop reason
 *       {@code time_limit}. The solver's own {@code solver.time-budget} is a normal stop
 *       ({@code ok}, stop reason {@code time_budget});</li>
 *   <li>a NaN or infinite loss or error figure → {@code diverged}.</li>
 * </ul>
 * A cancelled Spark task (its thread interrupted) is not a row: the cancellation propagates.
 */
public final class SweepTask {
  /** JobConfig needs a run folder; a task writes none. */
  private static final String NO_OUTPUT = "sweep-task";
  /** The executor of a configuration run outside Spark (the serial benchmark). */
  public static final String SERIAL = "serial";

  private SweepTask() {}

  /** The time limit was reached (thrown from the checkpoint). */
  static final class TimeLimitExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TimeLimitExceeded(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Runs the configuration.
   *
   * @param loaded the rows of a tabular or classification configuration by
   *     {@link LocalFit#dataKey} (not called for the other kinds)
   * @param interruption called with every time-limit check; throws when the task was cancelled
   * @param executor where it runs, for the row
   */
  public static SweepRow run(Configuration c, Function<String, LocalFit.Rows> loaded,
      Runnable interruption, String executor) {
    long start = System.nanoTime();
    int[] passes = {0};
    Runnable checkpoint = () -> {
      interruption.run();
      double elapsed = (System.nanoTime() - start) * 1e-9;
      if (elapsed > c.timeLimit()) {
        throw new TimeLimitExceeded(String.format(Locale.ROOT,
            "exceeded the task time limit of %s s (%.3f s, %d passes over the rows done)",
            c.timeLimit(), elapsed, passes[0]));
      }
      passes[0]++;
    };
    try {
      JobConfig job = JobConfig.parse(ConfigFactory.parseString(c.json()), null, NO_OUTPUT, null);
      String key = LocalFit.dataKey(job);
      LocalFit.Outcome o = LocalFit.fit(job, key == null ? null : loaded.apply(key), checkpoint);
      String problem = null;
      if (o.stopReason() == StopReason.NON_FINITE || !Double.isFinite(o.loss())) {
        problem = "the loss became " + o.loss();
      } else {
        for (Map.Entry<String, Double> m : o.metrics().entrySet()) {
          if (m.getValue() != null && !Double.isFinite(m.getValue())) {
            problem = m.getKey() + " is " + m.getValue();
            break;
          }
        }
      }
      return new SweepRow(c.hash(), problem == null ? SweepRow.OK : SweepRow.DIVERGED, problem,
          o.stopReason().name().toLowerCase(Locale.ROOT), o.loss(), o.metrics(), o.iterations(), o.seconds(),
          seconds(start), executor);
    } catch (TimeLimitExceeded e) {
      return failed(c, SweepRow.TIME_LIMIT, e.getMessage(), start, executor);
    } catch (Exception | OutOfMemoryError | StackOverflowError e) {
      if (cancelled(e)) {
        throw e;
      }
      return failed(c, SweepRow.EXCEPTION, oneLine(e), start, executor);
    }
  }

  private static boolean cancelled(Throwable t) {
    return Thread.currentThread().isInterrupted() || t instanceof InterruptedException
        || t.getClass().getName().equals("org.apache.spark.TaskKilledException");
  }

  private static SweepRow failed(Configuration c, String stopReason, String error, long start, String executor) {
    Map<String, Double> none = new LinkedHashMap<>();
    return new SweepRow(c.hash(), SweepRow.FAILED, error, stopReason, null, none, null, null, seconds(start),
        executor);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) * 1e-9;
  }

  /** "ArithmeticException: Division by zero!" (the first line of the message). */
  static String oneLine(Throwable t) {
    String m = t.getMessage();
    String text = t.getClass().getSimpleName() + (m == null ? "" : ": " + m.strip());
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl).strip() + " …";
  }
}
