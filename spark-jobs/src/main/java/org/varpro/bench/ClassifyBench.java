package org.varpro.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.varpro.core.classify.ClassLabels;
import org.varpro.core.classify.ClassificationMetrics;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverListener;
import org.varpro.job.ClassifyData;
import org.varpro.job.ClassifyJob;
import org.varpro.job.JobConfig;

/**
 * {@code varpro bench classify}: a classification configuration (any {@code classify} section,
 * default conf/fashion-mnist.conf) fitted by VarPro exactly as {@code train} fits it (GNvpro on
 * Spark, {@link ClassifyJob#fit}), and by Spark MLlib's {@link MultilayerPerceptronClassifier}
 * (sigmoid hidden layers of the configuration's widths, softmax output, L-BFGS on all weights)
 * on the same training rows in the same Spark session, for the same wall time. Test and
 * training accuracy and log-loss are computed the same way for both ({@link
 * ClassificationMetrics} from the predicted class probabilities).
 *
 * <p><b>Equal time.</b> VarPro runs first with the budget ({@code solver.time-budget}, or
 * {@code --seconds}); its solver stops at the budget (inside the truncated CG and the inner
 * Newton solve, not only between outer iterations), and its wall time T, rows cached plus the
 * solver, is what MLlib gets. MLlib has no time budget, only maxIter (with tol = 0 nothing else
 * stops it but L-BFGS's own convergence): after a warm-up fit (JIT, caches), untimed fits of
 * k, 2k and 4k iterations give a fit's fixed cost and its seconds per iteration by least
 * squares; a first round sized pessimistically to 70% of T, then warm-started top-up rounds
 * while the time left holds one more, each sized at the rate the round before measured
 * ({@link MllibRounds}). MLlib's time is the sum of its rounds; both wall times, the rounds and
 * the ratio are printed.
 *
 * <p>Both read the same rows ({@link ClassifyData}: a table read by Spark, or a built-in set
 * broadcast to the executors rather than shipped inside tasks); MLlib's DataFrame is made from
 * VarPro's training blocks on the executors (MLlib ignores row weights).
 */
public final class ClassifyBench {
  private ClassifyBench() {}

  /** Knobs of {@code varpro bench classify}, with its defaults. */
  public static final class Options {
    /** The budget in seconds (replaces solver.time-budget), or NaN for the configuration's. */
    public double seconds = Double.NaN;
    /** MLlib: iterations k of the warm-up fit and the calibration fits (k, 2k and 4k). */
    public int calibrationIterations = 5;
    /** MLlib's first round is sized to this share of VarPro's time; top-ups fill the rest. */
    public double firstRoundShare = 0.7;
    /** MLlib's L-BFGS block size (rows stacked per matrix product). */
    public int mllibBlockSize = 128;
    /** The largest relative difference of the two fit times the report calls equal. */
    public double tolerance = 0.10;
    public Consumer<String> progress = s -> {};

    public void validate() {
      require(Double.isNaN(seconds) || seconds > 0, "--seconds must be > 0");
      require(calibrationIterations > 0, "--calibration-iterations must be > 0");
      require(firstRoundShare > 0 && firstRoundShare <= 1, "--first-round-share must be in (0, 1]");
      require(mllibBlockSize > 0, "--mllib-block-size must be > 0");
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }

  /** One method's figures. */
  public record MethodResult(String method, String model, int iterations, double seconds, double testAccuracy,
      double testLogLoss, double trainAccuracy, double trainLogLoss, String stop) {}

  public record Report(String title, String blas, String threads, double budget, List<MethodResult> results,
      double timeRatio, int mllibRounds, List<String> notes) {
    public BenchTable table() {
      BenchTable t = new BenchTable(title,
          BenchTable.Column.text("method"), BenchTable.Column.text("model"),
          BenchTable.Column.number("iterations", "%d"), BenchTable.Column.number("wall_s", "%.1f"),
          BenchTable.Column.number("test_accuracy", "%.4f"), BenchTable.Column.number("test_log_loss", "%.4f"),
          BenchTable.Column.number("train_accuracy", "%.4f"), BenchTable.Column.number("train_log_loss", "%.4f"),
          BenchTable.Column.text("stop"));
      for (MethodResult r : results) {
        t.addRow(r.method(), r.model(), r.iterations(), r.seconds(), r.testAccuracy(), r.testLogLoss(),
            r.trainAccuracy(), r.trainLogLoss(), r.stop());
      }
      for (String n : notes) {
        t.addNote(n);
      }
      return t;
    }

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("benchmark", "classify");
      m.put("blas", blas);
      m.put("threads", threads);
      m.put("budget_seconds", budget);
      m.put("time_ratio_mllib_to_varpro", timeRatio);
      m.put("mllib_rounds", mllibRounds);
      m.put("table", table().toMap());
      return m;
    }
  }

