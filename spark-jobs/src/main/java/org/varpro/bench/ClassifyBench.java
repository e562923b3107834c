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
 * {@code --seconds}); it checks the budget after each outer iteration, so its wall time T may
 * pass the budget by part of one iteration: MLlib gets T. MLlib has no time budget, only
 * maxIter (with tol = 0 nothing else stops it but L-BFGS's own convergence). After a warm-up fit
 * of k iterations (JIT, caches), fits of k and 3k iterations give the seconds per iteration s
 * and a fit's fixed cost F. MLlib then fits in rounds, each aimed at A = 0.95 T (the tolerance
 * is 10%: a rate off by 5% either way still lands within it): round 1 from the seeded weights
 * with maxIter = ⌊(A − F)/s⌋; while less than 0.9 T is used and L-BFGS did not stop by itself,
 * another round continues from the weights reached (warm start) with maxIter =
 * ⌊(A − elapsed − F)/s⌋, s measured on the round before (at most {@link #MAX_ROUNDS} rounds).
 * MLlib's time is the sum of its rounds; both wall times and their ratio are printed.
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
    /** MLlib: iterations k of the warm-up and calibration fits (k and 3k). */
    public int calibrationIterations = 5;
    /** MLlib's L-BFGS block size (rows stacked per matrix product). */
    public int mllibBlockSize = 128;
    /** Largest relative difference of MLlib's fit time to VarPro's before a corrected fit. */
    public double tolerance = 0.10;
    public Consumer<String> progress = s -> {};

    public void validate() {
      require(Double.isNaN(seconds) || seconds > 0, "--seconds must be > 0");
      require(calibrationIterations > 0, "--calibration-iterations must be > 0");
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
      double timeRatio, List<String> notes) {
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
    ClassifyJob.Fitted v = ClassifyJob.fit(s, data, new SolverListener() {
      @Override
      public void onIteration(IterationRecord r) {
        o.progress.accept(String.format(Locale.ROOT, "bench: varpro %3d %7.1f s  objective %.5e  train accuracy %.4f"
            + "  cg %d", r.iteration(), r.seconds(), r.loss(), r.figure("train_accuracy"),
            (int) r.figure("cg_iterations")));
      }
    });
    results.add(new MethodResult("varpro", v.network().describe(), v.result().iterations(), v.wallSeconds(),
        v.test().accuracy(), v.test().logLoss(), v.train().accuracy(), v.train().logLoss(),
        v.result().stopReason().name().toLowerCase(Locale.ROOT)));
    notes.add(String.format(Locale.ROOT, "varpro: %s, %d hidden parameters, softmax weights eliminated, %s step, "
        + "the configuration's solver section with time-budget %s s (checked after each outer iteration); "
        + "%d partitions, %s, OpenBLAS threads %s",
        v.network().describe(), v.network().numParams(), v.result().step(),
        BenchTable.compact(budget), v.partitions(), Lapack.describe(), threads));

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
    notes.add(String.format(Locale.ROOT, "equal time: varpro %.1f s, mllib %.1f s, ratio %.3f (%s)", target,
        m.seconds(), ratio, Math.abs(ratio - 1) <= o.tolerance ? "within " + percent(o.tolerance)
            : m.stop().equals("converged") ? "mllib stopped by itself" : "NOT within " + percent(o.tolerance)));
    String title = String.format(Locale.ROOT, "%s (%s): %s, %d training rows, %d test rows, %d classes, budget %s s",
        job.name(), data.description(), java.util.Arrays.toString(layers), data.train().rows, data.test().rows,
        classes, BenchTable.compact(budget));
    return new Report(title, Lapack.describe(), threads, budget, List.copyOf(results), ratio, List.copyOf(notes));
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

  /** MLlib's fit that counts, with how its maxIter was found. */
  record Mllib(MultilayerPerceptronClassificationModel model, int iterations, double seconds, String stop,
      List<String> log) {}

  /** MLlib fitted for (about) {@code target} seconds: the rule in the class comment. */
  static Mllib mllibForTime(Dataset<Row> frame, int[] layers, long seed, double target, Options o) {
    int k = o.calibrationIterations;
    List<String> log = new ArrayList<>();
    o.progress.accept("bench: mllib warm-up fit (" + k + " iterations)");
    Timed<MultilayerPerceptronClassificationModel> warm = Timed.run(() -> mllib(layers, seed, k, null, o).fit(frame));
    o.progress.accept("bench: mllib calibration fits (" + k + " and " + 3 * k + " iterations)");
    double shortFit = Timed.run(() -> mllib(layers, seed, k, null, o).fit(frame)).seconds();
    double longFit = Timed.run(() -> mllib(layers, seed, 3 * k, null, o).fit(frame)).seconds();
    // Two fits separate the cost per iteration from the fixed cost of a fit (jobs, stacking the
    // rows). When noise hides the difference, all of the long fit counts as iterations.
    double perIteration = longFit > shortFit ? (longFit - shortFit) / (2 * k) : longFit / (3 * k);
    double fixed = Math.max(0, shortFit - k * perIteration);
    log.add(String.format(Locale.ROOT, "mllib calibration: warm-up %d iterations %.1f s; fits of %d and %d "
        + "iterations %.1f s and %.1f s: %.3f s/iteration + %.1f s fixed", k, warm.seconds(), k, 3 * k, shortFit,
        longFit, perIteration, fixed));
    MultilayerPerceptronClassificationModel model = null;
    double elapsed = 0;
    int iterations = 0;
    String stop = "max_iter";
    // Each round aims at the middle of the upper half of the window [(1 - tol) T, (1 + tol) T]:
    // a rate off by up to tol/2 either way still lands in it.
    double aim = (1 - o.tolerance / 2) * target;
    for (int round = 1; round <= MAX_ROUNDS && elapsed < (1 - o.tolerance) * target; round++) {
      double remaining = aim - elapsed;
      int maxIter = (int) Math.min(Integer.MAX_VALUE, Math.floor((remaining - fixed) / perIteration));
      if (maxIter < 1) {
        break;
      }
      o.progress.accept(String.format(Locale.ROOT, "bench: mllib round %d: maxIter %d for %.1f s more",
          round, maxIter, remaining));
      Vector from = model == null ? null : model.weights();
      Timed<MultilayerPerceptronClassificationModel> t = Timed.run(() -> mllib(layers, seed, maxIter, from, o)
          .fit(frame));
      model = t.value();
      int done = model.summary().totalIterations();
      elapsed += t.seconds();
      iterations += done;
      boolean stoppedItself = done < maxIter;
      log.add(String.format(Locale.ROOT, "mllib round %d%s: maxIter = floor((%.1f - %.1f) / %.4f) = %d; %d iterations "
          + "in %.1f s, %.1f s in all (%+.1f%% of varpro's time)%s", round, from == null ? "" : " (warm start)",
          remaining, fixed, perIteration, maxIter, done, t.seconds(), elapsed, 100 * (elapsed / target - 1),
          stoppedItself ? ", stopped by itself" : ""));
      if (stoppedItself) {
        stop = "converged";
        break;
      }
      // This fit's own rate, measured over many iterations, replaces the calibration's.
      perIteration = Math.max(t.seconds() - fixed, 0.5 * t.seconds()) / done;
    }
    if (model == null) {
      throw new IllegalStateException(String.format(Locale.ROOT, "varpro's %.1f s leave MLlib no iteration "
          + "(%.3f s/iteration + %.1f s fixed); give a larger budget (--seconds)", target, perIteration, fixed));
    }
    return new Mllib(model, iterations, elapsed, stop, log);
  }

  /** Fits of a run at most: the first sized by the calibration, the next ones by the fit before. */
  static final int MAX_ROUNDS = 4;

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
