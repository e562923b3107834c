package org.varpro.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.Activation;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.Evaluator;
import org.varpro.core.solver.ForwardingEvaluator;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.StepMethod;
import org.varpro.core.solver.VarProSolver;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.StatsKind;
import org.varpro.spark.GeneratedSource;
import org.varpro.spark.SparkEvaluator;
import org.varpro.spark.SparkSessions;

/**
 * Scale benchmark of the Spark training job: VarPro-LM regression on m rows generated inside the
 * partitions ({@link GeneratedSource}), a tanh perceptron (8→40→40→1 by default, p = 2000 hidden
 * parameters), Gram statistics by default (N = n + p + 1 columns per Jacobian pass; the TSQR of
 * the same rows costs about 3× the flops).
 *
 * <p>For each row count it caches the rows ({@link SparkEvaluator#create}), lets the solver's
 * first projection pass warm up, then runs a fixed number of iterations; every pass is timed by
 * a decorator around the evaluator ({@link TimedEvaluator}). An iteration spans from the start
 * of its Jacobian pass to the start of the next one (or the end of the solve), so it includes
 * the trial projection passes and the driver's step solves.
 *
 * <p>The Jacobian pass's flops are counted from the shapes ({@link #jacobianFlops}) and set
 * against dgemm and dsyrk rates measured in the same JVM just before.
 */
public final class ScaleBench {
  private ScaleBench() {}

  /** Knobs of the benchmark, with the defaults of {@code varpro bench scale}. */
  public static final class Options {
    public List<Long> rows = List.of(250_000L, 500_000L, 1_000_000L);
    /** Input dimension d of the generated rows. */
    public int inputDim = 8;
    /** Hidden widths (the linear output layer is eliminated by VarPro). */
    public List<Integer> hidden = List.of(40, 40);
    public int partitions = 4;
    public int blockRows = 2048;
    /** Timed iterations per row count (after the warm-up). */
    public int iterations = 2;
    public StatsKind statistics = StatsKind.GRAM;
    /** Tikhonov λ of the inner solve (keeps the Gram path away from λ = 0 rank stops). */
    public double lambda = 1e-10;
    public long seed = 1;
    /** Size n of the reference dgemm C(n×n) = A(n×n)·B(n×n). */
    public int gemmSize = 2048;
    /** Repetitions of each reference kernel; the best time counts. */
    public int repeats = 3;
    /**
     * One untimed Jacobian pass on the first row count before its iterations, so that JIT
     * compilation and the growth of the heap are not charged to the first row count.
     */
    public boolean jvmWarmup = true;
    /** Concurrent callers for the second reference measurement (0: Spark's default parallelism). */
    public int callers = 0;
    public Consumer<String> progress = s -> {};

