package org.varpro.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.varpro.bench.BenchJson;
import org.varpro.bench.ClassifyBench;
import org.varpro.bench.RegressionBench;
import org.varpro.bench.ScaleBench;
import org.varpro.bench.SweepBench;
import org.varpro.config.ConfigError;
import org.varpro.core.linalg.Lapack;
import org.varpro.job.ClassifyJob;
import org.varpro.job.Failures;
import org.varpro.job.JobConfig;
import org.varpro.job.SparkHandle;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code varpro bench [regression]}: VarPro against Adam, L-BFGS and ELM at the same wall-clock
 * budget. Plain {@code bench} runs the regression benchmark. The work is in
 * {@link RegressionBench}; this class only maps options and prints.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
        "Benchmarks VarPro-LM against Adam, L-BFGS and an extreme learning machine at the same "
            + "wall-clock budget. Without a subcommand, runs 'regression'."},
    subcommands = {BenchCommand.Regression.class, BenchCommand.Pde.class, BenchCommand.Scale.class,
        BenchCommand.ScaleCheck.class, BenchCommand.Sweep.class, BenchCommand.Classify.class})
public final class BenchCommand implements Callable<Integer> {

  @Mixin
  RegressionOptions options;

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    return runRegression(options, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** The Spark session of a benchmark: UI off, logs at WARN. */
  static org.apache.spark.sql.SparkSession benchSession(String appName, String master) {
    return org.varpro.spark.SparkSessions.builder(appName).master(master).ui(false).logLevel("WARN").getOrCreate();
  }

  @Command(
      name = "regression",
      mixinStandardHelpOptions = true,
      description = {
          "Fits sin(pi x1) cos(pi x2) + x3^2 on [-1,1]^3 with a tanh 3->H->1 perceptron (biases, "
              + "constant feature, Xavier init) by VarPro-LM, Adam (joint, C0 = 0), L-BFGS "
              + "(joint, C0 = 0) and ELM (theta frozen), and prints iterations, wall seconds and "
              + "relative training / held-out errors."})
  static final class Regression implements Callable<Integer> {
    @Mixin
    RegressionOptions options;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      return runRegression(options, spec.commandLine().getOut(), spec.commandLine().getErr());
    }
  }

