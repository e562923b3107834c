package org.varpro.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.varpro.bench.ReferenceJob.Round;
import org.varpro.bench.ReferenceJob.Timing;
import org.varpro.bench.ScaleKernels.Kind;
import org.varpro.core.linalg.Lapack;

/**
 * Everything one {@code bench scale} run measured, as tables and as JSON. The reference rounds
 * ({@link ReferenceJob}) ran before the first row count and after every row count and statistics;
 * a pass is compared with the mean of the rounds just before and just after it, and the range of
 * the two shows how much the reference moved.
 */
public record ScaleReport(String spark, String blas, String model, int features, int params, int columns,
    List<String> statistics, List<Round> rounds, List<SizeResult> sizes, ScaleBench.Options options) {

  private static final double MB = 1024.0 * 1024.0;

  /** The figures of one row count with one kind of statistics. */
  public record SizeResult(long rows, String statistics, String step, int iterations, String stop, double loss,
      double loadSeconds, double warmupSeconds, double secondsPerIteration, int jacobianPasses,
      double jacobianSeconds, int projectionPasses, double projectionSeconds, int productPasses,
      double cgProductSeconds, double driverSecondsPerIteration, double jacobianFlops, double jacobianGflops,
      int treeLevels, int driverMerges, double executorMerges, double executorMergeSeconds,
      double shuffleBytesPerIteration, double resultBytesPerIteration, long executorHeapPeak,
      long driverHeapPeak, double factorBytes, List<Double> jacobianPassSeconds,
      List<Double> projectionPassSeconds, double loadAverage, double jvmWarmupSeconds, PassCpu cpu,
      int referenceBefore, int referenceAfter) {}

  /** The timings of a kernel in the reference rounds around this result (before, after); empty when not run. */
  List<Timing> references(SizeResult s, Kind kind) {
    List<Timing> out = new ArrayList<>();
    for (int i : new int[] {s.referenceBefore(), s.referenceAfter()}) {
      Timing t = i < 0 ? null : rounds.get(i).timing(kind);
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  /** Aggregate GFLOP/s of a kernel on all executor cores in the rounds around this result. */
  public double[] referenceGflops(SizeResult s, Kind kind) {
    return references(s, kind).stream().mapToDouble(Timing::aggregateGflops).toArray();
  }

  /** GFLOP/s of the Jacobian pass over the mean dgemm rate of the rounds around it. */
  public double fractionOfDgemm(SizeResult s) {
    return s.jacobianGflops() / mean(referenceGflops(s, Kind.DGEMM));
  }

  /** GFLOP/s of the Jacobian pass over the mean dgeqrf rate of the rounds around it (NaN when not measured). */
  public double fractionOfDgeqrf(SizeResult s) {
    return s.jacobianGflops() / mean(referenceGflops(s, Kind.DGEQRF));
  }

  /** The Jacobian pass's fraction of the lowest and of the highest of the references around it: [high, low]. */
  public double[] fractionRange(SizeResult s, Kind kind) {
    double[] g = referenceGflops(s, kind);
    return new double[] {s.jacobianGflops() / max(g), s.jacobianGflops() / min(g)};
  }

  static double mean(double[] xs) {
    double sum = 0;
    for (double x : xs) {
      sum += x;
    }
    return xs.length == 0 ? Double.NaN : sum / xs.length;
  }

  private static double min(double[] xs) {
    return java.util.Arrays.stream(xs).min().orElse(Double.NaN);
  }

  private static double max(double[] xs) {
    return java.util.Arrays.stream(xs).max().orElse(Double.NaN);
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
    BenchTable t = new BenchTable("reference BLAS/LAPACK rates on the executors, one task per caller (best of "
        + options.repeats + " calls each)",
        BenchTable.Column.text("round"),
        BenchTable.Column.text("kernel"),
        BenchTable.Column.text("shape"),
        BenchTable.Column.number("callers", "%d"),
        BenchTable.Column.number("gflop_per_call", "%.2f"),
        BenchTable.Column.number("aggregate_gflops", "%.2f"),
        BenchTable.Column.text("per_caller_gflops"),
        BenchTable.Column.number("per_cpu_s_gflops", "%.2f"),
        BenchTable.Column.number("cpu_share", "%.2f"));
    for (Round round : rounds) {
      for (Timing k : round.kernels()) {
        List<String> each = new ArrayList<>();
        for (double g : k.perCallerGflops()) {
          each.add(String.format(Locale.ROOT, "%.2f", g));
        }
        t.addRow(round.label(), k.kernel().name(), k.kernel().shape(), k.callers(), k.kernel().flops() * 1e-9,
            k.aggregateGflops(), String.join(" ", each), k.perCpuSecondGflops(), k.cpuShare());
      }
    }
    t.addNote("flops per call: dgemm 2n^3; gramUpdate (one Gram block update of the Jacobian pass) "
        + (Lapack.isNative() ? "rows*N^2 (native dsyrk of the upper triangle)" : "2*rows*N^2 (the pure-Java fallback runs dgemm)")
        + "; dgeqrf (LAPACK, an N x N triangle stacked on a block, as a TSQR without structure runs it) "
        + "2N^2(M - N/3) for M stacked rows; tsqrBlock (the structured kernel of the TSQR pass: a block under "
        + "the triangle) 2N^2 per row; tsqrMerge (two triangles) (2/3)N^3");
    t.addNote("a round is one Spark job in barrier mode, one task per caller on the executors, every timed call "
        + "started at a barrier so all callers run at once; aggregate_gflops: callers x flops / the slowest "
        + "call of a repeat, best repeat; per_caller_gflops: each caller's flops / its fastest call; "
        + "per_cpu_s_gflops: flops per thread-CPU second of those calls (the rate of a core that is busy, "
        + "mean over callers); cpu_share: their CPU / wall seconds (below 1: the callers did not get whole "
        + "cores)");
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
        BenchTable.Column.number("dgemm_ref", "%.2f"),
        BenchTable.Column.number("pct_dgemm", "%.1f"),
        BenchTable.Column.text("pct_dgemm_range"),
        BenchTable.Column.number("pct_dgeqrf", "%.1f"),
        BenchTable.Column.number("load_s", "%.2f"),
        BenchTable.Column.number("loadavg", "%.2f"),
        BenchTable.Column.text("stop"));
    SizeResult first = rows.isEmpty() ? null : rows.get(0);
    for (SizeResult s : rows) {
      double xFirst = s.secondsPerIteration() / first.secondsPerIteration();
      t.addRow(s.rows(), s.iterations(), s.secondsPerIteration(), xFirst, xFirst * first.rows() / s.rows(),
          s.jacobianSeconds(), s.projectionSeconds(),
          s.iterations() == 0 ? Double.NaN : (double) s.projectionPasses() / s.iterations(),
          s.cgProductSeconds(), s.driverSecondsPerIteration(), s.jacobianFlops() * 1e-9, s.jacobianGflops(),
          mean(referenceGflops(s, Kind.DGEMM)), 100 * fractionOfDgemm(s), percentRange(s, Kind.DGEMM),
          100 * fractionOfDgeqrf(s), s.loadSeconds(), s.loadAverage(), s.stop());
    }
    t.addNote("s_per_iter: wall seconds per iteration (end of the warm-up projection pass to the end of the "
        + "last iteration, over the iterations); jacobian_s / projection_s: mean seconds per pass; "
        + "cg_product_s: a tangent plus a transpose pass (one CG product of the matrix-free step); driver_s: "
        + "the rest of an iteration (step and inner solves on the driver, scheduling); x_first: s_per_iter "
        + "over the first row count's; per_row_x_first: the same per row (1.000 = linear in rows)");
    t.addNote("warm-up, not timed above: load_s (rows generated and cached) and the solver's first projection "
        + "pass" + (options.jvmWarmup ? "; before the first row count, one more Jacobian pass warms the JVM" : "")
        + "; loadavg: the machine's 1-minute load average after the iterations");
    t.addNote("Jacobian pass flops = " + ScaleKernels.flopFormula(
        org.varpro.core.stats.StatsKind.parse(kind), Lapack.isNative()));
    t.addNote(String.format(Locale.ROOT,
        "dgemm_ref: the aggregate dgemm GFLOP/s of all executor cores at once (%s), mean of the reference rounds "
            + "just before and just after these iterations; pct_dgemm: jacobian_gflops over it; pct_dgemm_range: "
            + "over the higher and the lower of the two (a wide range: the reference moved, the figure is "
            + "uncertain by as much); pct_dgeqrf: the same against the stacked dgeqrf",
        options.gemmSize + "^3"));
    t.addNote(String.format(Locale.ROOT, "jacobian_gflops / dgemm_ref: %s  (target >= 50%%: %s)", ratios(rows),
        meetsTarget(kind, 0.5) ? "met" : "not met"));
    return t;
  }

  private String percentRange(SizeResult s, Kind kind) {
    double[] r = fractionRange(s, kind);
    return String.format(Locale.ROOT, "%.1f-%.1f", 100 * r[0], 100 * r[1]);
  }

  /** Where the CPU went during the Jacobian passes, for one kind of statistics. */
  public BenchTable cpuTable(String kind) {
    BenchTable t = new BenchTable("statistics " + kind + ": CPU seconds during the Jacobian passes",
        BenchTable.Column.number("rows", "%d"),
        BenchTable.Column.number("executor_cores", "%d"),
        BenchTable.Column.number("wall_s", "%.2f"),
        BenchTable.Column.number("task_run_s", "%.2f"),
        BenchTable.Column.number("task_cpu_s", "%.2f"),
        BenchTable.Column.number("driver_cpu_s", "%.2f"),
        BenchTable.Column.number("other_cpu_s", "%.2f"),
        BenchTable.Column.number("steal_s", "%.2f"),
        BenchTable.Column.number("nice_s", "%.2f"),
        BenchTable.Column.number("idle_s", "%.2f"),
        BenchTable.Column.number("executor_share", "%.3f"),
        BenchTable.Column.number("competing_cpu", "%.3f"));
    for (SizeResult s : sizes(kind)) {
      PassCpu c = s.cpu();
      t.addRow(s.rows(), c.executorCores(), c.wall(), c.taskRun(), c.tasks(), c.driver(), c.others(), c.machine().steal(),
          c.machine().nice(), c.machine().idle(), c.executorShare(), c.competingPerSecond());
    }
    t.addNote("summed over the Jacobian passes, on a machine of " + Runtime.getRuntime().availableProcessors()
        + " cores (/proc/stat; NaN elsewhere): task_run_s (the tasks' run time, summed), task_cpu_s (their "
        + "threads' CPU), driver_cpu_s (the driver JVM"
        + " without the tasks), other_cpu_s (all other busy CPU: cluster daemons, the executor JVMs' own threads,"
        + " other processes), steal_s (taken by the hypervisor), nice_s (processes under nice, which yield), "
        + "idle_s; executor_share: task_cpu_s / task_run_s (the share of a core a running task got); competing_cpu: (driver + other + steal) "
        + "/ wall, the cores' worth the tasks shared the machine with");
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
      sb.append('\n').append(table(kind).render()).append('\n').append(costTable(kind).render())
          .append('\n').append(cpuTable(kind).render());
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
    for (Round round : rounds) {
      for (Timing k : round.kernels()) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("round", round.label());
        x.put("kernel", k.kernel().name());
        x.put("shape", k.kernel().shape());
        x.put("callers", k.callers());
        x.put("flops_per_call", k.kernel().flops());
        x.put("aggregate_gflops", BenchTable.jsonValue(k.aggregateGflops()));
        x.put("per_caller_gflops", java.util.Arrays.stream(k.perCallerGflops()).boxed().toList());
        x.put("per_cpu_second_gflops", BenchTable.jsonValue(k.perCpuSecondGflops()));
        x.put("cpu_share", BenchTable.jsonValue(k.cpuShare()));
        x.put("wall_seconds", java.util.Arrays.stream(k.wall()).map(w -> java.util.Arrays.stream(w).boxed().toList())
            .toList());
        r.add(x);
      }
    }
    m.put("reference_rounds", r);
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
      x.put("dgemm_reference_gflops", java.util.Arrays.stream(referenceGflops(size, Kind.DGEMM)).boxed().toList());
      x.put("jacobian_over_dgemm", BenchTable.jsonValue(fractionOfDgemm(size)));
      x.put("jacobian_over_dgemm_range", java.util.Arrays.stream(fractionRange(size, Kind.DGEMM)).boxed().toList());
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
      x.put("jacobian_cpu", cpuMap(size.cpu()));
      x.put("model_inputs", ScaleModel.Run.of(this, size).toMap());
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

  private static Map<String, Object> cpuMap(PassCpu c) {
    Map<String, Object> x = new LinkedHashMap<>();
    x.put("wall_seconds", BenchTable.jsonValue(c.wall()));
    x.put("task_run_seconds", BenchTable.jsonValue(c.taskRun()));
    x.put("task_cpu_seconds", BenchTable.jsonValue(c.tasks()));
    x.put("driver_cpu_seconds", BenchTable.jsonValue(c.driver()));
    x.put("other_cpu_seconds", BenchTable.jsonValue(c.others()));
    x.put("steal_seconds", BenchTable.jsonValue(c.machine().steal()));
    x.put("nice_seconds", BenchTable.jsonValue(c.machine().nice()));
    x.put("idle_seconds", BenchTable.jsonValue(c.machine().idle()));
    x.put("machine_cores", c.machineCores());
    x.put("executor_cores", c.executorCores());
    x.put("executor_share", BenchTable.jsonValue(c.executorShare()));
    x.put("competing_cpu_per_second", BenchTable.jsonValue(c.competingPerSecond()));
    return x;
  }
}
