package org.varpro.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.varpro.bench.ReferenceJob.Timing;
import org.varpro.bench.ScaleKernels.Kind;

/**
 * The speed-up check of docs/scaling.md: the time per iteration of one {@code bench scale} run
 * (say 2 executors of one core) predicted from another's (1 executor), given the kernel rate
 * measured on the executors of both ({@link ReferenceJob}, all executor cores busy) and the CPU
 * the tasks compete with ({@link PassCpu}).
 *
 * <p>The model: a Jacobian pass is a fold of P equal partition tasks in ⌈P/C⌉ rounds on C
 * executor cores, then a pairwise merge tree; a core folds at r·s, r the fold kernel's GFLOP/s
 * per CPU second of a busy core (the structured TSQR block update, or the Gram update) and s the
 * share of the core the task gets. So from run A to run B:
 *
 * <pre>
 *   f      = (⌈P/C_B⌉ / ⌈P/C_A⌉) · (s_A · r_A) / (s_B · r_B)
 *   fold_B = fold_A · f,   fold_A = Jacobian pass_A − merge critical path_A
 *   tree_B = (one merge's seconds)_A · rounds(P, C_B) · (s_A · r_A) / (s_B · r_B)
 *   proj_B = proj_A · f    (projection passes per iteration × seconds)
 *   T_B    = jac/iter · (fold_B + tree_B) + proj_B + driver_A
 *   s_B    = min(1, (M − c_A) / C_B)
 * </pre>
 *
 * where s_A is the share A's tasks measured, M the machine's cores and c_A the CPU per second
 * A's driver, daemons and steal took during its passes: they compete with B's tasks only where
 * B leaves no core spare. rounds(P, C): merges of the pairwise tree, each level's ⌊n/2⌋ merges
 * in ⌈·/C⌉ rounds. The driver's time is the same in both runs.
 */
public final class ScaleModel {
  private ScaleModel() {}

  /**
   * The check table of two {@code bench scale --json} files, the second predicted from the first.
   *
   * @throws IllegalArgumentException naming the file and the field when a file is not one of them
   */
  public static String check(Path from, Path to) {
    return table(read(from), read(to)).render();
  }