    public void validate() {
      require(!rows.isEmpty(), "--rows needs at least one row count");
      for (long m : rows) {
        require(m >= 1, "row counts must be >= 1, got " + m);
      }
      require(inputDim >= 1, "--inputs must be >= 1");
      require(!hidden.isEmpty(), "--hidden needs at least one width");
      for (int w : hidden) {
        require(w >= 1, "hidden widths must be >= 1, got " + w);
      }
      require(partitions >= 1, "--partitions must be >= 1");
      require(blockRows >= 1, "--block-rows must be >= 1");
      require(iterations >= 1, "--iterations must be >= 1");
      require(statistics == StatsKind.GRAM || statistics == StatsKind.QR, "--statistics must be gram or qr");
      require(lambda >= 0 && Double.isFinite(lambda), "--lambda must be finite and >= 0");
      require(gemmSize >= 1, "--gemm-size must be >= 1");
      require(repeats >= 1, "--repeats must be >= 1");
      require(callers >= 0, "--callers must be >= 0");
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rows", rows);
      m.put("input_dim", inputDim);
      m.put("hidden", hidden);
      m.put("partitions", partitions);
      m.put("block_rows", blockRows);
      m.put("iterations", iterations);
      m.put("statistics", statistics.name().toLowerCase(Locale.ROOT));
      m.put("lambda", lambda);
      m.put("seed", seed);
      m.put("gemm_size", gemmSize);
      m.put("repeats", repeats);
      m.put("jvm_warmup", jvmWarmup);
      return m;
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** A reference kernel rate. */
  public record Rate(String kernel, String shape, int callers, double flopsPerCall, double seconds,
      double gflops) {}

  /** The figures of one row count. */
  public record SizeResult(long rows, int iterations, String stop, double loss, double loadSeconds,
      double warmupSeconds, double secondsPerIteration, int jacobianPasses,
      double jacobianSeconds, int projectionPasses, double projectionSeconds,
      double driverSecondsPerIteration, double jacobianFlops, double jacobianGflops,
      List<Double> jacobianPassSeconds, List<Double> projectionPassSeconds, double loadAverage,
      double jvmWarmupSeconds, double cpuShare, double dgemmAfter) {

    SizeResult withDgemmAfter(double gflops) {
      return new SizeResult(rows, iterations, stop, loss, loadSeconds, warmupSeconds, secondsPerIteration,
          jacobianPasses, jacobianSeconds, projectionPasses, projectionSeconds, driverSecondsPerIteration,
          jacobianFlops, jacobianGflops, jacobianPassSeconds, projectionPassSeconds, loadAverage,
          jvmWarmupSeconds, cpuShare, gflops);
    }
  }

  /** Everything one run measured. */
  public record Report(String spark, String blas, String model, int features, int params,
      int columns, String statistics, String stepMethod, String flopFormula, List<Rate> rates,
      List<SizeResult> sizes, Options options) {

    /** The best dgemm rate of the run (one caller, or the aggregate of concurrent callers). */
    public Rate dgemm() {
      Rate best = null;
      for (Rate r : rates) {
        if (r.kernel().equals("dgemm") && (best == null || r.gflops() > best.gflops())) {
          best = r;
        }
      }
      return best;
    }

    /** GFLOP/s of the Jacobian pass over the best dgemm rate. */
    public double fractionOfDgemm(SizeResult s) {
      return s.jacobianGflops() / dgemm().gflops();
    }

    public BenchTable referenceTable() {
      BenchTable t = new BenchTable("reference BLAS rates in this JVM (best of " + options.repeats + ")",
          BenchTable.Column.text("kernel"),
          BenchTable.Column.text("shape"),
          BenchTable.Column.number("callers", "%d"),
          BenchTable.Column.number("gflop_per_call", "%.2f"),
          BenchTable.Column.number("seconds", "%.3f"),
          BenchTable.Column.number("gflops", "%.2f"));
      for (Rate r : rates) {
        t.addRow(r.kernel(), r.shape(), r.callers(), r.flopsPerCall() * 1e-9, r.seconds(), r.gflops());
      }
      t.addNote("dgemm flops = 2n^3 per call; dsyrk (BLAS alone, upper triangle) flops = rows*N^2; "
          + "gramUpdate (Lapack.gramUpdate, one Gram block update of the Jacobian pass) flops = "
          + (Lapack.isNative() ? "rows*N^2 (native dsyrk, then the lower triangle mirrored in Java)"
              : "2*rows*N^2 (the pure-Java fallback runs dgemm)")
          + "; with several callers, gflops is the aggregate (callers x flops / slowest call)");
      return t;
    }

    public BenchTable table() {
      BenchTable t = new BenchTable(String.format(Locale.ROOT,
          "VarPro-LM on Spark: %s, n = %d features, p = %d, N = n + p + 1 = %d, statistics %s (step %s), "
              + "%d partitions, block rows %d",
          model, features, params, columns, statistics, stepMethod, options.partitions, options.blockRows),
          BenchTable.Column.number("rows", "%d"),
          BenchTable.Column.number("iters", "%d"),
          BenchTable.Column.number("s_per_iter", "%.2f"),
          BenchTable.Column.number("x_first", "%.2f"),
          BenchTable.Column.number("jacobian_s", "%.2f"),
          BenchTable.Column.number("projection_s", "%.3f"),
          BenchTable.Column.number("proj_per_iter", "%.1f"),
          BenchTable.Column.number("driver_s", "%.2f"),
          BenchTable.Column.number("jacobian_gflop", "%.1f"),
          BenchTable.Column.number("jacobian_gflops", "%.2f"),
          BenchTable.Column.number("pct_dgemm", "%.1f"),
          BenchTable.Column.number("load_s", "%.2f"),
          BenchTable.Column.number("cpu_share", "%.2f"),
          BenchTable.Column.number("dgemm_after", "%.2f"),
          BenchTable.Column.number("loadavg", "%.2f"),
          BenchTable.Column.text("stop"));
      double first = sizes.isEmpty() ? Double.NaN : sizes.get(0).secondsPerIteration();
      for (SizeResult s : sizes) {
        t.addRow(s.rows(), s.iterations(), s.secondsPerIteration(), s.secondsPerIteration() / first,
            s.jacobianSeconds(), s.projectionSeconds(),
            s.iterations() == 0 ? Double.NaN : (double) s.projectionPasses() / s.iterations(),
            s.driverSecondsPerIteration(), s.jacobianFlops() * 1e-9, s.jacobianGflops(),
            100 * fractionOfDgemm(s), s.loadSeconds(), s.cpuShare(), s.dgemmAfter(), s.loadAverage(), s.stop());
      }
      t.addNote("s_per_iter: mean wall seconds per iteration (Jacobian pass start to next Jacobian pass "
          + "start); jacobian_s / projection_s: mean seconds per pass; driver_s: the rest of an "
          + "iteration (step and inner solves on the driver); x_first: s_per_iter over the first "
          + "row count's (linear growth expected: proportional to rows)");
      t.addNote("warm-up, not timed above: load_s (rows generated and cached) and the solver's first "
          + "projection pass"
          + (options.jvmWarmup ? "; before the first row count, one more Jacobian pass warms the JVM (JIT, heap)" : "")
          + "; cpu_share: CPU seconds this JVM got during the Jacobian passes over (wall seconds x "
          + Runtime.getRuntime().availableProcessors() + " cores), below 1 when other processes took cores; "
          + "dgemm_after: the 1-caller dgemm GFLOP/s measured again right after the row count's iterations; "
          + "loadavg: the machine's 1-minute load average then (above "
          + Runtime.getRuntime().availableProcessors() + ": other processes competed for the cores)");
      t.addNote("Jacobian pass flops = " + flopFormula);
      t.addNote(String.format(Locale.ROOT,
          "jacobian_gflops / dgemm (best of the reference table: %d^3, %d caller%s, %.2f GFLOP/s): %s  "
              + "(target >= 50%%: %s)",
          options.gemmSize, dgemm().callers(), dgemm().callers() == 1 ? "" : "s", dgemm().gflops(), ratios(),
          meetsTarget(0.5) ? "met" : "not met"));
      return t;
    }

    private String ratios() {
      List<String> out = new ArrayList<>();
      for (SizeResult s : sizes) {
        out.add(String.format(Locale.ROOT, "%.1f%% at %d rows", 100 * fractionOfDgemm(s), s.rows()));
      }
      return String.join(", ", out);
    }

    /** Whether every row count's Jacobian pass reached this fraction of the dgemm rate. */
    public boolean meetsTarget(double fraction) {
      for (SizeResult s : sizes) {
        if (!(fractionOfDgemm(s) >= fraction)) {
          return false;
        }
      }
      return !sizes.isEmpty();
    }

    public String render() {
      return spark + "\n" + blas + "\n\n" + referenceTable().render() + "\n" + table().render();
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
      m.put("step_method", stepMethod);
      m.put("flop_formula", flopFormula);
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
      m.put("table", table().toMap());
      List<Map<String, Object>> s = new ArrayList<>();
      for (SizeResult size : sizes) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("rows", size.rows());
        x.put("iterations", size.iterations());
        x.put("stop", size.stop());
        x.put("loss", BenchTable.jsonValue(size.loss()));
        x.put("load_seconds", size.loadSeconds());
        x.put("warmup_seconds", size.warmupSeconds());
        x.put("jvm_warmup_jacobian_seconds", BenchTable.jsonValue(size.jvmWarmupSeconds()));
        x.put("seconds_per_iteration", BenchTable.jsonValue(size.secondsPerIteration()));
        x.put("jacobian_passes", size.jacobianPasses());
        x.put("jacobian_seconds_per_pass", BenchTable.jsonValue(size.jacobianSeconds()));
        x.put("projection_passes", size.projectionPasses());
        x.put("projection_seconds_per_pass", BenchTable.jsonValue(size.projectionSeconds()));
        x.put("driver_seconds_per_iteration", BenchTable.jsonValue(size.driverSecondsPerIteration()));
        x.put("jacobian_flops", size.jacobianFlops());
        x.put("jacobian_gflops", BenchTable.jsonValue(size.jacobianGflops()));
        x.put("jacobian_over_dgemm", BenchTable.jsonValue(fractionOfDgemm(size)));
        x.put("jacobian_pass_seconds", size.jacobianPassSeconds());
        x.put("projection_pass_seconds", size.projectionPassSeconds());
        x.put("load_average", BenchTable.jsonValue(size.loadAverage()));
        x.put("cpu_share", BenchTable.jsonValue(size.cpuShare()));
        x.put("dgemm_after_gflops", BenchTable.jsonValue(size.dgemmAfter()));
        s.add(x);
      }
      m.put("sizes", s);
      m.put("target_half_of_dgemm_met", meetsTarget(0.5));
      return m;
    }
  }