  public static Report run(SparkSession spark, JobConfig job, Options o) {
    o.validate();
    ClassifyJob.Settings s = ClassifyJob.check(job);
    if (!Double.isNaN(o.seconds)) {
      s = new ClassifyJob.Settings(s.data(), s.model(), s.solver().toBuilder().timeBudgetSeconds(o.seconds).build());
    }
    double budget = s.solver().timeBudgetSeconds;
    o.progress.accept("bench: reading " + s.data().describe());
    ClassifyData data = ClassifyData.load(s.data(), job, spark);
    try {
      return run(spark, job, s, data, budget, o);
    } finally {
      data.release().run();
    }
  }

  private static Report run(SparkSession spark, JobConfig job, ClassifyJob.Settings s, ClassifyData data,
      double budget, Options o) {
    int classes = data.classes().classes();
    List<MethodResult> results = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    String threads = openBlasThreads();

    o.progress.accept("bench: varpro (budget " + BenchTable.compact(budget) + " s)");
    PassProfile profile = new PassProfile(spark.sparkContext());
    ClassifyJob.Fitted v;
    try {
      v = fit(s, data, o);
    } finally {
      profile.close();
    }
    results.add(new MethodResult("varpro", v.network().describe(), v.result().iterations(), v.wallSeconds(),
        v.test().accuracy(), v.test().logLoss(), v.train().accuracy(), v.train().logLoss(),
        v.result().stopReason().name().toLowerCase(Locale.ROOT)));
    notes.add(String.format(Locale.ROOT, "varpro: %s, %d hidden parameters, softmax weights eliminated, %s step, "
        + "the configuration's solver section with time-budget %s s (the solver stops there, inside CG and the "
        + "inner solve); %d partitions, %s, OpenBLAS threads %s",
        v.network().describe(), v.network().numParams(), v.result().step(),
        BenchTable.compact(budget), v.partitions(), Lapack.describe(), threads));
    notes.add(String.format(Locale.ROOT, "varpro's Spark jobs: %.1f s of its %.1f s (the rest on the driver: the "
        + "Newton and CG arithmetic, the ordered merges)", profile.jobSeconds(), v.wallSeconds()));
    for (String line : profile.lines()) {
      notes.add("  " + line);
    }

    int[] layers = layers(data.inputs(), s.model().hidden(), classes);
    double target = v.wallSeconds();
    Dataset<Row> frame = frame(spark, data.trainBlocks(), classes).persist(StorageLevel.MEMORY_AND_DISK());
    Mllib m;
    try {
      frame.count();
      m = mllibForTime(frame, layers, s.model().seed(), target, o);
    } finally {
      frame.unpersist();
    }
    ClassificationMetrics mTest = mllibMetrics(m.model(), data.test(), classes);
    ClassificationMetrics mTrain = mllibMetrics(m.model(), data.train(), classes);
    results.add(new MethodResult("mllib-mlp", "sigmoid " + java.util.Arrays.toString(layers), m.iterations(),
        m.seconds(), mTest.accuracy(), mTest.logLoss(), mTrain.accuracy(), mTrain.logLoss(), m.stop()));
    double ratio = m.seconds() / target;
    notes.add(String.format(Locale.ROOT, "mllib-mlp: MultilayerPerceptronClassifier layers %s (sigmoid hidden, "
        + "softmax output), l-bfgs, blockSize %d, tol 0, seed %d, unweighted rows, Spark %s on %s",
        java.util.Arrays.toString(layers), o.mllibBlockSize, s.model().seed(), spark.version(),
        spark.sparkContext().master()));
    notes.addAll(m.log());
    notes.add(String.format(Locale.ROOT, "equal time: varpro %.1f s, mllib %.1f s in %d round%s, ratio %.3f (%s)",
        target, m.seconds(), m.rounds(), m.rounds() == 1 ? "" : "s", ratio, Math.abs(ratio - 1) <= o.tolerance ? "within " + percent(o.tolerance)
            : m.stop().equals("converged") ? "mllib stopped by itself" : "NOT within " + percent(o.tolerance)));
    String title = String.format(Locale.ROOT, "%s (%s): %s, %d training rows, %d test rows, %d classes, budget %s s",
        job.name(), data.description(), java.util.Arrays.toString(layers), data.train().rows, data.test().rows,
        classes, BenchTable.compact(budget));
    return new Report(title, Lapack.describe(), threads, budget, List.copyOf(results), ratio, m.rounds(),
        List.copyOf(notes));
  }