  /** The inputs of the model from one row count and statistics of a run. */
  record Run(long rows, String statistics, int partitions, int executorCores, int machineCores,
      double secondsPerIteration, double jacobianPerIteration, double jacobianSeconds, double mergesPerPass,
      double mergeSecondsPerPass, double projectionPerIteration, double projectionSeconds, double driverSeconds,
      double executorShare, double competingPerSecond, double foldGflopsPerCpuSecond) {

    static Run of(ScaleReport report, ScaleReport.SizeResult s) {
      Kind fold = s.statistics().equals("gram") ? Kind.GRAM : Kind.TSQR_BLOCK;
      double rate = ScaleReport.mean(report.references(s, fold).stream()
          .mapToDouble(Timing::perCpuSecondGflops).toArray());
      PassCpu cpu = s.cpu();
      double iters = s.iterations();
      return new Run(s.rows(), s.statistics(), report.options().partitions, cpu.executorCores(),
          cpu.machineCores(), s.secondsPerIteration(), s.jacobianPasses() / iters, s.jacobianSeconds(),
          s.executorMerges(), s.executorMergeSeconds(), s.projectionPasses() / iters, s.projectionSeconds(),
          s.driverSecondsPerIteration(), cpu.executorShare(), cpu.competingPerSecond(), rate);
    }

    /** Seconds of the merges on the pass's critical path: one merge's seconds × rounds of the tree. */
    double mergeCriticalSeconds() {
      return mergesPerPass > 0 ? oneMergeSeconds() * mergeRounds(partitions, executorCores) : 0;
    }

    double oneMergeSeconds() {
      return mergesPerPass > 0 ? mergeSecondsPerPass / mergesPerPass : 0;
    }

    /** The fold of a Jacobian pass: the pass without its merges. */
    double foldSeconds() {
      return jacobianSeconds - mergeCriticalSeconds();
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rows", rows);
      m.put("statistics", statistics);
      m.put("partitions", partitions);
      m.put("executor_cores", executorCores);
      m.put("machine_cores", machineCores);
      m.put("seconds_per_iteration", BenchTable.jsonValue(secondsPerIteration));
      m.put("jacobian_passes_per_iteration", BenchTable.jsonValue(jacobianPerIteration));
      m.put("jacobian_seconds_per_pass", BenchTable.jsonValue(jacobianSeconds));
      m.put("executor_merges_per_pass", BenchTable.jsonValue(mergesPerPass));
      m.put("executor_merge_seconds_per_pass", BenchTable.jsonValue(mergeSecondsPerPass));
      m.put("projection_passes_per_iteration", BenchTable.jsonValue(projectionPerIteration));
      m.put("projection_seconds_per_pass", BenchTable.jsonValue(projectionSeconds));
      m.put("driver_seconds_per_iteration", BenchTable.jsonValue(driverSeconds));
      m.put("executor_share", BenchTable.jsonValue(executorShare));
      m.put("competing_cpu_per_second", BenchTable.jsonValue(competingPerSecond));
      m.put("fold_gflops_per_cpu_second", BenchTable.jsonValue(foldGflopsPerCpuSecond));
      return m;
    }

    static Run fromJson(JsonNode m) {
      return new Run(m.get("rows").asLong(), m.get("statistics").asText(), m.get("partitions").asInt(),
          m.get("executor_cores").asInt(), m.get("machine_cores").asInt(), num(m, "seconds_per_iteration"),
          num(m, "jacobian_passes_per_iteration"), num(m, "jacobian_seconds_per_pass"),
          num(m, "executor_merges_per_pass"), num(m, "executor_merge_seconds_per_pass"),
          num(m, "projection_passes_per_iteration"), num(m, "projection_seconds_per_pass"),
          num(m, "driver_seconds_per_iteration"), num(m, "executor_share"), num(m, "competing_cpu_per_second"),
          num(m, "fold_gflops_per_cpu_second"));
    }

    private static double num(JsonNode m, String key) {
      JsonNode v = m.get(key);
      if (v == null) {
        throw new IllegalArgumentException("model_inputs." + key + " missing");
      }
      return v.isNumber() ? v.asDouble() : Double.NaN;
    }
  }

  /** Run {@code to} predicted from run {@code from}, term by term (seconds per iteration). */
  record Prediction(Run from, Run to, double share, double coreFactor, double fold, double tree, double projection,
      double driver, double seconds) {

    double measuredSpeedup() {
      return from.secondsPerIteration() / to.secondsPerIteration();
    }

    double predictedSpeedup() {
      return from.secondsPerIteration() / seconds;
    }

    /** (predicted − measured) / measured speed-up. */
    double offFromMeasured() {
      return predictedSpeedup() / measuredSpeedup() - 1;
    }

    /** (measured − predicted) / predicted speed-up. */
    double offFromPredicted() {
      return measuredSpeedup() / predictedSpeedup() - 1;
    }
  }

  static Prediction predict(Run from, Run to) {
    double share = PassCpu.predictedShare(to.machineCores(), to.executorCores(), from.competingPerSecond());
    // Seconds of one core's fold work in run A over the same work in run B.
    double core = from.executorShare() * from.foldGflopsPerCpuSecond() / (share * to.foldGflopsPerCpuSecond());
    double rounds = (double) ceilDiv(to.partitions(), to.executorCores())
        / ceilDiv(from.partitions(), from.executorCores());
    double f = rounds * core;
    double fold = from.foldSeconds() * f;
    double tree = from.oneMergeSeconds() * mergeRounds(to.partitions(), to.executorCores()) * core;
    double projection = from.projectionPerIteration() * from.projectionSeconds() * f;
    double driver = from.driverSeconds();
    double seconds = from.jacobianPerIteration() * (fold + tree) + projection + driver;
    return new Prediction(from, to, share, core, fold, tree, projection, driver, seconds);
  }