  /** The perceptron of the benchmark: tanh, biases, constant feature, Xavier. */
  public static Perceptron model(Options o) {
    return Perceptron.of(Activation.TANH, widths(o));
  }

  public static Report run(SparkSession spark, Options o) {
    o.validate();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Perceptron map = model(o);
    int n = map.numFeatures();
    int p = map.numParams();
    int cols = n + p + 1;
    int outputs = 1;
    long largest = 0;
    for (long m : o.rows) {
      largest = Math.max(largest, m);
    }
    StepMethod step = StepMethod.AUTO.resolve(largest, outputs, n, p, o.statistics,
        new SolverOptions().matrixFreeThreshold, true);
    String spark0 = SparkSessions.describe(spark);
    String threads = System.getenv("OPENBLAS_NUM_THREADS");
    String blas = "BLAS in use: " + Lapack.describe() + (Lapack.isNative() ? " (native)" : " (pure Java)")
        + ", OPENBLAS_NUM_THREADS=" + (threads == null ? "unset (OpenBLAS threads every call over all cores, "
            + "so concurrent Spark tasks oversubscribe them)" : threads);
    o.progress.accept("bench scale: " + spark0);
    o.progress.accept("bench scale: " + map.describe() + ", N = " + cols + " columns, statistics "
        + o.statistics + " (step " + step + ")");

    int callers = o.callers > 0 ? o.callers
        : Math.max(1, Math.min(sc.defaultParallelism(), Runtime.getRuntime().availableProcessors()));
    List<Rate> rates = new ArrayList<>();
    rates.add(dgemmRate(o.gemmSize, 1, o.repeats, o.seed));
    o.progress.accept("bench scale: " + describe(rates.get(rates.size() - 1)));
    if (callers > 1) {
      rates.add(dgemmRate(o.gemmSize, callers, o.repeats, o.seed));
      o.progress.accept("bench scale: " + describe(rates.get(rates.size() - 1)));
    }
    rates.add(dsyrkRate(o.blockRows, cols, 1, o.repeats, o.seed));
    o.progress.accept("bench scale: " + describe(rates.get(rates.size() - 1)));
    rates.add(gramRate(o.blockRows, cols, 1, o.repeats, o.seed));
    o.progress.accept("bench scale: " + describe(rates.get(rates.size() - 1)));
    if (callers > 1) {
      rates.add(gramRate(o.blockRows, cols, callers, o.repeats, o.seed));
      o.progress.accept("bench scale: " + describe(rates.get(rates.size() - 1)));
    }

    int[] widths = widths(o);
    List<SizeResult> sizes = new ArrayList<>();
    for (long m : o.rows) {
      sizes.add(runSize(sc, o, map, m, widths, o.jvmWarmup && sizes.isEmpty()));
    }
    String formula = flopFormula(o.statistics, Lapack.isNative());
    return new Report(spark0, blas, map.describe(), n, p, cols, o.statistics.name().toLowerCase(Locale.ROOT),
        step.name().toLowerCase(Locale.ROOT), formula, List.copyOf(rates), List.copyOf(sizes), o);
  }

