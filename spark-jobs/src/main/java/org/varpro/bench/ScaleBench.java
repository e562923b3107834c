package org.varpro.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.varpro.bench.ScaleKernels.Rate;
import org.varpro.bench.ScaleReport.SizeResult;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.Activation;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pass.MergeOrder;
import org.varpro.core.solver.LeastSquaresPasses;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.StepMethod;
import org.varpro.core.solver.VarProSolver;
import org.varpro.core.stats.StatsKind;
import org.varpro.spark.GeneratedSource;
import org.varpro.spark.SparkEvaluator;
import org.varpro.spark.SparkSessions;

/**
 * Scale benchmark of the Spark training job: VarPro-LM regression on m rows generated inside the
 * partitions ({@link GeneratedSource}), a tanh perceptron (8→40→40→1 by default, p = 2000 hidden
 * parameters), with the TSQR statistics (the accurate default) and the Gram statistics (the fast
 * mode) on the same cached rows.
 *
 * <p>For each row count it caches the rows ({@link SparkEvaluator#create}) and, for each kind of
 * statistics, lets the solver's first projection pass warm up and runs a fixed number of
 * iterations; every pass is timed by a decorator around the evaluator ({@link PassTimer}) and a
 * SparkListener sums what the jobs shuffled and held ({@link SparkPassMetrics}). Above the
 * solver's matrix-free threshold (p &gt; 20,000) the step is matrix-free: no Jacobian pass, the
 * CG products are passes of their own and are timed as such.
 *
 * <p>The Jacobian pass's flops are counted from the shapes ({@link ScaleKernels#jacobianFlops})
 * and set against dgemm and dgeqrf rates measured in the same JVM just before.
 */
public final class ScaleBench {
  private ScaleBench() {}

  /** Above this many columns the dense reference kernels are skipped (their N×N arrays alone are GBs). */
  static final int DENSE_REFERENCE_LIMIT = 12_000;

  /** Knobs of the benchmark, with the defaults of {@code varpro bench scale}. */
  public static final class Options {
    public List<Long> rows = List.of(250_000L, 500_000L, 1_000_000L);
    /** Input dimension d of the generated rows. */
    public int inputDim = 8;
    /** Hidden widths (the linear output layer is eliminated by VarPro). */
    public List<Integer> hidden = List.of(40, 40);
    public int partitions = 4;
    public int blockRows = 2048;
    /** Timed iterations per row count and statistics (after the warm-up). */
    public int iterations = 2;
    /** The statistics to run, in this order, on the same cached rows. */
    public List<StatsKind> statistics = List.of(StatsKind.QR, StatsKind.GRAM);
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
    /** CG products per matrix-free step at most (p above the matrix-free threshold); 0: the solver's default. */
    public int cgMaxIterations = 0;
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
      require(!statistics.isEmpty(), "--statistics needs gram or qr");
      for (StatsKind k : statistics) {
        require(k == StatsKind.GRAM || k == StatsKind.QR, "--statistics must be gram or qr, got "
            + k.name().toLowerCase(Locale.ROOT));
      }
      require(statistics.stream().distinct().count() == statistics.size(), "--statistics lists a kind twice");
      require(lambda >= 0 && Double.isFinite(lambda), "--lambda must be finite and >= 0");
      require(gemmSize >= 1, "--gemm-size must be >= 1");
      require(repeats >= 1, "--repeats must be >= 1");
      require(callers >= 0, "--callers must be >= 0");
      require(cgMaxIterations >= 0, "--cg-max-iterations must be >= 0");
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rows", rows);
      m.put("input_dim", inputDim);
      m.put("hidden", hidden);
      m.put("partitions", partitions);
      m.put("block_rows", blockRows);
      m.put("iterations", iterations);
      m.put("statistics", statistics.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).toList());
      m.put("lambda", lambda);
      m.put("seed", seed);
      m.put("gemm_size", gemmSize);
      m.put("repeats", repeats);
      m.put("jvm_warmup", jvmWarmup);
      m.put("cg_max_iterations", cgMaxIterations);
      return m;
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** The perceptron of the benchmark: tanh, biases, constant feature, Xavier. */
  public static Perceptron model(Options o) {
    return Perceptron.of(Activation.TANH, widths(o));
  }