  /** VarPro's fit as {@code train} runs it, its iterations as progress lines. */
  private static ClassifyJob.Fitted fit(ClassifyJob.Settings s, ClassifyData data, Options o) {
    return ClassifyJob.fit(s, data, new SolverListener() {
      @Override
      public void onIteration(IterationRecord r) {
        o.progress.accept(String.format(Locale.ROOT, "bench: varpro %3d %7.1f s  objective %.5e  train accuracy %.4f"
            + "  inner %d  cg %d", r.iteration(), r.seconds(), r.loss(), r.figure("train_accuracy"),
            (int) r.figure("inner_iterations"), (int) r.figure("cg_iterations")));
      }
    });
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.0f%%", 100 * share);
  }

  /** [inputs, hidden…, classes]. */
  static int[] layers(int inputs, int[] hidden, int classes) {
    int[] l = new int[hidden.length + 2];
    l[0] = inputs;
    System.arraycopy(hidden, 0, l, 1, hidden.length);
    l[l.length - 1] = classes;
    return l;
  }

  /** MLlib's fit that counts: its iterations and seconds over all rounds, and how each round was sized. */
  record Mllib(MultilayerPerceptronClassificationModel model, int iterations, int rounds, double seconds, String stop,
      List<String> log) {}

  /** MLlib fitted for (about) {@code target} seconds: calibration, a first round and top-ups ({@link MllibRounds}). */
  static Mllib mllibForTime(Dataset<Row> frame, int[] layers, long seed, double target, Options o) {
    int k = o.calibrationIterations;
    List<String> log = new ArrayList<>();
    o.progress.accept("bench: mllib warm-up fit (" + k + " iterations)");
    Timed<MultilayerPerceptronClassificationModel> warm = Timed.run(() -> mllib(layers, seed, k, null, o).fit(frame));
    int[] sizes = {k, 2 * k, 4 * k};
    double[] seconds = new double[sizes.length];
    o.progress.accept("bench: mllib calibration fits (" + k + ", " + 2 * k + " and " + 4 * k + " iterations)");
    MllibRounds.Fits fits = new MllibRounds.Fits();
    for (int i = 0; i < sizes.length; i++) {
      int n = sizes[i];
      seconds[i] = Timed.run(() -> mllib(layers, seed, n, null, o).fit(frame)).seconds();
      fits.add(n, seconds[i]);
    }
    MllibRounds.Rate rate = fits.rate();
    log.add(String.format(Locale.ROOT, "mllib calibration: warm-up %d iterations %.1f s; fits of %d, %d and %d "
        + "iterations %.1f, %.1f and %.1f s: least squares %.3f s/iteration + %.1f s fixed", k, warm.seconds(),
        sizes[0], sizes[1], sizes[2], seconds[0], seconds[1], seconds[2], rate.perIteration(), rate.fixed()));
    MultilayerPerceptronClassificationModel model = null;
    double elapsed = 0;
    int iterations = 0;
    int rounds = 0;
    String stop = "max_iter";
    while (rounds < MAX_ROUNDS) {
      int maxIter = rounds == 0 ? MllibRounds.firstRound(rate, target, o.firstRoundShare)
          : MllibRounds.topUp(rate, target, elapsed);
      if (maxIter < 1) {
        break;
      }
      rounds++;
      int round = rounds;
      o.progress.accept(String.format(Locale.ROOT, "bench: mllib round %d: maxIter %d for %.1f s more", round,
          maxIter, rate.fixed() + maxIter * rate.perIteration()));
      Vector from = model == null ? null : model.weights();
      Timed<MultilayerPerceptronClassificationModel> t = Timed.run(() -> mllib(layers, seed, maxIter, from, o)
          .fit(frame));
      model = t.value();
      int done = model.summary().totalIterations();
      elapsed += t.seconds();
      iterations += done;
      boolean stoppedItself = done < maxIter;
      log.add(String.format(Locale.ROOT, "mllib round %d%s: maxIter %d (%s at %.1f s + %.4f s/iteration); "
          + "%d iterations in %.1f s, %.1f s in all (%+.1f%% of varpro's time)%s", round,
          from == null ? "" : " (warm start)", maxIter,
          round == 1 ? percent(o.firstRoundShare) + " of varpro's time" : "the time left, F and s refitted with the rounds", rate.fixed(),
          rate.perIteration(), done, t.seconds(), elapsed, 100 * (elapsed / target - 1),
          stoppedItself ? ", stopped by itself" : ""));
      if (stoppedItself) {
        stop = "converged";
        break;
      }
      // The round's own timing, over many iterations, joins the fit of F and s.
      fits.add(done, t.seconds());
      rate = fits.rate();
    }
    if (model == null) {
      throw new IllegalStateException(String.format(Locale.ROOT, "varpro's %.1f s leave MLlib no iteration "
          + "(%.3f s/iteration + %.1f s fixed); give a larger budget (--seconds)", target, rate.perIteration(),
          rate.fixed()));
    }
    return new Mllib(model, iterations, rounds, elapsed, stop, log);
  }