  private static int[] widths(Options o) {
    int[] w = new int[o.hidden.size() + 1];
    w[0] = o.inputDim;
    for (int l = 0; l < o.hidden.size(); l++) {
      w[l + 1] = o.hidden.get(l);
    }
    return w;
  }

  private static SizeResult runSize(JavaSparkContext sc, Options o, FeatureMap map, long m, int[] widths,
      boolean jvmWarmup) {
    o.progress.accept(String.format(Locale.ROOT, "bench scale: %d rows: generating and caching ...", m));
    long t0 = System.nanoTime();
    JavaRDD<RowBlock> blocks = GeneratedSource.blocks(sc, m, o.inputDim, o.seed, o.partitions, o.blockRows);
    // Two separate passes: the bench times the Jacobian pass itself (fused, it would come free).
    try (SparkEvaluator spark = SparkEvaluator.create(blocks, map).withTwoPasses()) {
      double load = Timed.since(t0);
      o.progress.accept(String.format(Locale.ROOT, "bench scale: %d rows: loaded in %.2f s", m, load));
      SolverOptions so = new SolverOptions();
      so.statistics = o.statistics;
      so.lambda = o.lambda;
      so.maxIterations = o.iterations;
      // The statistics of the solver's Jacobian pass (raw rows when the dual step is chosen).
      StatsKind pass2 = so.step.resolve(m, spark.outputs(), map.numFeatures(), map.numParams(), so.statistics,
          so.matrixFreeThreshold, true).statistics();
      double flops = jacobianFlops(widths, m, 1, 1, pass2, Lapack.isNative(), o.partitions, o.blockRows,
          o.lambda);
      double[] theta0 = map.initialParams(o.seed);
      double jvm = Double.NaN;
      if (jvmWarmup) {
        // The same work as the solver's Jacobian pass (the values of C do not change the flops).
        double[] c = new double[map.numFeatures() * spark.outputs()];
        java.util.Arrays.fill(c, 1.0 / map.numFeatures());
        long w0 = System.nanoTime();
        spark.jacobian(theta0, c, o.lambda, null, pass2, false);
        jvm = Timed.since(w0);
        o.progress.accept(String.format(Locale.ROOT,
            "bench scale: %d rows: JVM warm-up Jacobian pass (untimed) %.2f s, %.2f GFLOP/s", m, jvm,
            flops / jvm * 1e-9));
      }
      TimedEvaluator timed = new TimedEvaluator(spark, m, flops, o.progress);
      SolverResult r = new VarProSolver(so).solve(timed, theta0);
      timed.finish();
      SizeResult out = timed.result(r, load, jvm);
      double after = dgemmRate(o.gemmSize, 1, o.repeats, o.seed).gflops();
      o.progress.accept(String.format(Locale.ROOT, "bench scale: %d rows: dgemm after the iterations %.2f GFLOP/s",
          m, after));
      return out.withDgemmAfter(after);
    }
  }