  @Command(
      name = "pde",
      mixinStandardHelpOptions = true,
      description = {
          "Solves a PDE configuration (conf/heat.conf, conf/poisson.conf, ...) by VarPro-LM with "
              + "its solver settings, then Adam, L-BFGS and ELM on the same rows for the same wall "
              + "time; prints relative L2 and max errors on the test grid, the solver time and "
              + "iteration at which the test error first reached each target (error checks not "
              + "timed), and with --seeds and --peer the median and worst over seeds and the ratios "
              + "to NumPy reference peers run back to back."})
  static final class Pde implements Callable<Integer> {
    @Parameters(index = "0", defaultValue = "conf/heat.conf", paramLabel = "CONFIG",
        description = "PDE configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "Override a configuration key (HOCON), e.g. --set solver.time-budget=10.")
    List<String> overrides = new java.util.ArrayList<>();

    @Option(names = "--no-baselines", description = "Run VarPro only.")
    boolean noBaselines;

    @Option(names = "--error-every", defaultValue = "100",
        description = "Progress line, and error-trace entry of the JSON, every this many iterations "
            + "(0: none; default: ${DEFAULT-VALUE}).")
    int errorEvery;

    @Option(names = "--check-every", defaultValue = "1",
        description = "Test error of every this many iterates for the time to target; the copies of "
            + "(theta, C) are kept and measured after the run, so checks take no solver time "
            + "(default: ${DEFAULT-VALUE}).")
    int checkEvery;

    @Option(names = "--targets", split = ",", paramLabel = "ERR",
        defaultValue = "1e-6,1e-7,1e-8,3e-9,1e-9",
        description = "Target relative L2 errors of the time-to-target report (default: ${DEFAULT-VALUE}).")
    List<Double> targets;

    @Option(names = "--seeds", split = ",", paramLabel = "SEED",
        description = "Run once per seed, setting model.seed (initial parameters) and points.seed "
            + "(collocation points) to it, and report the median and worst over seeds "
            + "(default: one run with the configuration's seeds).")
    List<Long> seeds = new java.util.ArrayList<>();

    @Option(names = "--peer", split = ",", paramLabel = "SCRIPT",
        description = "NumPy reference peer (e.g. ../shared/peers/heat_varpro_numpy.py), run as "
            + "'python3 SCRIPT WIDTH SECONDS tsqr' with the configuration's hidden width and time "
            + "budget right after each run; repeatable. Needs python3 with numpy.")
    List<Path> peers = new java.util.ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "Write every figure as JSON.")
    Path json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      String bad = checkEvery < 1 ? "--check-every must be at least 1, got " + checkEvery
          : errorEvery < 0 ? "--error-every must be at least 0, got " + errorEvery
          : targets.isEmpty() || targets.stream().anyMatch(t -> !(t > 0 && t < 1))
              ? "--targets must be errors in (0, 1), got " + targets : null;
      if (bad != null) {
        err.println("varpro: " + bad);
        return 2;
      }
      org.varpro.bench.TimeToTargetBench.Options o = new org.varpro.bench.TimeToTargetBench.Options();
      o.run.targets = List.copyOf(targets);
      o.run.overrides = List.copyOf(overrides);
      o.run.baselines = !noBaselines;
      o.run.errorEvery = errorEvery;
      o.run.checkEvery = checkEvery;
      o.run.progress = line -> {
        out.println(line);
        out.flush();
      };
      o.progress = o.run.progress;
      o.seeds = List.copyOf(seeds);
      o.peers = List.copyOf(peers);
      org.varpro.bench.TimeToTargetBench.Report report;
      try {
        report = org.varpro.bench.TimeToTargetBench.run(config, o, run -> {
          out.println(run.table().render());
          out.println(run.targets().render());
          out.flush();
        });
      } catch (Throwable t) {
        return org.varpro.job.Failures.report(t, err, false);
      }
      if (report.runs().size() > 1 || !peers.isEmpty()) {
        out.println(report.summary().render());
      }
      if (json != null) {
        BenchJson.write(json, report.json());
        out.println("summary written to " + json);
      }
      out.flush();
      return 0;
    }
  }

  @Command(
      name = "scale",
      mixinStandardHelpOptions = true,
      description = {
          "Scale benchmark of the Spark training job: VarPro-LM regression on rows generated inside "
              + "the partitions, tanh 8->40->40->1 perceptron (p = 2000), TSQR and Gram statistics on "
              + "the same cached rows. Prints the BLAS in use, dgemm, Gram, dgeqrf and structured TSQR "
              + "kernel rates measured in the same run on the executors (one task per executor core, all at "
              + "once; before the first row count and after every row count and statistics), and per row count and statistics the seconds "
              + "per iteration and per pass, the GFLOP/s of the Jacobian pass (flops counted from the "
              + "shapes) against the mean of the dgemm and dgeqrf rounds around it, where the CPU went, where the merges ran and their cost, the bytes "
              + "shuffled per iteration and the peak heaps. Above 20,000 parameters the step is "
              + "matrix-free and the seconds per CG product are printed. The default run takes "
              + "about half an hour on 2 cores."})
  static final class Scale implements Callable<Integer> {
    @Option(names = "--master", defaultValue = "local[2]",
        description = "Spark master (default: ${DEFAULT-VALUE}).")
    String master;

    @Option(names = "--rows", split = ",", defaultValue = "250000,500000,1000000",
        description = "Row counts, one run each (default: ${DEFAULT-VALUE}).")
    List<Long> rows;

    @Option(names = "--partitions", defaultValue = "4",
        description = "Partitions of the generated rows (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--block-rows", defaultValue = "2048",
        description = "Rows per block (default: ${DEFAULT-VALUE}).")
    int blockRows;

    @Option(names = "--iterations", defaultValue = "2",
        description = "Timed iterations per row count, after the warm-up (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--statistics", split = ",", defaultValue = "qr,gram",
        description = "Solver statistics to run on the same rows, in order: qr (TSQR, the accurate "
            + "default), gram (Gram sums, the fast mode) or both (default: ${DEFAULT-VALUE}).")
    List<String> statistics;

    @Option(names = "--inputs", defaultValue = "8",
        description = "Input dimension of the generated rows (default: ${DEFAULT-VALUE}).")
    int inputs;

    @Option(names = "--hidden", split = ",", defaultValue = "40,40",
        description = "Hidden widths (default: ${DEFAULT-VALUE}).")
    List<Integer> hidden;

    @Option(names = "--lambda", defaultValue = "1e-10",
        description = "Tikhonov lambda of the inner solve (default: ${DEFAULT-VALUE}).")
    double lambda;

    @Option(names = "--seed", defaultValue = "1",
        description = "Seed of the rows and the initial parameters (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--gemm-size", defaultValue = "2048",
        description = "n of the reference dgemm n x n x n (default: ${DEFAULT-VALUE}).")
    int gemmSize;

    @Option(names = "--repeats", defaultValue = "3",
        description = "Repetitions of each reference kernel, best counts (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--cg-max-iterations", defaultValue = "0",
        description = "CG products per matrix-free step at most, for p above the solver's matrix-free "
            + "threshold (20,000); 0: the solver's default (default: ${DEFAULT-VALUE}).")
    int cgMaxIterations;

    @Option(names = "--callers", defaultValue = "0",
        description = "Executor cores: the concurrent callers of the reference rounds (one Spark task each, all "
            + "at once); 0: local[N]'s N, or on a cluster the executors registered at the start x "
            + "spark.executor.cores (default: ${DEFAULT-VALUE}).")
    int callers;

    @Option(names = "--no-kernel-references",
        description = "Only dgemm in the reference rounds (no Gram update, dgeqrf or structured TSQR kernels of N "
            + "columns: faster, but no pct_dgeqrf and no fold rate for bench scale-check).")
    boolean noKernelReferences;

    @Option(names = "--no-jvm-warmup",
        description = "Skip the untimed Jacobian pass that warms the JVM before the first row count.")
    boolean noJvmWarmup;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ScaleBench.Options o = new ScaleBench.Options();
      o.rows = List.copyOf(rows);
      o.partitions = partitions;
      o.blockRows = blockRows;
      o.iterations = iterations;
      o.inputDim = inputs;
      o.hidden = List.copyOf(hidden);
      o.lambda = lambda;
      o.seed = seed;
      o.gemmSize = gemmSize;
      o.repeats = repeats;
      o.jvmWarmup = !noJvmWarmup;
      o.cgMaxIterations = cgMaxIterations;
      o.callers = callers;
      o.kernelReferences = !noKernelReferences;
      o.progress = line -> {
        err.println(line);
        err.flush();
      };
      try {
        o.statistics = statistics.stream().map(org.varpro.core.stats.StatsKind::parse).toList();
        o.validate();
      } catch (IllegalArgumentException e) {
        err.println("varpro: " + e.getMessage());
        return 2;
      }
      org.apache.spark.sql.SparkSession spark = benchSession("varpro-bench-scale", master);
      org.varpro.bench.ScaleReport report = ScaleBench.run(spark, o);
      out.print(report.render());
      out.flush();
      if (json != null) {
        BenchJson.write(json, report.toMap());
        err.println("bench: wrote " + json);
        err.flush();
      }
      return 0;
    }
  }

  @Command(
      name = "scale-check",
      mixinStandardHelpOptions = true,
      description = {
          "The speed-up check of docs/scaling.md: predicts the time per iteration of the second bench scale "
              + "run (e.g. 2 Workers of one core) from the first (1 Worker), from the first run's passes, the "
              + "fold kernel's rate per CPU second on the executors of both runs (their reference rounds) and "
              + "the CPU the first run's driver and daemons took; prints the predicted and the measured "
              + "speed-up and how far apart they are, both ways, for every row count and statistics in both."})
  static final class ScaleCheck implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FROM_JSON", description = "bench scale --json file of the first run.")
    Path from;

    @Parameters(index = "1", paramLabel = "TO_JSON", description = "bench scale --json file of the second run.")
    Path to;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      String table;
      try {
        table = org.varpro.bench.ScaleModel.check(from, to);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("varpro: " + e.getMessage());
        return 2;
      }
      spec.commandLine().getOut().print(table);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }

  @Command(
      name = "sweep",
      mixinStandardHelpOptions = true,
      description = {
          "Sweep throughput: the configurations of a sweep (default conf/heat-sweep.conf, 64 heat "
              + "configurations) one after another in one thread, then as one Spark job with one task "
              + "per configuration (default local[2]); prints both wall times, their ratio and whether "
              + "both runs gave identical rows. Run with OPENBLAS_NUM_THREADS=1 (submit/varpro sets it)."})
  static final class Sweep implements Callable<Integer> {
    @Parameters(index = "0", defaultValue = "conf/heat-sweep.conf", paramLabel = "CONFIG",
        description = "Sweep configuration (default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "Override a configuration key (HOCON), e.g. --set solver.max-iterations=50.")
    List<String> overrides = new java.util.ArrayList<>();

    @Option(names = "--master", defaultValue = "local[2]",
        description = "Spark master of the parallel run (default: ${DEFAULT-VALUE}).")
    String master;

    @Option(names = "--warmup", defaultValue = "1",
        description = "Configurations run once untimed first, to warm the JIT (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--rounds", defaultValue = "4",
        description = "Consecutive blocks of configurations, each timed serially then on Spark, so that both "
            + "runs see the same background load (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      SweepBench.Options o = new SweepBench.Options();
      o.rounds = rounds;
      o.config = config;
      o.overrides = List.copyOf(overrides);
      o.master = master;
      o.warmup = warmup;
      o.log = err;
      o.progress = line -> {
        err.println(line);
        err.flush();
      };
      SweepBench.Report report;
      try {
        report = SweepBench.run(o);
      } catch (Throwable t) {
        return org.varpro.job.Failures.report(t, err, false);
      }
      out.print(report.table().render());
      out.flush();
      if (json != null) {
        BenchJson.write(json, report.toMap());
        err.println("bench: wrote " + json);
        err.flush();
      }
      return 0;
    }
  }

  /** Options of the regression benchmark (shared by {@code bench} and {@code bench regression}). */
  static final class RegressionOptions {
    @Option(names = "--seconds", defaultValue = "20",
        description = "Wall-clock budget per method in seconds (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--seed", defaultValue = "1",
        description = "Seed of the points and of the initial parameters (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--train-points", defaultValue = "2000",
        description = "Training points (default: ${DEFAULT-VALUE}).")
    int trainPoints;

    @Option(names = "--test-points", defaultValue = "2000",
        description = "Held-out points (default: ${DEFAULT-VALUE}).")
    int testPoints;

    @Option(names = "--hidden", defaultValue = "32",
        description = "Hidden width H (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--adam-lr", split = ",", defaultValue = "1e-2,1e-3",
        description = "Adam learning rates, one run each; the ratio uses the best "
            + "(default: ${DEFAULT-VALUE}).")
    List<Double> adamLearningRates;

    @Option(names = "--lbfgs-memory", defaultValue = "20",
        description = "L-BFGS memory (default: ${DEFAULT-VALUE}).")
    int lbfgsMemory;

    @Option(names = "--elm-lambda", defaultValue = "0",
        description = "Ridge lambda of the ELM output solve (default: ${DEFAULT-VALUE}).")
    double elmLambda;

    @Option(names = "--varpro-lambda", defaultValue = "1e-11",
        description = "Tikhonov lambda of VarPro's inner solve; a tiny ridge keeps the features "
            + "from going numerically collinear (default: ${DEFAULT-VALUE}).")
    double varproLambda;

    @Option(names = "--varpro-max-iterations", defaultValue = "2147483647",
        description = "VarPro iteration cap; by default none, the budget stops it.")
    int varproMaxIterations;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    RegressionBench.Config toConfig(PrintWriter progress) {
      RegressionBench.Config c = new RegressionBench.Config();
      c.seconds = seconds;
      c.seed = seed;
      c.trainPoints = trainPoints;
      c.testPoints = testPoints;
      c.blockRows = trainPoints;
      c.hidden = hidden;
      c.adamLearningRates = List.copyOf(adamLearningRates);
      c.lbfgsMemory = lbfgsMemory;
      c.elmLambda = elmLambda;
      c.varproLambda = varproLambda;
      c.varproMaxIterations = varproMaxIterations;
      c.progress = line -> {
        progress.println(line);
        progress.flush();
      };
      return c;
    }
  }

  static int runRegression(RegressionOptions options, PrintWriter out, PrintWriter err) {
    out.println(Lapack.describe());
    out.flush();
    RegressionBench.Report report = RegressionBench.run(options.toConfig(err));
    out.print(report.table().render());
    out.flush();
    if (options.json != null) {
      BenchJson.write(options.json, report.toMap());
      err.println("bench: wrote " + options.json);
      err.flush();
    }
    return 0;
  }

  @Command(
      name = "classify",
      mixinStandardHelpOptions = true,
      description = {
          "A classification configuration (default conf/fashion-mnist.conf): VarPro as train fits it "
              + "against Spark MLlib's MultilayerPerceptronClassifier (sigmoid hidden layers of the same "
              + "widths, l-bfgs) on the same training rows for the same wall time (MLlib's maxIter "
              + "calibrated on real fits; top-ups, or restarts from fresh seeds when L-BFGS stops by itself, "
              + "until the time is used; the fit with the lowest log-loss on held-out training rows is kept); "
              + "prints both times, every MLlib fit, test and training accuracy and log-loss."})
  static final class Classify implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", defaultValue = "conf/fashion-mnist.conf",
        description = "Classification configuration (a classify section; default: ${DEFAULT-VALUE}).")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "Override a configuration value (repeatable), as in train.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--seconds",
        description = "Wall-clock budget of VarPro in seconds (replaces solver.time-budget); MLlib gets "
            + "VarPro's measured time.")
    Double seconds;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master (overrides job.master).")
    String master;

    @Option(names = "--calibration-iterations", defaultValue = "5",
        description = "MLlib iterations k of the warm-up fit and the calibration fits (k, 2k and 4k) "
            + "(default: ${DEFAULT-VALUE}).")
    int calibrationIterations;

    @Option(names = "--first-round-share", defaultValue = "0.7",
        description = "MLlib's first fit is sized to this share of VarPro's time, top-ups and restarts fill the "
            + "rest (default: ${DEFAULT-VALUE}).")
    double firstRoundShare;

    @Option(names = "--selection-fraction", defaultValue = "0.1",
        description = "Without validation rows in the configuration: the share of the training rows held out of "
            + "MLlib's fits (stratified, seeded by classify.seed) to choose its model among them "
            + "(default: ${DEFAULT-VALUE}).")
    double selectionFraction;

    @Option(names = "--mllib-block-size", defaultValue = "128",
        description = "MLlib's blockSize (rows stacked per product) (default: ${DEFAULT-VALUE}).")
    int mllibBlockSize;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON.")
    Path json;

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces of failures.")
    boolean verbose;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ClassifyBench.Options o = new ClassifyBench.Options();
      if (seconds != null) {
        o.seconds = seconds;
      }
      o.calibrationIterations = calibrationIterations;
      o.firstRoundShare = firstRoundShare;
      o.selectionFraction = selectionFraction;
      o.mllibBlockSize = mllibBlockSize;
      o.progress = line -> {
        err.println(line);
        err.flush();
      };
      ClassifyBench.Report report;
      try {
        o.validate();
        JobConfig job = JobConfig.parse(JobConfig.load(config, overrides), config, null, master);
        if (job.kind() != JobConfig.Kind.CLASSIFY) {
          throw new ConfigError("classify", "bench classify needs a classification configuration (a classify "
              + "section); " + config + " is a " + job.kind().modelKind() + " configuration");
        }
        ClassifyJob.check(job);
        try (SparkHandle spark = SparkHandle.open("varpro-bench-classify", job.sparkMaster(), false, job.logLevel(),
            err)) {
          report = ClassifyBench.run(spark.spark, job, o);
        }
      } catch (IllegalArgumentException e) {
        if (Failures.userError(e) != null) {
          return Failures.report(e, err, verbose);
        }
        err.println("varpro: " + e.getMessage()); // a bad option
        return Failures.BAD_INPUT;
      } catch (Throwable t) {
        return Failures.report(t, err, verbose);
      }
      out.print(report.table().render());
      out.flush();
      if (json != null) {
        BenchJson.write(json, report.toMap());
        err.println("bench: wrote " + json);
        err.flush();
      }
      return 0;
    }
  }
}