  /** Rounds of the pairwise merge tree of P factors on C cores: each level's ⌊n/2⌋ merges in ⌈·/C⌉ rounds. */
  static int mergeRounds(int partitions, int cores) {
    int rounds = 0;
    for (int n = partitions; n > 1; n = (n + 1) / 2) {
      rounds += ceilDiv(n / 2, cores);
    }
    return rounds;
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /** The check: every row count and statistics found in both runs, predicted from the first. */
  static BenchTable table(List<Run> from, List<Run> to) {
    BenchTable t = new BenchTable("speed-up check: the second run's time per iteration predicted from the first's",
        BenchTable.Column.number("rows", "%d"),
        BenchTable.Column.text("statistics"),
        BenchTable.Column.text("cores"),
        BenchTable.Column.number("s_per_iter_from", "%.2f"),
        BenchTable.Column.number("s_per_iter_to", "%.2f"),
        BenchTable.Column.number("predicted_s", "%.2f"),
        BenchTable.Column.number("fold_s", "%.2f"),
        BenchTable.Column.number("tree_s", "%.2f"),
        BenchTable.Column.number("projection_s", "%.2f"),
        BenchTable.Column.number("driver_s", "%.2f"),
        BenchTable.Column.number("core_factor", "%.3f"),
        BenchTable.Column.number("share_predicted", "%.3f"),
        BenchTable.Column.number("share_measured", "%.3f"),
        BenchTable.Column.number("speedup_measured", "%.3f"),
        BenchTable.Column.number("speedup_predicted", "%.3f"),
        BenchTable.Column.number("pct_off_measured", "%.1f"),
        BenchTable.Column.number("pct_off_predicted", "%.1f"));
    for (Run a : from) {
      for (Run b : to) {
        if (a.rows() == b.rows() && a.statistics().equals(b.statistics())) {
          Prediction p = predict(a, b);
          t.addRow(a.rows(), a.statistics(), a.executorCores() + " -> " + b.executorCores(),
              a.secondsPerIteration(), b.secondsPerIteration(), p.seconds(), p.fold(), p.tree(), p.projection(),
              p.driver(), p.coreFactor(), p.share(), b.executorShare(), p.measuredSpeedup(), p.predictedSpeedup(),
              100 * p.offFromMeasured(), 100 * p.offFromPredicted());
        }
      }
    }
    t.addNote("model (docs/scaling.md): fold_s, tree_s (merge critical path), projection_s and driver_s are the "
        + "predicted terms of the second run's iteration; core_factor = (s_A r_A) / (s_B r_B), r the fold "
        + "kernel's GFLOP/s per CPU second on the executors with all cores busy (reference rounds), s the share of "
        + "a core a task gets: share_predicted = min(1, (machine cores - CPU of the first run's driver, daemons "
        + "and steal per second) / executor cores), share_measured: what the second run's tasks got");
    t.addNote("pct_off_measured = predicted / measured speed-up - 1; pct_off_predicted = measured / predicted - 1");
    return t;
  }

  /** The model inputs of every row count and statistics of a {@code bench scale --json} file. */
  static List<Run> read(Path json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(json + ": not a readable JSON file (" + e.getMessage().split("\n")[0] + ")");
    }
    JsonNode sizes = root == null ? null : root.get("sizes");
    if (sizes == null || !sizes.isArray()) {
      throw new IllegalArgumentException(json + ": no \"sizes\" array (not written by bench scale --json)");
    }
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < sizes.size(); i++) {
      JsonNode m = sizes.get(i).get("model_inputs");
      if (m == null) {
        throw new IllegalArgumentException(json + ": sizes[" + i + "] has no model_inputs (written by an older "
            + "bench scale)");
      }
      try {
        runs.add(Run.fromJson(m));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: sizes[%d].%s", json, i, e.getMessage()));
      }
    }
    return runs;
  }
}