  private static String describe(Rate r) {
    return String.format(Locale.ROOT, "%s %s, %d caller%s: %.3f s, %.2f GFLOP/s", r.kernel(), r.shape(),
        r.callers(), r.callers() == 1 ? "" : "s (aggregate)", r.seconds(), r.gflops());
  }

  // ---------------------------------------------------------------------------------------------
  // Flop counts

  /** The flop count of a Jacobian pass as text (k outputs, c derivative channels, m rows). */
  static String flopFormula(StatsKind kind, boolean nativeBlas) {
    String stats = kind == StatsKind.GRAM
        ? (nativeBlas ? "k*m*N^2 (Gram dsyrk)" : "2*k*m*N^2 (Gram, pure-Java dgemm)")
        : "k*sum_blocks 2*N^2*(M - N/3) (TSQR dgeqrf of the stacked M = min(rows so far, N) + block rows, "
            + "partition factors merged the same way on the driver)";
    return "2*m*c*sum_l in_l*out_l (forward dgemm) + k*[2*m*c*sum_{l>=2} in_l*out_l (backward dgemm) "
        + "+ m*c*sum_l in_l*out_l (row-wise parameter products)] + " + stats
        + "; k = 1 output, c = 1 channel; activations, copies and the principal-angle factor not counted";
  }

