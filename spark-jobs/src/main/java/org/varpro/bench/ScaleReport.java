package org.varpro.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.varpro.bench.ScaleKernels.Rate;
import org.varpro.core.linalg.Lapack;

/** Everything one {@code bench scale} run measured, as tables and as JSON. */
public record ScaleReport(String spark, String blas, String model, int features, int params, int columns,
    List<String> statistics, List<Rate> rates, List<SizeResult> sizes, ScaleBench.Options options) {

  private static final double MB = 1024.0 * 1024.0;

  /** The figures of one row count with one kind of statistics. */
  public record SizeResult(long rows, String statistics, String step, int iterations, String stop, double loss,
      double loadSeconds, double warmupSeconds, double secondsPerIteration, int jacobianPasses,
      double jacobianSeconds, int projectionPasses, double projectionSeconds, int productPasses,
      double cgProductSeconds, double driverSecondsPerIteration, double jacobianFlops, double jacobianGflops,
      int treeLevels, int driverMerges, double executorMerges, double executorMergeSeconds,
      double shuffleBytesPerIteration, double resultBytesPerIteration, long executorHeapPeak,
      long driverHeapPeak, double factorBytes, List<Double> jacobianPassSeconds,
      List<Double> projectionPassSeconds, double loadAverage, double jvmWarmupSeconds, double cpuShare,
      double dgemmAfter) {}

  /** The best rate of a kernel (one caller, or the aggregate of concurrent callers); null if not measured. */
  public Rate best(String kernel) {
    Rate best = null;
    for (Rate r : rates) {
      if (r.kernel().equals(kernel) && (best == null || r.gflops() > best.gflops())) {
        best = r;
      }
    }
    return best;
  }

  public Rate dgemm() {
    return best("dgemm");
  }

  /** GFLOP/s of the Jacobian pass over the best dgemm rate. */
  public double fractionOfDgemm(SizeResult s) {
    return s.jacobianGflops() / dgemm().gflops();
  }

  /** GFLOP/s of the Jacobian pass over the best dgeqrf rate (NaN when not measured). */
  public double fractionOfDgeqrf(SizeResult s) {
    Rate q = best("dgeqrf");
    return q == null ? Double.NaN : s.jacobianGflops() / q.gflops();
  }

  /** The results of one kind of statistics, in row order. */
  public List<SizeResult> sizes(String kind) {
    List<SizeResult> out = new ArrayList<>();
    for (SizeResult s : sizes) {
      if (s.statistics().equals(kind)) {
        out.add(s);
      }
    }
    return out;
  }

  public BenchTable referenceTable() {
    BenchTable t = new BenchTable("reference BLAS/LAPACK rates in this JVM (best of " + options.repeats + ")",
        BenchTable.Column.text("kernel"),
        BenchTable.Column.text("shape"),
        BenchTable.Column.number("callers", "%d"),
        BenchTable.Column.number("gflop_per_call", "%.2f"),
        BenchTable.Column.number("seconds", "%.3f"),
        BenchTable.Column.number("gflops", "%.2f"));
    for (Rate r : rates) {
      t.addRow(r.kernel(), r.shape(), r.callers(), r.flopsPerCall() * 1e-9, r.seconds(), r.gflops());
    }
    t.addNote("dgemm flops = 2n^3 per call; dsyrk (upper triangle) = rows*N^2; gramUpdate (one Gram block "
        + "update of the Jacobian pass) = " + (Lapack.isNative() ? "rows*N^2 (native dsyrk, then mirrored)"
            : "2*rows*N^2 (the pure-Java fallback runs dgemm)")
        + "; dgeqrf (LAPACK, an N x N triangle stacked on a block, as a TSQR without structure runs it) = "
        + "2N^2(M - N/3) for M stacked rows; tsqrBlock (the structured kernel of the TSQR pass: a block "
        + "under the triangle) = 2N^2 per row; tsqrMerge (two triangles) = (2/3)N^3; with several callers, "
        + "gflops is the aggregate (callers x flops / slowest call)");
    return t;
  }

  /** Seconds, rates and linearity of one kind of statistics. */
  public BenchTable table(String kind) {
    List<SizeResult> rows = sizes(kind);
    String step = rows.isEmpty() ? "?" : rows.get(0).step();
    BenchTable t = new BenchTable(String.format(Locale.ROOT,
        "VarPro-LM on Spark, statistics %s (step %s): %s, n = %d features, p = %d, N = n + p + 1 = %d, "
            + "%d partitions, block rows %d",
        kind, step, model, features, params, columns, options.partitions, options.blockRows),
        BenchTable.Column.number("rows", "%d"),
        BenchTable.Column.number("iters", "%d"),
        BenchTable.Column.number("s_per_iter", "%.2f"),
        BenchTable.Column.number("x_first", "%.2f"),
        BenchTable.Column.number("per_row_x_first", "%.3f"),
        BenchTable.Column.number("jacobian_s", "%.2f"),
        BenchTable.Column.number("projection_s", "%.3f"),
        BenchTable.Column.number("proj_per_iter", "%.1f"),
        BenchTable.Column.number("cg_product_s", "%.3f"),
        BenchTable.Column.number("driver_s", "%.2f"),
        BenchTable.Column.number("jacobian_gflop", "%.1f"),
        BenchTable.Column.number("jacobian_gflops", "%.2f"),
        BenchTable.Column.number("pct_dgemm", "%.1f"),
        BenchTable.Column.number("pct_dgeqrf", "%.1f"),
        BenchTable.Column.number("load_s", "%.2f"),
        BenchTable.Column.number("cpu_share", "%.2f"),
        BenchTable.Column.number("dgemm_after", "%.2f"),
        BenchTable.Column.number("loadavg", "%.2f"),
        BenchTable.Column.text("stop"));
    SizeResult first = rows.isEmpty() ? null : rows.get(0);
    for (SizeResult s : rows) {
      double xFirst = s.secondsPerIteration() / first.secondsPerIteration();
      t.addRow(s.rows(), s.iterations(), s.secondsPerIteration(), xFirst, xFirst * first.rows() / s.rows(),
          s.jacobianSeconds(), s.projectionSeconds(),
          s.iterations() == 0 ? Double.NaN : (double) s.projectionPasses() / s.iterations(),
          s.cgProductSeconds(), s.driverSecondsPerIteration(), s.jacobianFlops() * 1e-9, s.jacobianGflops(),
          100 * fractionOfDgemm(s), 100 * fractionOfDgeqrf(s), s.loadSeconds(), s.cpuShare(), s.dgemmAfter(),
          s.loadAverage(), s.stop());
    }
    t.addNote("s_per_iter: wall seconds per iteration (end of the warm-up projection pass to the end of the "
        + "last iteration, over the iterations); jacobian_s / projection_s: mean seconds per pass; "
        + "cg_product_s: a tangent plus a transpose pass (one CG product of the matrix-free step); driver_s: "
        + "the rest of an iteration (step and inner solves on the driver, scheduling); x_first: s_per_iter "
        + "over the first row count's; per_row_x_first: the same per row (1.000 = linear in rows)");
    t.addNote("warm-up, not timed above: load_s (rows generated and cached) and the solver's first projection "
        + "pass" + (options.jvmWarmup ? "; before the first row count, one more Jacobian pass warms the JVM" : "")
        + "; cpu_share: CPU seconds of this JVM during the Jacobian passes over (wall seconds x "
        + Runtime.getRuntime().availableProcessors() + " cores) (local mode: below 1 when other processes took "
        + "cores); dgemm_after: the 1-caller dgemm GFLOP/s measured again right after the row count; loadavg: "
        + "the machine's 1-minute load average then");
    t.addNote("Jacobian pass flops = " + ScaleKernels.flopFormula(
        org.varpro.core.stats.StatsKind.parse(kind), Lapack.isNative()));
    t.addNote(String.format(Locale.ROOT,
        "jacobian_gflops / dgemm (best of the reference table: %s, %d caller%s, %.2f GFLOP/s): %s  "
            + "(target >= 50%%: %s)",
        dgemm().shape(), dgemm().callers(), dgemm().callers() == 1 ? "" : "s", dgemm().gflops(), ratios(rows),
        meetsTarget(kind, 0.5) ? "met" : "not met"));
    return t;
  }

  /** Where the merges ran, what the jobs moved and the memory they held, for one kind of statistics. */
  public BenchTable costTable(String kind) {
    BenchTable t = new BenchTable("statistics " + kind + ": merges, bytes and memory per iteration",
        BenchTable.Column.number("rows", "%d"),
        BenchTable.Column.text("merges_on"),
        BenchTable.Column.number("tree_levels", "%d"),
        BenchTable.Column.number("executor_merges", "%.1f"),
        BenchTable.Column.number("executor_merge_s", "%.3f"),
        BenchTable.Column.number("driver_merges", "%d"),
        BenchTable.Column.number("shuffle_mb", "%.1f"),
        BenchTable.Column.number("result_mb", "%.1f"),
        BenchTable.Column.number("executor_heap_mb", "%.0f"),
        BenchTable.Column.number("driver_heap_mb", "%.0f"),
        BenchTable.Column.number("factor_mb", "%.1f"));
    for (SizeResult s : sizes(kind)) {
      String where = s.treeLevels() > 0 ? "executors" + (s.driverMerges() > 0 ? "+driver" : "")
          : s.driverMerges() > 0 ? "driver" : "none";
      t.addRow(s.rows(), where, s.treeLevels(), s.executorMerges(), s.executorMergeSeconds(), s.driverMerges(),
          s.shuffleBytesPerIteration() / MB, s.resultBytesPerIteration() / MB,
          s.executorHeapPeak() < 0 ? Double.NaN : s.executorHeapPeak() / MB, s.driverHeapPeak() / MB,
          s.factorBytes() / MB);
    }
    t.addNote("per Jacobian pass: tree_levels (executor-side merge levels, each a shuffle stage), executor_merges "
        + "and executor_merge_s (merges and their summed seconds in those stages, from accumulators), "
        + "driver_merges (partials merged on the driver); per iteration (all its passes): shuffle_mb (shuffle "
        + "bytes written), result_mb (task results sent to the driver); executor_heap_mb: the largest executor "
        + "JVM heap in the executors' heartbeats (every 10 s; empty when none came); driver_heap_mb: the "
        + "driver JVM's peak used heap, sampled every 0.1 s (in local mode the same JVM runs the tasks); "
        + "factor_mb: one N x N factor or Gram matrix of doubles (what the driver holds per statistics copy)");
    return t;
  }

  private static String ratiosOf(List<SizeResult> rows, java.util.function.ToDoubleFunction<SizeResult> f) {
    List<String> out = new ArrayList<>();
    for (SizeResult s : rows) {
      out.add(String.format(Locale.ROOT, "%.1f%% at %d rows", 100 * f.applyAsDouble(s), s.rows()));
    }
    return String.join(", ", out);
  }

  private String ratios(List<SizeResult> rows) {
    return ratiosOf(rows, this::fractionOfDgemm);
  }

  /** Whether every row count's Jacobian pass with these statistics reached this fraction of dgemm. */
  public boolean meetsTarget(String kind, double fraction) {
    List<SizeResult> rows = sizes(kind);
    for (SizeResult s : rows) {
      if (!(fractionOfDgemm(s) >= fraction)) {
        return false;
      }
    }
    return !rows.isEmpty();
  }

  public String render() {
    StringBuilder sb = new StringBuilder(spark + "\n" + blas + "\n\n" + referenceTable().render());
    for (String kind : statistics) {
      sb.append('\n').append(table(kind).render()).append('\n').append(costTable(kind).render());
    }
    return sb.toString();
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("benchmark", "scale");
    m.put("spark", spark);
    m.put("blas", blas);
    m.put("model", model);
    m.put("features", features);
    m.put("params", params);
    m.put("columns", columns);
    m.put("statistics", statistics);
    m.put("options", options.toMap());
    List<Map<String, Object>> r = new ArrayList<>();
    for (Rate rate : rates) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("kernel", rate.kernel());
      x.put("shape", rate.shape());
      x.put("callers", rate.callers());
      x.put("flops_per_call", rate.flopsPerCall());
      x.put("seconds", rate.seconds());
      x.put("gflops", BenchTable.jsonValue(rate.gflops()));
      r.add(x);
    }
    m.put("reference_rates", r);
    Map<String, Object> tables = new LinkedHashMap<>();
    for (String kind : statistics) {
      tables.put(kind, table(kind).toMap());
      tables.put(kind + "_costs", costTable(kind).toMap());
    }
    m.put("tables", tables);
    List<Map<String, Object>> s = new ArrayList<>();
    for (SizeResult size : sizes) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("rows", size.rows());
      x.put("statistics", size.statistics());
      x.put("step_method", size.step());
      x.put("iterations", size.iterations());
      x.put("stop", size.stop());
      x.put("loss", BenchTable.jsonValue(size.loss()));
      x.put("load_seconds", size.loadSeconds());
      x.put("warmup_seconds", BenchTable.jsonValue(size.warmupSeconds()));
      x.put("jvm_warmup_jacobian_seconds", BenchTable.jsonValue(size.jvmWarmupSeconds()));
      x.put("seconds_per_iteration", BenchTable.jsonValue(size.secondsPerIteration()));
      x.put("jacobian_passes", size.jacobianPasses());
      x.put("jacobian_seconds_per_pass", BenchTable.jsonValue(size.jacobianSeconds()));
      x.put("projection_passes", size.projectionPasses());
      x.put("projection_seconds_per_pass", BenchTable.jsonValue(size.projectionSeconds()));
      x.put("product_passes", size.productPasses());
      x.put("seconds_per_cg_product", BenchTable.jsonValue(size.cgProductSeconds()));
      x.put("driver_seconds_per_iteration", BenchTable.jsonValue(size.driverSecondsPerIteration()));
      x.put("jacobian_flops", size.jacobianFlops());
      x.put("jacobian_gflops", BenchTable.jsonValue(size.jacobianGflops()));
      x.put("jacobian_over_dgemm", BenchTable.jsonValue(fractionOfDgemm(size)));
      x.put("jacobian_over_dgeqrf", BenchTable.jsonValue(fractionOfDgeqrf(size)));
      x.put("merge_tree_levels", size.treeLevels());
      x.put("driver_merges", size.driverMerges());
      x.put("executor_merges_per_jacobian_pass", BenchTable.jsonValue(size.executorMerges()));
      x.put("executor_merge_seconds_per_jacobian_pass", BenchTable.jsonValue(size.executorMergeSeconds()));
      x.put("shuffle_bytes_per_iteration", BenchTable.jsonValue(size.shuffleBytesPerIteration()));
      x.put("result_bytes_per_iteration", BenchTable.jsonValue(size.resultBytesPerIteration()));
      x.put("executor_heap_peak_bytes", size.executorHeapPeak());
      x.put("driver_heap_peak_bytes", size.driverHeapPeak());
      x.put("factor_bytes", size.factorBytes());
      x.put("jacobian_pass_seconds", size.jacobianPassSeconds());
      x.put("projection_pass_seconds", size.projectionPassSeconds());
      x.put("load_average", BenchTable.jsonValue(size.loadAverage()));
      x.put("cpu_share", BenchTable.jsonValue(size.cpuShare()));
      x.put("dgemm_after_gflops", BenchTable.jsonValue(size.dgemmAfter()));
      s.add(x);
    }
    m.put("sizes", s);
    Map<String, Object> target = new LinkedHashMap<>();
    for (String kind : statistics) {
      target.put(kind, meetsTarget(kind, 0.5));
    }
    m.put("target_half_of_dgemm_met", target);
    return m;
  }
}
