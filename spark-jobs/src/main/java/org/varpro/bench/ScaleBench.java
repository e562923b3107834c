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
import org.varpro.bench.ReferenceJob.Round;
import org.varpro.bench.ScaleKernels.Kernel;
import org.varpro.bench.ScaleKernels.Kind;
import org.varpro.bench.ScaleReport.SizeResult;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.Activation;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pass.MergeOrder;
import org.varpro.core.solver.LeastSquaresPasses;
import org.varpro.core.solver.LmOptions;
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
 * and set against dgemm and dgeqrf rates measured on the executors with one caller per executor
 * core ({@link ReferenceJob}), in rounds before the first row count and after every row count
 * and statistics, so that every pass has a reference just before and just after it.
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
    /**
     * Executor cores, the callers of the reference rounds (0: local[N]'s N, or on a cluster the
     * executors registered at the start × spark.executor.cores).
     */
    public int callers = 0;
    /** The N-column kernels (Gram update, dgeqrf, structured TSQR) in the reference rounds; false: dgemm only. */
    public boolean kernelReferences = true;
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
      m.put("callers", callers);
      m.put("kernel_references", kernelReferences);
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
    References refs = new References(sc, o,
        referenceKernels(o, cols, o.kernelReferences && p <= SolverOptions.builder().build().matrixFreeThreshold()));
    if (refs.callers > 1) {
      refs.round("one caller", 1);
    }
    refs.round("before", refs.callers);

    int[] widths = widths(o);
    List<SizeResult> sizes = new ArrayList<>();
    for (long m : o.rows) {
      sizes.addAll(runSize(sc, o, map, m, widths, o.jvmWarmup && sizes.isEmpty(), refs));
    }
    List<String> kinds = o.statistics.stream().map(k -> k.name().toLowerCase(Locale.ROOT)).toList();
    return new ScaleReport(spark0, blas, map.describe(), n, p, cols, kinds, List.copyOf(refs.rounds),
        List.copyOf(sizes), o);
  }

  /** The reference kernels: dgemm always; the Gram and QR kernels of N columns when the step is dense. */
  private static List<Kernel> referenceKernels(Options o, int cols, boolean dense) {
    List<Kernel> kernels = new ArrayList<>(List.of(Kernel.dgemm(o.gemmSize)));
    if (!dense || cols > DENSE_REFERENCE_LIMIT) {
      o.progress.accept("bench scale: N = " + cols + ": dgemm the only reference kernel (--no-kernel-references, "
          + "matrix-free step or N > " + DENSE_REFERENCE_LIMIT + ")");
      return kernels;
    }
    if (o.statistics.contains(StatsKind.GRAM)) {
      kernels.add(new Kernel(Kind.GRAM, o.blockRows, cols));
    }
    if (o.statistics.contains(StatsKind.QR)) {
      kernels.add(new Kernel(Kind.DGEQRF, o.blockRows, cols));
      kernels.add(new Kernel(Kind.TSQR_BLOCK, o.blockRows, cols));
      kernels.add(new Kernel(Kind.TSQR_MERGE, cols, cols));
    }
    return kernels;
  }

  /** The reference rounds of a run, on the executors' cores. */
  private static final class References {
    private final JavaSparkContext sc;
    private final Options o;
    private final List<Kernel> kernels;
    final int callers;
    final List<Round> rounds = new ArrayList<>();

    References(JavaSparkContext sc, Options o, List<Kernel> kernels) {
      this.sc = sc;
      this.o = o;
      this.kernels = kernels;
      this.callers = executorCores(sc, o);
    }

    /** Runs a round; returns its index. */
    int round(String label, int tasks) {
      Round r = ReferenceJob.run(sc, label, kernels, tasks, o.repeats, o.seed);
      rounds.add(r);
      for (ReferenceJob.Timing t : r.kernels()) {
        o.progress.accept(String.format(Locale.ROOT,
            "bench scale: reference %s: %s %s, %d caller%s: %.2f GFLOP/s aggregate, %.2f per CPU second",
            label, t.kernel().name(), t.kernel().shape(), t.callers(), t.callers() == 1 ? "" : "s",
            t.aggregateGflops(), t.perCpuSecondGflops()));
      }
      return rounds.size() - 1;
    }

    int last() {
      return rounds.size() - 1;
    }
  }

  /** Milliseconds to wait for the executors of a cluster to register. */
  private static final long EXECUTOR_WAIT_MILLIS = 60_000;
  /** The executor count is taken once it has not changed for this many milliseconds. */
  private static final long EXECUTOR_SETTLE_MILLIS = 4_000;

  /**
   * The executor cores: {@code --callers}, or local[N]'s N, or on a cluster the executors
   * registered (once their count has settled) × spark.executor.cores (1 when unset).
   */
  static int executorCores(JavaSparkContext sc, Options o) {
    if (o.callers > 0) {
      return o.callers;
    }
    if (sc.sc().isLocal()) {
      return Math.max(1, sc.defaultParallelism());
    }
    long start = System.currentTimeMillis();
    int seen = executors(sc);
    long since = start;
    try {
      while (System.currentTimeMillis() - start < EXECUTOR_WAIT_MILLIS
          && (seen == 0 || System.currentTimeMillis() - since < EXECUTOR_SETTLE_MILLIS)) {
        Thread.sleep(200);
        int now = executors(sc);
        if (now != seen) {
          seen = now;
          since = System.currentTimeMillis();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int cores = sc.getConf().getInt("spark.executor.cores", 1);
    o.progress.accept("bench scale: " + seen + " executors of " + cores + " core" + (cores == 1 ? "" : "s")
        + " registered: " + Math.max(1, seen * cores) + " reference callers (--callers to set)");
    return Math.max(1, seen * cores);
  }

  /** Executors registered, the driver not counted. */
  private static int executors(JavaSparkContext sc) {
    return Math.max(0, sc.sc().statusTracker().getExecutorInfos().length - 1);
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
      boolean jvmWarmup, References refs) {
    o.progress.accept(String.format(Locale.ROOT, "bench scale: %d rows: generating and caching ...", m));
    long t0 = System.nanoTime();
    JavaRDD<RowBlock> blocks = GeneratedSource.blocks(sc, m, o.inputDim, o.seed, o.partitions, o.blockRows);
    List<SizeResult> out = new ArrayList<>();
    // Two separate passes: the bench times the Jacobian pass itself (fused, it would come free).
    try (SparkEvaluator spark = SparkEvaluator.create(blocks, map).withTwoPasses()) {
      double load = Timed.since(t0);
      o.progress.accept(String.format(Locale.ROOT, "bench scale: %d rows: loaded in %.2f s", m, load));
      for (StatsKind kind : o.statistics) {
        int before = refs.last();
        SizeResult s = runStatistics(sc, o, spark, map, m, widths, kind, load, jvmWarmup && out.isEmpty(),
            refs.callers);
        int after = refs.round("after " + m + " rows " + s.statistics(), refs.callers);
        out.add(withReferences(s, before, after));
      }
    }
    return out;
  }

  private static SizeResult runStatistics(JavaSparkContext sc, Options o, SparkEvaluator spark, FeatureMap map,
      long m, int[] widths, StatsKind kind, double load, boolean jvmWarmup, int executorCores) {
    String label = kind.name().toLowerCase(Locale.ROOT);
    LmOptions.Builder<SolverOptions> options = SolverOptions.builder().statistics(kind).lambda(o.lambda)
        .maxIterations(o.iterations);
    if (o.cgMaxIterations > 0) {
      options.cgMaxIterations(o.cgMaxIterations);
    }
    SolverOptions so = options.build();
    StepMethod step = so.get(SolverOptions.STEP).resolve(m, spark.outputs(), map.numFeatures(), map.numParams(),
        so.statistics(), so.matrixFreeThreshold(), true);
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
        () -> metrics[0] = new SparkPassMetrics(sc.sc()),
        () -> metrics[0] == null ? new double[2] : metrics[0].taskCpuAndRunSeconds());
    SolverResult r;
    try {
      r = new VarProSolver(so, timed).solve(timed, theta0);
    } finally {
      if (metrics[0] != null) {
        metrics[0].close();
      }
    }
    SizeResult s = result(spark, m, label, step, pass2, flops, timed, metrics[0], r, load, jvm,
        timed.jacobianCpu(sc.sc().isLocal(), executorCores));
    o.progress.accept(String.format(Locale.ROOT,
        "bench scale: %d rows, %s: %d iterations, %.2f s per iteration (Jacobian %.2f s, projection %.3f s x %d, "
            + "CG product %.3f s, driver %.2f s), loss %.6e, stop %s",
        m, label, s.iterations(), s.secondsPerIteration(), s.jacobianSeconds(), s.projectionSeconds(),
        s.projectionPasses(), s.cgProductSeconds(), s.driverSecondsPerIteration(), s.loss(), s.stop()));
    return s;
  }

  private static SizeResult result(SparkEvaluator spark, long m, String label, StepMethod step,
      StatsKind pass2, double flops, PassTimer timed, SparkPassMetrics metrics, SolverResult r, double load,
      double jvm, PassCpu cpu) {
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
        cpu, -1, -1);
  }

  private static SizeResult withReferences(SizeResult s, int before, int after) {
    return new SizeResult(s.rows(), s.statistics(), s.step(), s.iterations(), s.stop(), s.loss(), s.loadSeconds(),
        s.warmupSeconds(), s.secondsPerIteration(), s.jacobianPasses(), s.jacobianSeconds(), s.projectionPasses(),
        s.projectionSeconds(), s.productPasses(), s.cgProductSeconds(), s.driverSecondsPerIteration(),
        s.jacobianFlops(), s.jacobianGflops(), s.treeLevels(), s.driverMerges(), s.executorMerges(),
        s.executorMergeSeconds(), s.shuffleBytesPerIteration(), s.resultBytesPerIteration(), s.executorHeapPeak(),
        s.driverHeapPeak(), s.factorBytes(), s.jacobianPassSeconds(), s.projectionPassSeconds(), s.loadAverage(),
        s.jvmWarmupSeconds(), s.cpu(), before, after);
  }
}