  /** Counted flops of one Jacobian pass; see {@link #flopFormula}. */
  static double jacobianFlops(int[] widths, long m, int outputs, int channels, StatsKind kind,
      boolean nativeBlas, int partitions, int blockRows, double lambda) {
    double macs = 0;
    double backMacs = 0;
    int p = 0;
    for (int l = 1; l < widths.length; l++) {
      double w = (double) widths[l - 1] * widths[l];
      macs += w;
      if (l >= 2) {
        backMacs += w;
      }
      p += widths[l - 1] * widths[l] + widths[l];
    }
    int n = widths[widths.length - 1] + 1;
    int cols = n + p + 1;
    double mc = (double) m * channels;
    double forward = 2 * mc * macs;
    double backward = outputs * (2 * mc * backMacs + mc * macs);
    double stats = switch (kind) {
      case GRAM -> outputs * (nativeBlas ? 1.0 : 2.0) * m * (double) cols * cols;
      case QR -> outputs * tsqrFlops(m, cols, partitions, blockRows, lambda > 0 ? n : 0);
      case ROWS -> 0; // the dual step keeps the rows: no reduction in the pass
    };
    return forward + backward + stats;
  }

  /** Householder QR flops of an M×N matrix (LAPACK's count, lower-order terms dropped). */
  static double qrFlops(long rows, int cols) {
    double mm = rows;
    double nn = cols;
    return rows >= cols ? 2 * nn * nn * (mm - nn / 3) : 2 * mm * mm * (nn - mm / 3);
  }

  /** TSQR of m rows as {@link GeneratedSource#partition} blocks them, then the driver's merges. */
  static double tsqrFlops(long m, int cols, int partitions, int blockRows, int ridgeRows) {
    double flops = 0;
    long driverRows = 0;
    if (ridgeRows > 0) {
      flops += qrFlops(ridgeRows, cols);
      driverRows = Math.min(ridgeRows, cols);
    }
    for (int j = 0; j < partitions; j++) {
      long from = Math.floorDiv(m * j, partitions);
      long to = Math.floorDiv(m * (j + 1), partitions);
      long have = 0;
      for (long start = from; start < to; start += blockRows) {
        long r = Math.min(to, start + blockRows) - start;
        flops += qrFlops(have + r, cols);
        have = Math.min(have + r, cols);
      }
      if (have > 0) {
        flops += driverRows == 0 ? qrFlops(have, cols) : qrFlops(driverRows + have, cols);
        driverRows = Math.min(driverRows + have, cols);
      }
    }
    return flops;
  }

  // ---------------------------------------------------------------------------------------------
  // Reference kernels

