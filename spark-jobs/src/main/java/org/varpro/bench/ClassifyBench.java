package org.varpro.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
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
import org.varpro.core.classify.ClassificationMetrics;
import org.varpro.core.classify.ClassifierModel;
import org.varpro.core.classify.ClassifierOptions;
import org.varpro.core.classify.ClassifierSolver;
import org.varpro.core.classify.Datasets;
import org.varpro.core.classify.JvpPerceptron;
import org.varpro.core.classify.LabeledData;
import org.varpro.core.classify.LocalClassifyEvaluator;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.Activation;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverListener;
import org.varpro.core.solver.SolverResult;
import org.varpro.spark.DataError;

/**
 * Classification benchmark on Fashion-MNIST (Debian's {@code dataset-fashion-mnist}): a
 * 784→H→10 perceptron fitted by VarPro with cross-entropy ({@link ClassifierSolver}, tanh hidden
 * layer, softmax weights eliminated) and by Spark MLlib's {@link MultilayerPerceptronClassifier}
 * (sigmoid hidden layer, softmax output, L-BFGS on all weights) on the same training rows, in
 * the same JVM, at the same wall-clock budget. Pixels are the package's bytes ÷ 255 for both.
 *
 * <p>MLlib has no time budget, only maxIter. The rule: two calibration fits of k and 2k
 * iterations (k = {@link Options#calibrationIterations}) give the seconds per iteration s and the
 * fixed cost F of a fit; the measured run uses maxIter = max(1, ⌊(budget − F) / s⌋) and tol = 0,
 * so that only maxIter stops it.
 * VarPro checks its budget after every outer iteration, so it may overrun by part of one
 * iteration; both wall times are printed.
 *
 * <p>Test accuracy and log-loss are computed the same way for both ({@link
 * ClassificationMetrics}) from the predicted class probabilities on the full 10 000-row test set.
 */
public final class ClassifyBench {
  private ClassifyBench() {}

  /** Knobs of {@code varpro bench classify}, with its defaults. */
  public static final class Options {
    /** Wall-clock budget per method. */
    public double seconds = 90;
    /** Training rows, a random subset of the 60 000 chosen by {@link #seed}. */
    public int trainRows = 10000;
    public int hidden = 64;
    public long seed = 1;
    /** Rows per block of the single-process VarPro evaluator. */
    public int blockRows = 1024;
    /** VarPro's ridge λ on the softmax weights (inner problem). */
    public double lambda = 1e-4;
    /** VarPro's ridge on the hidden weights θ (weight decay). */
    public double thetaRidge = 1e-4;
    /** VarPro's truncated-CG product cap per step and relative tolerance. */
    public int cgMaxIterations = 25;
    public double cgTolerance = 1e-4;
    /** Inner Newton relative tolerance (0: absolute 1e-10 only). */
    public double innerRelativeTolerance = 0;
    /** MLlib: iterations of the calibration run, and its L-BFGS block size. */
    public int calibrationIterations = 10;
    public int mllibBlockSize = 128;
    /** Where the IDX files are. */
    public Path dataDir = Datasets.FASHION_MNIST_DIR;
    public Consumer<String> progress = s -> {};

    public void validate() {
      require(seconds > 0, "--seconds must be > 0");
      require(trainRows > 0, "--train-rows must be > 0");
      require(hidden > 0, "--hidden must be > 0");
      require(blockRows > 0, "--block-rows must be > 0");
      require(calibrationIterations > 0, "--calibration-iterations must be > 0");
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }

  /** One method's figures. */
  public record MethodResult(String method, String hidden, int trainRows, int iterations,
      double seconds, double testAccuracy, double testLogLoss, double trainAccuracy, String stop) {}