  /** Fits of a run at most: the first round and the top-ups. */
  static final int MAX_ROUNDS = 5;

  /** The classifier; {@code from} = the weights to start from (a later round), or null for seeded ones. */
  private static MultilayerPerceptronClassifier mllib(int[] layers, long seed, int maxIter, Vector from, Options o) {
    MultilayerPerceptronClassifier c = new MultilayerPerceptronClassifier()
        .setLayers(layers)
        .setSolver("l-bfgs")
        .setMaxIter(maxIter)
        .setTol(0.0)
        .setBlockSize(o.mllibBlockSize)
        .setSeed(seed);
    return from == null ? c : c.setInitialWeights(from);
  }

  /** MLlib's class probabilities for every row of the block, on the driver, and the same metrics as VarPro's. */
  static ClassificationMetrics mllibMetrics(MultilayerPerceptronClassificationModel model, RowBlock rows,
      int classes) {
    int m = rows.rows;
    int d = rows.inputDim;
    double[] p = new double[m * classes];
    int[] labels = new int[m];
    double[] f = new double[d];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < d; j++) {
        f[j] = rows.x[i + j * m];
      }
      Vector probability = model.predictProbability(Vectors.dense(f));
      for (int c = 0; c < classes; c++) {
        p[i + c * m] = probability.apply(c);
      }
      labels[i] = ClassLabels.label(rows, i, classes);
    }
    return ClassificationMetrics.of(p, m, classes, labels);
  }

  /** (label, features) rows of the blocks, made on the executors. */
  static Dataset<Row> frame(SparkSession spark, JavaRDD<RowBlock> blocks, int classes) {
    JavaRDD<Row> rows = blocks.flatMap(b -> {
      List<Row> out = new ArrayList<>(b.rows);
      double[] f = new double[b.inputDim];
      for (int i = 0; i < b.rows; i++) {
        for (int j = 0; j < b.inputDim; j++) {
          f[j] = b.x[i + j * b.rows];
        }
        out.add(RowFactory.create((double) ClassLabels.label(b, i, classes), Vectors.dense(f.clone())));
      }
      return out.iterator();
    });
    StructType schema = new StructType(new StructField[] {
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("features", new VectorUDT(), false, Metadata.empty())});
    return spark.createDataFrame(rows, schema);
  }

  /** OPENBLAS_NUM_THREADS, or OpenBLAS's default (one per core) when unset. */
  static String openBlasThreads() {
    String env = System.getenv("OPENBLAS_NUM_THREADS");
    return env != null && !env.isBlank() ? env
        : "default (" + Runtime.getRuntime().availableProcessors() + " cores)";
  }
}