  static Rate dgemmRate(int size, int callers, int repeats, long seed) {
    double flops = 2.0 * size * size * size;
    double best = best(callers, repeats, seed, rng -> {
      double[] a = random(rng, size * size);
      double[] b = random(rng, size * size);
      double[] c = new double[size * size];
      return () -> Lapack.gemm(false, false, size, size, size, 1.0, a, 0, size, b, 0, size, 0.0, c, 0, size);
    });
    return new Rate("dgemm", size + "x" + size + "x" + size, callers, flops, best, callers * flops / best * 1e-9);
  }

  /** The BLAS dsyrk alone (upper triangle of G += AᵀA), the kernel of a Gram block update. */
  static Rate dsyrkRate(int rows, int cols, int callers, int repeats, long seed) {
    double flops = rows * (double) cols * cols;
    double best = best(callers, repeats, seed, rng -> {
      double[] a = random(rng, rows * cols);
      double[] g = new double[cols * cols];
      return () -> Lapack.BLAS_.dsyrk("U", "T", cols, rows, 1.0, a, rows, 1.0, g, cols);
    });
    return new Rate("dsyrk", "rows " + rows + ", N " + cols, callers, flops, best, callers * flops / best * 1e-9);
  }

  /** One Gram block update as the Jacobian pass runs it ({@link Lapack#gramUpdate}). */
  static Rate gramRate(int rows, int cols, int callers, int repeats, long seed) {
    double flops = (Lapack.isNative() ? 1.0 : 2.0) * rows * (double) cols * cols;
    double best = best(callers, repeats, seed, rng -> {
      double[] a = random(rng, rows * cols);
      double[] g = new double[cols * cols];
      return () -> Lapack.gramUpdate(a, rows, cols, g);
    });
    return new Rate("gramUpdate", "rows " + rows + ", N " + cols, callers, flops, best,
        callers * flops / best * 1e-9);
  }

  private interface Kernel {
    Runnable prepare(SplittableRandom rng);
  }