  public static ScaleReport run(SparkSession spark, Options o) {
    o.validate();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Perceptron map = model(o);
    int n = map.numFeatures();
    int p = map.numParams();
    int cols = n + p + 1;
    String spark0 = SparkSessions.describe(spark);
    String threads = System.getenv("OPENBLAS_NUM_THREADS");
    String blas = "BLAS in use: " + Lapack.describe() + (Lapack.isNative() ? " (native)" : " (pure Java)")
        + ", OPENBLAS_NUM_THREADS=" + (threads == null ? "unset (OpenBLAS threads every call over all cores, "
            + "so concurrent Spark tasks oversubscribe them)" : threads);
    o.progress.accept("bench scale: " + spark0);
    o.progress.accept("bench scale: " + map.describe() + ", N = " + cols + " columns, statistics "
        + o.statistics);
    List<Rate> rates = referenceRates(sc, o, cols, p <= SolverOptions.defaults().matrixFreeThreshold);

    int[] widths = widths(o);
    List<SizeResult> sizes = new ArrayList<>();
    for (long m : o.rows) {
      sizes.addAll(runSize(sc, o, map, m, widths, o.jvmWarmup && sizes.isEmpty()));
    }
    List<String> kinds = o.statistics.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).toList();
    return new ScaleReport(spark0, blas, map.describe(), n, p, cols, kinds, List.copyOf(rates),
        List.copyOf(sizes), o);
  }

  /** The reference kernels: dgemm always; the Gram and QR kernels of N columns when the step is dense. */
  private static List<Rate> referenceRates(JavaSparkContext sc, Options o, int cols, boolean dense) {
    int callers = o.callers > 0 ? o.callers
        : Math.max(1, Math.min(sc.defaultParallelism(), Runtime.getRuntime().availableProcessors()));
    List<Rate> rates = new ArrayList<>();
    Consumer<Rate> add = r -> {
      rates.add(r);
      o.progress.accept(String.format(Locale.ROOT, "bench scale: %s %s, %d caller%s: %.3f s, %.2f GFLOP/s",
          r.kernel(), r.shape(), r.callers(), r.callers() == 1 ? "" : "s (aggregate)", r.seconds(), r.gflops()));
    };
    add.accept(ScaleKernels.dgemmRate(o.gemmSize, 1, o.repeats, o.seed));
    if (callers > 1) {
      add.accept(ScaleKernels.dgemmRate(o.gemmSize, callers, o.repeats, o.seed));
    }
    if (!dense || cols > DENSE_REFERENCE_LIMIT) {
      o.progress.accept("bench scale: N = " + cols + ": no dense reference kernels (matrix-free step or N > "
          + DENSE_REFERENCE_LIMIT + ")");
      return rates;
    }
    if (o.statistics.contains(StatsKind.GRAM)) {
      add.accept(ScaleKernels.dsyrkRate(o.blockRows, cols, 1, o.repeats, o.seed));
      add.accept(ScaleKernels.gramRate(o.blockRows, cols, 1, o.repeats, o.seed));
      if (callers > 1) {
        add.accept(ScaleKernels.gramRate(o.blockRows, cols, callers, o.repeats, o.seed));
      }
    }
    if (o.statistics.contains(StatsKind.QR)) {
      add.accept(ScaleKernels.dgeqrfRate(o.blockRows, cols, 1, o.repeats, o.seed));
      add.accept(ScaleKernels.blockUpdateRate(o.blockRows, cols, 1, o.repeats, o.seed));
      if (callers > 1) {
        add.accept(ScaleKernels.dgeqrfRate(o.blockRows, cols, callers, o.repeats, o.seed));
        add.accept(ScaleKernels.blockUpdateRate(o.blockRows, cols, callers, o.repeats, o.seed));
      }
      add.accept(ScaleKernels.mergeRate(cols, o.repeats, o.seed));
    }
    return rates;
  }

  private static int[] widths(Options o) {
    int[] w = new int[o.hidden.size() + 1];
    w[0] = o.inputDim;
    for (int l = 0; l < o.hidden.size(); l++) {
      w[l + 1] = o.hidden.get(l);
    }
    return w;
  }

  /** One row count: the rows cached once, then each kind of statistics on them. */
  private static List<SizeResult> runSize(JavaSparkContext sc, Options o, FeatureMap map, long m, int[] widths,
      boolean jvmWarmup) {
    o.progress.accept(String.format(Locale.ROOT, "bench scale: %d rows: generating and caching ...", m));
    long t0 = System.nanoTime();
    JavaRDD<RowBlock> blocks = GeneratedSource.blocks(sc, m, o.inputDim, o.seed, o.partitions, o.blockRows);
    List<SizeResult> out = new ArrayList<>();
    // Two separate passes: the bench times the Jacobian pass itself (fused, it would come free).
    try (SparkEvaluator spark = SparkEvaluator.create(blocks, map).withTwoPasses()) {
      double load = Timed.since(t0);
      o.progress.accept(String.format(Locale.ROOT, "bench scale: %d rows: loaded in %.2f s", m, load));
      for (StatsKind kind : o.statistics) {
        out.add(runStatistics(sc, o, spark, map, m, widths, kind, load, jvmWarmup && out.isEmpty()));
      }
    }
    double after = ScaleKernels.dgemmRate(o.gemmSize, 1, o.repeats, o.seed).gflops();
    o.progress.accept(String.format(Locale.ROOT, "bench scale: %d rows: dgemm after the iterations %.2f GFLOP/s",
        m, after));
    List<SizeResult> withAfter = new ArrayList<>();
    for (SizeResult s : out) {
      withAfter.add(withDgemmAfter(s, after));
    }
    return withAfter;
  }

  private static SizeResult runStatistics(JavaSparkContext sc, Options o, SparkEvaluator spark, FeatureMap map,
      long m, int[] widths, StatsKind kind, double load, boolean jvmWarmup) {
    String label = kind.name().toLowerCase(Locale.ROOT);
    SolverOptions.Builder options = SolverOptions.builder().statistics(kind).lambda(o.lambda)
        .maxIterations(o.iterations);
    if (o.cgMaxIterations > 0) {
      options.cgMaxIterations(o.cgMaxIterations);
    }
    SolverOptions so = options.build();
    StepMethod step = so.step.resolve(m, spark.outputs(), map.numFeatures(), map.numParams(), so.statistics,
        so.matrixFreeThreshold, true);
    // The statistics of the solver's Jacobian pass (raw rows for the dual step; none when matrix-free).
    StatsKind pass2 = step.statistics();
    double flops = pass2 == null ? Double.NaN : ScaleKernels.jacobianFlops(widths, m, 1, 1, pass2,
        Lapack.isNative(), o.partitions, o.blockRows, o.lambda);
    double[] theta0 = map.initialParams(o.seed);
    double jvm = Double.NaN;
    if (jvmWarmup && pass2 != null) {
      // The same work as the solver's Jacobian pass (the values of C do not change the flops).
      double[] c = new double[map.numFeatures() * spark.outputs()];
      Arrays.fill(c, 1.0 / map.numFeatures());
      long w0 = System.nanoTime();
      spark.jacobian(theta0, c, o.lambda, null, pass2, false);
      jvm = Timed.since(w0);
      o.progress.accept(String.format(Locale.ROOT,
          "bench scale: %d rows, %s: JVM warm-up Jacobian pass (untimed) %.2f s, %.2f GFLOP/s", m, label, jvm,
          flops / jvm * 1e-9));
    }
    SparkPassMetrics[] metrics = new SparkPassMetrics[1];
    PassTimer timed = new PassTimer(spark, m, label, flops, o.progress,
        () -> metrics[0] = new SparkPassMetrics(sc.sc()));
    SolverResult r;
    try {
      r = new VarProSolver(so, timed).solve(timed, theta0);
    } finally {
      if (metrics[0] != null) {
        metrics[0].close();
      }
    }
    SizeResult s = result(o, spark, m, label, step, pass2, flops, timed, metrics[0], r, load, jvm);
    o.progress.accept(String.format(Locale.ROOT,
        "bench scale: %d rows, %s: %d iterations, %.2f s per iteration (Jacobian %.2f s, projection %.3f s x %d, "
            + "CG product %.3f s, driver %.2f s), loss %.6e, stop %s",
        m, label, s.iterations(), s.secondsPerIteration(), s.jacobianSeconds(), s.projectionSeconds(),
        s.projectionPasses(), s.cgProductSeconds(), s.driverSecondsPerIteration(), s.loss(), s.stop()));
    return s;
  }

  private static SizeResult result(Options o, SparkEvaluator spark, long m, String label, StepMethod step,
      StatsKind pass2, double flops, PassTimer timed, SparkPassMetrics metrics, SolverResult r, double load,
      double jvm) {
    int iters = timed.iterations();
    int partials = spark.partitions();
    int cols = spark.featureMap().numFeatures() + spark.featureMap().numParams() + 1;
    // The Jacobian pass's merge order, as the pass chooses it from the runner's.
    MergeOrder order = pass2 == null ? null : LeastSquaresPasses.jacobianMergeOrder(pass2, cols, spark.mergeOrder());
    int levels = order == null ? 0 : order.levels(partials);
    int top = order == null ? 1 : order.lastMergeSize(partials);
    int jac = timed.jacobian.size();
    double perIter = timed.timedSeconds() / iters;
    return new SizeResult(m, label, step.name().toLowerCase(Locale.ROOT).replace('_', '-'), iters,
        r.stopReason().name().toLowerCase(Locale.ROOT), r.loss(), load, timed.warmupSeconds(), perIter, jac,
        PassTimer.mean(timed.jacobian), timed.projection.size(), PassTimer.mean(timed.projection),
        timed.tangent.size() + timed.transpose.size(),
        PassTimer.mean(timed.tangent) + PassTimer.mean(timed.transpose), timed.driverSeconds() / iters, flops,
        flops / PassTimer.mean(timed.jacobian) * 1e-9, levels, pass2 == null ? 0 : top - 1,
        jac == 0 ? Double.NaN : (double) metrics.executorMerges() / jac,
        jac == 0 ? Double.NaN : metrics.executorMergeSeconds() / jac,
        (double) metrics.shuffleWriteBytes() / iters, (double) metrics.resultBytes() / iters,
        metrics.executorHeapPeakBytes(), metrics.driverHeapPeakBytes(), 8.0 * cols * cols,
        List.copyOf(timed.jacobian), List.copyOf(timed.projection),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), jvm,
        timed.jacobianCpuShare(), Double.NaN);
  }

  private static SizeResult withDgemmAfter(SizeResult s, double gflops) {
    return new SizeResult(s.rows(), s.statistics(), s.step(), s.iterations(), s.stop(), s.loss(), s.loadSeconds(),
        s.warmupSeconds(), s.secondsPerIteration(), s.jacobianPasses(), s.jacobianSeconds(), s.projectionPasses(),
        s.projectionSeconds(), s.productPasses(), s.cgProductSeconds(), s.driverSecondsPerIteration(),
        s.jacobianFlops(), s.jacobianGflops(), s.treeLevels(), s.driverMerges(), s.executorMerges(),
        s.executorMergeSeconds(), s.shuffleBytesPerIteration(), s.resultBytesPerIteration(), s.executorHeapPeak(),
        s.driverHeapPeak(), s.factorBytes(), s.jacobianPassSeconds(), s.projectionPassSeconds(), s.loadAverage(),
        s.jvmWarmupSeconds(), s.cpuShare(), gflops);
  }
}
