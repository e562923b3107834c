package org.varpro.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
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
import org.varpro.core.classify.StratifiedSplit;
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
 * squares; a first fit sized pessimistically to 70% of T, then fits sized to the time left
 * until it holds no more: a top-up from the weights reached when a fit ran out of iterations,
 * a restart from a fresh seed when L-BFGS stopped by itself ({@link MllibRounds}). The model
 * kept is the fit with the lowest log-loss on held-out training rows: VarPro's validation rows
 * when the configuration has them (MLlib then fits VarPro's training rows), otherwise a seeded
 * stratified share of the training rows ({@code --selection-fraction}, seed
 * {@code classify.seed}) that MLlib does not fit. Never the test rows. MLlib's time is the sum
 * of its fits; both wall times, every fit and the ratio are printed.
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
    /** MLlib's first fit is sized to this share of VarPro's time; top-ups and restarts fill the rest. */
    public double firstRoundShare = 0.7;
    /**
     * Without validation rows in the configuration: the share of the training rows held out
     * (stratified, seeded by classify.seed) to choose MLlib's model among its fits.
     */
    public double selectionFraction = 0.1;
    /** MLlib's L-BFGS block size (rows stacked per matrix product). */
    public int mllibBlockSize = 128;
    /** The largest relative difference of the two fit times the report calls equal. */
    public double tolerance = 0.10;
    public Consumer<String> progress = s -> {};

    public void validate() {
      require(Double.isNaN(seconds) || seconds > 0, "--seconds must be > 0");
      require(calibrationIterations > 0, "--calibration-iterations must be > 0");
      require(firstRoundShare > 0 && firstRoundShare <= 1, "--first-round-share must be in (0, 1]");
      require(selectionFraction > 0 && selectionFraction < 1, "--selection-fraction must be in (0, 1)");
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
      double timeRatio, int mllibFits, int mllibRestarts, List<String> notes) {
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
      m.put("mllib_fits", mllibFits);
      m.put("mllib_restarts", mllibRestarts);
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
    double budget = s.solver().timeBudgetSeconds();
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
    Selection selection = selection(data, classes, s.data().seed(), o.selectionFraction);
    Broadcast<boolean[]> heldOut = selection.heldOut() == null ? null
        : JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(selection.heldOut());
    Dataset<Row> frame = frame(spark, data.trainBlocks(), classes, heldOut).persist(StorageLevel.MEMORY_AND_DISK());
    Mllib m;
    try {
      long fitted = frame.count();
      notes.add(String.format(Locale.ROOT, "mllib's model: the fit with the lowest log-loss on %s; mllib fits "
          + "%d training rows", selection.description(), fitted));
      m = mllibForTime(frame, layers, s.model().seed(), target, selection.rows(), classes, o);
    } finally {
      frame.unpersist();
      if (heldOut != null) {
        heldOut.destroy();
      }
    }
    ClassificationMetrics mTest = mllibMetrics(m.model(), data.test(), classes);
    ClassificationMetrics mTrain = mllibMetrics(m.model(), data.train(), classes);
    results.add(new MethodResult("mllib-mlp", "sigmoid " + java.util.Arrays.toString(layers), m.iterations(),
        m.seconds(), mTest.accuracy(), mTest.logLoss(), mTrain.accuracy(), mTrain.logLoss(), m.stop()));
    double ratio = m.seconds() / target;
    notes.add(String.format(Locale.ROOT, "mllib-mlp: MultilayerPerceptronClassifier layers %s (sigmoid hidden, "
        + "softmax output), l-bfgs, blockSize %d, tol 0, seed %d (restart r: seed + r), unweighted rows, "
        + "Spark %s on %s", java.util.Arrays.toString(layers), o.mllibBlockSize, s.model().seed(), spark.version(),
        spark.sparkContext().master()));
    notes.addAll(m.log());
    notes.add(String.format(Locale.ROOT, "equal time: varpro %.1f s, mllib %.1f s in %d fit%s (%d restart%s), "
        + "ratio %.3f (%s)", target, m.seconds(), m.fits(), m.fits() == 1 ? "" : "s", m.restarts(),
        m.restarts() == 1 ? "" : "s", ratio, Math.abs(ratio - 1) <= o.tolerance ? "within " + percent(o.tolerance)
            : "NOT within " + percent(o.tolerance)));
    String title = String.format(Locale.ROOT, "%s (%s): %s, %d training rows, %d test rows, %d classes, budget %s s",
        job.name(), data.description(), java.util.Arrays.toString(layers), data.train().rows, data.test().rows,
        classes, BenchTable.compact(budget));
    return new Report(title, Lapack.describe(), threads, budget, List.copyOf(results), ratio, m.fits(),
        m.restarts(), List.copyOf(notes));
  }

  /**
   * The rows MLlib's model is chosen on.
   *
   * @param rows the held-out rows, labels as class indices
   * @param heldOut which training rows (in order) MLlib does not fit; null when it fits them all
   */
  record Selection(RowBlock rows, boolean[] heldOut, String description) {}

  /**
   * VarPro's validation rows when the configuration has them (they are not among its training
   * rows), otherwise a stratified share of the training rows seeded by {@code seed}.
   */
  static Selection selection(ClassifyData data, int classes, long seed, double fraction) {
    if (data.validation() != null) {
      return new Selection(data.validation(), null,
          "varpro's validation rows (" + data.validation().rows + ", not among its training rows)");
    }
    RowBlock train = data.train();
    int[] labels = new int[train.rows];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = ClassLabels.label(train, i, classes);
    }
    boolean[] heldOut = StratifiedSplit.heldOut(labels, classes, fraction, seed, false, null);
    int[] index = new int[count(heldOut)];
    if (index.length == 0) {
      throw new IllegalArgumentException("--selection-fraction " + fraction + " holds out no training row (every "
          + "class has fewer than " + Math.round(0.5 / fraction) + " rows): give a larger share");
    }
    for (int i = 0, j = 0; i < heldOut.length; i++) {
      if (heldOut[i]) {
        index[j++] = i;
      }
    }
    return new Selection(train.select(index), heldOut, String.format(Locale.ROOT, "%d training rows held out "
        + "(stratified, %s per class, seed classify.seed = %d; varpro fits every training row)", index.length,
        percent(fraction), seed));
  }

  private static int count(boolean[] b) {
    int n = 0;
    for (boolean v : b) {
      n += v ? 1 : 0;
    }
    return n;
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

  /**
   * MLlib's run: the model kept (the lowest validation log-loss), the iterations and seconds of
   * all fits, and what each fit did.
   */
  record Mllib(MultilayerPerceptronClassificationModel model, int iterations, int fits, int restarts,
      double seconds, String stop, List<String> log) {}

  /**
   * A warm-up fit of k iterations (JIT, caches; not used), then timed fits of k, 2k and 4k
   * iterations from the seeded weights: the calibration of a fit's cost.
   */
  private static MllibRounds.Fits calibrate(Dataset<Row> frame, int[] layers, long seed, Options o,
      List<String> log) {
    int k = o.calibrationIterations;
    o.progress.accept("bench: mllib warm-up fit (" + k + " iterations)");
    Timed<MultilayerPerceptronClassificationModel> warm = Timed.run(() -> mllib(layers, seed, k, null, o).fit(frame));
    int[] sizes = {k, 2 * k, 4 * k};
    double[] seconds = new double[sizes.length];
    o.progress.accept("bench: mllib calibration fits (" + k + ", " + 2 * k + " and " + 4 * k + " iterations)");
    MllibRounds.Fits calibration = new MllibRounds.Fits();
    for (int i = 0; i < sizes.length; i++) {
      int n = sizes[i];
      seconds[i] = Timed.run(() -> mllib(layers, seed, n, null, o).fit(frame)).seconds();
      calibration.add(n, seconds[i]);
    }
    MllibRounds.Rate rate = calibration.rate();
    log.add(String.format(Locale.ROOT, "mllib calibration: warm-up %d iterations %.1f s; fits of %d, %d and %d "
        + "iterations %.1f, %.1f and %.1f s: least squares %.3f s/iteration + %.1f s fixed", k, warm.seconds(),
        sizes[0], sizes[1], sizes[2], seconds[0], seconds[1], seconds[2], rate.perIteration(), rate.fixed()));
    return calibration;
  }

  /**
   * MLlib fitted for (about) {@code target} seconds: calibration, then the fits of a {@link
   * MllibRounds.Plan}, each scored on the selection rows.
   */
  static Mllib mllibForTime(Dataset<Row> frame, int[] layers, long seed, double target, RowBlock selection,
      int classes, Options o) {
    List<String> log = new ArrayList<>();
    MllibRounds.Fits calibration = calibrate(frame, layers, seed, o, log);
    MllibRounds.Plan plan = new MllibRounds.Plan(calibration, target, o.firstRoundShare, seed);
    MultilayerPerceptronClassificationModel last = null;
    MultilayerPerceptronClassificationModel best = null;
    int iterations = 0;
    double scoring = 0;
    for (MllibRounds.Fit fit = plan.next(); fit != null; fit = plan.next()) {
      MllibRounds.Rate r = plan.rate();
      String kind = fit.number() == 1 ? percent(o.firstRoundShare) + " of varpro's time"
          : (fit.warmStart() ? "top-up from the weights reached" : "restart " + fit.restart() + ", seed "
              + fit.seed()) + ", the time left";
      o.progress.accept(String.format(Locale.ROOT, "bench: mllib fit %d (%s): maxIter %d for %.1f s", fit.number(),
          kind, fit.maxIter(), r.fixed() + fit.maxIter() * r.perIteration()));
      Vector from = fit.warmStart() ? last.weights() : null;
      MllibRounds.Fit f = fit;
      Timed<MultilayerPerceptronClassificationModel> t = Timed.run(() -> mllib(layers, f.seed(), f.maxIter(), from, o)
          .fit(frame));
      last = t.value();
      int done = last.summary().totalIterations();
      iterations += done;
      Timed<ClassificationMetrics> scored = Timed.run(() -> mllibMetrics(t.value(), selection, classes));
      scoring += scored.seconds();
      MllibRounds.Outcome out = plan.finished(fit, done, t.seconds(), scored.value().logLoss());
      if (plan.best() == out) {
        best = last;
      }
      String line = String.format(Locale.ROOT, "mllib fit %d (%s): maxIter %d at %.4f s/iteration + %.1f s "
          + "fixed; %d iterations in %.1f s, %s; validation log-loss %.4f, accuracy %.4f; %.1f s in all (%+.1f%% "
          + "of varpro's time)", fit.number(), kind, fit.maxIter(), r.perIteration(), r.fixed(), done, t.seconds(),
          out.stoppedItself() ? "stopped by itself" : "max_iter", out.validationLogLoss(),
          scored.value().accuracy(), plan.elapsed(), 100 * (plan.elapsed() / target - 1));
      log.add(line);
      o.progress.accept("bench: " + line);
    }
    MllibRounds.Outcome chosen = plan.best();
    if (chosen == null) {
      MllibRounds.Rate r = plan.rate();
      throw new IllegalStateException(String.format(Locale.ROOT, "varpro's %.1f s leave MLlib no iteration "
          + "(%.3f s/iteration + %.1f s fixed); give a larger budget (--seconds)", target, r.perIteration(),
          r.fixed()));
    }
    MllibRounds.Rate r = plan.rate();
    if (plan.timeLeft() > 0) {
      log.add(String.format(Locale.ROOT, "mllib: %.1f s of varpro's time left after the last fit, less than a fit "
          + "of one iteration (%.1f s fixed + %.4f s/iteration)", plan.timeLeft(), r.fixed(), r.perIteration()));
    }
    List<MllibRounds.Outcome> all = plan.outcomes();
    int restarts = all.get(all.size() - 1).fit().restart();
    log.add(String.format(Locale.ROOT, "mllib's model: fit %d (restart %d, seed %d), validation log-loss %.4f, "
        + "the lowest of %d fits; scoring the fits took %.1f s (not counted)", chosen.fit().number(),
        chosen.fit().restart(), chosen.fit().seed(), chosen.validationLogLoss(), all.size(), scoring));
    return new Mllib(best, iterations, all.size(), restarts, plan.elapsed(),
        "best of " + all.size() + " fit" + (all.size() == 1 ? "" : "s"), log);
  }

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

  /**
   * (label, features) rows of the blocks, made on the executors, without the rows marked in
   * {@code heldOut} (indexed in the blocks' order, which is the training rows' order; null: all
   * rows).
   */
  static Dataset<Row> frame(SparkSession spark, JavaRDD<RowBlock> blocks, int classes,
      Broadcast<boolean[]> heldOut) {
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
    if (heldOut != null) {
      rows = rows.zipWithIndex().filter(r -> !heldOut.value()[(int) (long) r._2()]).map(r -> r._1());
    }
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