  /** Best wall time over the repeats of {@code callers} simultaneous calls (the slowest counts). */
  private static double best(int callers, int repeats, long seed, Kernel kernel) {
    List<Runnable> work = new ArrayList<>();
    for (int t = 0; t < callers; t++) {
      work.add(kernel.prepare(new SplittableRandom(seed + t)));
    }
    work.get(0).run(); // warm-up: native library load, JIT, page faults
    if (callers == 1) {
      double best = Double.POSITIVE_INFINITY;
      for (int rep = 0; rep < repeats; rep++) {
        long t0 = System.nanoTime();
        work.get(0).run();
        best = Math.min(best, Timed.since(t0));
      }
      return best;
    }
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      double best = Double.POSITIVE_INFINITY;
      for (int rep = 0; rep < repeats; rep++) {
        CyclicBarrier start = new CyclicBarrier(callers);
        List<Future<Long>> done = new ArrayList<>();
        for (Runnable w : work) {
          Callable<Long> c = () -> {
            start.await();
            long t0 = System.nanoTime();
            w.run();
            return t0;
          };
          done.add(pool.submit(c));
        }
        long first = Long.MAX_VALUE;
        for (Future<Long> f : done) {
          first = Math.min(first, f.get());
        }
        best = Math.min(best, Timed.since(first));
      }
      return best;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static double[] random(SplittableRandom rng, int length) {
    double[] a = new double[length];
    for (int i = 0; i < length; i++) {
      a[i] = rng.nextDouble() - 0.5;
    }
    return a;
  }

  // ---------------------------------------------------------------------------------------------
  // Pass timing

  /**
   * Delegates to an evaluator and times every pass. Iteration k is the span from the start of
   * the k-th Jacobian pass to the start of the next one ({@link #finish} closes the last).
   */
  static final class TimedEvaluator extends ForwardingEvaluator {
    private final long rows;
    private final double jacobianFlops;
    private final Consumer<String> progress;
    private final List<Double> jacobian = new ArrayList<>();
    private final List<Double> projection = new ArrayList<>();
    private final List<Long> iterationStarts = new ArrayList<>();
    private double warmup;
    private long end;
    private double jacobianCpu;

    TimedEvaluator(Evaluator inner, long rows, double jacobianFlops, Consumer<String> progress) {
      super(inner);
      this.rows = rows;
      this.jacobianFlops = jacobianFlops;
      this.progress = progress;
    }

    @Override
    public ProjectionStats project(double[] theta, StatsKind kind) {
      long t0 = System.nanoTime();
      ProjectionStats s = super.project(theta, kind);
      double sec = Timed.since(t0);
      if (iterationStarts.isEmpty()) {
        warmup += sec;
        progress.accept(String.format(Locale.ROOT, "bench scale: %d rows: warm-up projection pass %.2f s", rows, sec));
      } else {
        projection.add(sec);
        progress.accept(String.format(Locale.ROOT, "bench scale: %d rows: iteration %d projection pass %.2f s",
            rows, iterationStarts.size(), sec));
      }
      return s;
    }

    @Override
    public JacobianStats jacobian(double[] theta, double[] c, double lambda, double[] thetaPrevious,
        StatsKind kind, boolean golubPereyra) {
      long t0 = System.nanoTime();
      iterationStarts.add(t0);
      double cpu0 = processCpuSeconds();
      JacobianStats s = super.jacobian(theta, c, lambda, thetaPrevious, kind, golubPereyra);
      double sec = Timed.since(t0);
      jacobianCpu += processCpuSeconds() - cpu0;
      jacobian.add(sec);
      progress.accept(String.format(Locale.ROOT,
          "bench scale: %d rows: iteration %d Jacobian pass %.2f s, %.1f GFLOP counted, %.2f GFLOP/s",
          rows, iterationStarts.size(), sec, jacobianFlops * 1e-9, jacobianFlops / sec * 1e-9));
      return s;
    }

    void finish() {
      end = System.nanoTime();
    }

    SizeResult result(SolverResult r, double load, double jvmWarmup) {
      int iters = iterationStarts.size();
      double total = iters == 0 ? Double.NaN : (end - iterationStarts.get(0)) * 1e-9;
      double perIter = total / iters;
      double jac = mean(jacobian);
      double proj = mean(projection);
      double driver = iters == 0 ? Double.NaN : (total - sum(jacobian) - sum(projection)) / iters;
      SizeResult s = new SizeResult(rows, iters, r.stopReason().name().toLowerCase(Locale.ROOT), r.loss(),
          load, warmup, perIter, jacobian.size(), jac, projection.size(), proj, driver, jacobianFlops,
          jacobianFlops / jac * 1e-9, List.copyOf(jacobian), List.copyOf(projection),
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), jvmWarmup,
          jacobianCpu / (sum(jacobian) * Runtime.getRuntime().availableProcessors()), Double.NaN);
      progress.accept(String.format(Locale.ROOT,
          "bench scale: %d rows: %d iterations, %.2f s per iteration (Jacobian %.2f s, projection %.3f s x %d, "
              + "driver %.2f s), loss %.6e, stop %s, load average %.2f",
          rows, iters, perIter, jac, proj, projection.size(), driver, r.loss(), s.stop(), s.loadAverage()));
      return s;
    }

    /** CPU seconds of this JVM so far (all threads, BLAS threads included), NaN when unknown. */
    static double processCpuSeconds() {
      java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
      if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
        long ns = sun.getProcessCpuTime();
        return ns < 0 ? Double.NaN : ns * 1e-9;
      }
      return Double.NaN;
    }

    private static double sum(List<Double> xs) {
      double s = 0;
      for (double x : xs) {
        s += x;
      }
      return s;
    }

    private static double mean(List<Double> xs) {
      return xs.isEmpty() ? Double.NaN : sum(xs) / xs.size();
    }
  }
}