  public record Report(String blas, String threads, Options options, List<MethodResult> results,
      List<String> notes) {
    public BenchTable table() {
      BenchTable t = new BenchTable(String.format(Locale.ROOT,
          "Fashion-MNIST 784->%d->10, %d training rows (seed %d), 10000 test rows, budget %s s per method",
          options.hidden, options.trainRows, options.seed, BenchTable.compact(options.seconds)),
          BenchTable.Column.text("method"), BenchTable.Column.text("hidden"),
          BenchTable.Column.number("train_rows", "%d"), BenchTable.Column.number("iterations", "%d"),
          BenchTable.Column.number("wall_s", "%.1f"), BenchTable.Column.number("test_accuracy", "%.4f"),
          BenchTable.Column.number("test_log_loss", "%.4f"), BenchTable.Column.number("train_accuracy", "%.4f"),
          BenchTable.Column.text("stop"));
      for (MethodResult r : results) {
        t.addRow(r.method(), r.hidden(), r.trainRows(), r.iterations(), r.seconds(), r.testAccuracy(),
            r.testLogLoss(), r.trainAccuracy(), r.stop());
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
      m.put("seconds", options.seconds);
      m.put("train_rows", options.trainRows);
      m.put("hidden", options.hidden);
      m.put("seed", options.seed);
      m.put("varpro_lambda", options.lambda);
      m.put("varpro_theta_ridge", options.thetaRidge);
      m.put("varpro_cg_max_iterations", options.cgMaxIterations);
      m.put("varpro_cg_tolerance", options.cgTolerance);
      m.put("table", table().toMap());
      return m;
    }
  }

  /** The Fashion-MNIST files must be there; otherwise a one-line error naming the package. */
  public static void requireData(Path dir) {
    try {
      Datasets.requireFashionMnist(dir);
    } catch (Datasets.InputError e) {
      throw DataError.of(e);
    }
  }

  public static Report run(SparkSession spark, Options o) {
    o.validate();
    requireData(o.dataDir);
    o.progress.accept("bench: reading Fashion-MNIST from " + o.dataDir);
    LabeledData train = Datasets.fashionMnist(o.dataDir, true).subsample(o.trainRows, o.seed);
    LabeledData test = Datasets.fashionMnist(o.dataDir, false);
    List<MethodResult> results = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    String threads = openBlasThreads();

    results.add(varpro(train, test, o));
    notes.add(String.format(Locale.ROOT, "varpro: tanh hidden layer, softmax weights eliminated, "
        + "LM with truncated CG (p = %d), lambda %s, theta ridge %s, cg <= %d products (tol %s); "
        + "one JVM thread, %s, OpenBLAS threads %s",
        JvpPerceptron.of(Activation.TANH, 784, o.hidden).numParams(), BenchTable.compact(o.lambda),
        BenchTable.compact(o.thetaRidge), o.cgMaxIterations, BenchTable.compact(o.cgTolerance),
        Lapack.describe(), threads));

    Dataset<Row> trainDf = frame(spark, train).cache();
    Dataset<Row> testDf = frame(spark, test).cache();
    trainDf.count();
    testDf.count();
    int k = o.calibrationIterations;
    o.progress.accept("bench: calibrating MLlib (" + k + " and " + 2 * k + " iterations)");
    double shortRun = Timed.run(() -> mllib(o, k).fit(trainDf)).seconds();
    double longRun = Timed.run(() -> mllib(o, 2 * k).fit(trainDf)).seconds();
    // Two points separate the cost per iteration from the fixed cost of a fit (jobs, init).
    double perIteration = Math.max(longRun - shortRun, 1e-3 * longRun) / k;
    double fixed = Math.max(0, shortRun - k * perIteration);
    int maxIter = (int) Math.max(1, Math.floor((o.seconds - fixed) / perIteration));
    o.progress.accept(String.format(Locale.ROOT, "bench: MLlib %.3f s/iteration + %.1f s fixed -> maxIter %d",
        perIteration, fixed, maxIter));
    Timed<MultilayerPerceptronClassificationModel> fit = Timed.run(() -> mllib(o, maxIter).fit(trainDf));
    MultilayerPerceptronClassificationModel model = fit.value();
    int iterations = model.summary().totalIterations();
    results.add(new MethodResult("mllib-mlp", "sigmoid", train.rows(), iterations, fit.seconds(),
        mllibMetrics(model, testDf, test).accuracy(), mllibMetrics(model, testDf, test).logLoss(),
        mllibMetrics(model, trainDf, train).accuracy(),
        iterations < maxIter ? "converged" : "max_iter"));
    notes.add(String.format(Locale.ROOT, "mllib-mlp: MultilayerPerceptronClassifier layers [784, %d, 10] "
        + "(sigmoid hidden, softmax output), l-bfgs, blockSize %d, tol 0, seed %d, Spark %s; "
        + "equal time: fits of %d and %d iterations took %.1f s and %.1f s, i.e. %.3f s/iteration "
        + "+ %.1f s fixed, so maxIter = floor((budget - fixed) / per iteration) = %d",
        o.hidden, o.mllibBlockSize, o.seed, spark.sparkContext().master(), k, 2 * k, shortRun, longRun,
        perIteration, fixed, maxIter));
    trainDf.unpersist();
    testDf.unpersist();
    return new Report(Lapack.describe(), threads, o, List.copyOf(results), List.copyOf(notes));
  }

  private static MethodResult varpro(LabeledData train, LabeledData test, Options o) {
    o.progress.accept("bench: running varpro (budget " + BenchTable.compact(o.seconds) + " s)");
    JvpPerceptron net = JvpPerceptron.of(Activation.TANH, 784, o.hidden);
    RowBlock trainBlock = train.toBlock(1.0 / train.rows());
    ClassifierOptions co = new ClassifierOptions();
    co.lambda = o.lambda;
    co.thetaRidge = o.thetaRidge;
    co.maxIterations = Integer.MAX_VALUE;
    co.timeBudgetSeconds = o.seconds;
    co.cgMaxIterations = o.cgMaxIterations;
    co.cgTolerance = o.cgTolerance;
    co.innerRelativeTolerance = o.innerRelativeTolerance;
    ClassifierSolver solver = new ClassifierSolver(co, new SolverListener() {
      @Override
      public void onIteration(IterationRecord r) {
        o.progress.accept(String.format(Locale.ROOT, "bench: varpro %3d %6.1fs f=%.5e train_acc=%.4f cg=%d",
            r.iteration(), r.seconds(), r.loss(), r.figure("train_accuracy"), (int) r.figure("cg_iterations")));
      }
    });
    SolverResult res = solver.solve(LocalClassifyEvaluator.ofRows(net, 10, trainBlock, o.blockRows),
        net.initialParams(o.seed));
    ClassifierModel model = ClassifierModel.of(net, res, 10);
    ClassificationMetrics m = model.evaluate(test.toBlock(1.0));
    ClassificationMetrics mt = model.evaluate(trainBlock);
    return new MethodResult("varpro", "tanh", train.rows(), res.iterations(), res.seconds(), m.accuracy(),
        m.logLoss(), mt.accuracy(), res.stopReason().name().toLowerCase(Locale.ROOT));
  }

  private static MultilayerPerceptronClassifier mllib(Options o, int maxIter) {
    return new MultilayerPerceptronClassifier()
        .setLayers(new int[] {784, o.hidden, 10})
        .setSolver("l-bfgs")
        .setMaxIter(maxIter)
        .setTol(0.0)
        .setBlockSize(o.mllibBlockSize)
        .setSeed(o.seed);
  }

  private static ClassificationMetrics mllibMetrics(MultilayerPerceptronClassificationModel model,
      Dataset<Row> df, LabeledData data) {
    List<Row> rows = model.transform(df).select("id", "probability").collectAsList();
    int m = data.rows();
    double[] p = new double[m * 10];
    for (Row r : rows) {
      int i = r.getInt(0);
      Vector v = (Vector) r.get(1);
      for (int k = 0; k < 10; k++) {
        p[i + k * m] = v.apply(k);
      }
    }
    return ClassificationMetrics.of(p, m, 10, data.labels());
  }

  /** (id, label, features) rows; id keeps the row order for the metrics. */
  private static Dataset<Row> frame(SparkSession spark, LabeledData data) {
    int m = data.rows();
    int d = data.inputDim();
    List<Row> rows = new ArrayList<>(m);
    double[] x = data.x();
    for (int i = 0; i < m; i++) {
      double[] f = new double[d];
      for (int j = 0; j < d; j++) {
        f[j] = x[i + j * m];
      }
      rows.add(RowFactory.create(i, (double) data.labels()[i], Vectors.dense(f)));
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("id", DataTypes.IntegerType, false, Metadata.empty()),
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("features", new VectorUDT(), false, Metadata.empty())});
    return spark.createDataFrame(rows, schema).repartition(spark.sparkContext().defaultParallelism());
  }

  /** OPENBLAS_NUM_THREADS, or OpenBLAS's default (one per core) when unset. */
  static String openBlasThreads() {
    String env = System.getenv("OPENBLAS_NUM_THREADS");
    return env != null && !env.isBlank() ? env
        : "default (" + Runtime.getRuntime().availableProcessors() + " cores)";
  }
}
