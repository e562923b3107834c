package org.varpro.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
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
import org.varpro.core.classify.ClassifierResult;
import org.varpro.core.classify.ClassifierSolver;
import org.varpro.core.classify.Datasets;
import org.varpro.core.classify.JvpPerceptron;
import org.varpro.core.classify.LabeledData;
import org.varpro.core.classify.LocalClassifyEvaluator;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.Activation;
import org.varpro.core.model.RowBlock;

/**
 * Fashion-MNIST, 784→H→10: VarPro (GNvpro, tanh features, softmax weights eliminated by the inner
 * Newton solve) against Spark MLlib's MultilayerPerceptronClassifier (sigmoid hidden layer,
 * L-BFGS on all weights) with the same hidden width, at the same wall-clock budget, in one run.
 *
 * <p>Equal time for MLlib, which has no time budget: two short calibration runs measure its
 * seconds per L-BFGS iteration and its fixed start-up cost, the budget fixes maxIter, and the
 * full run's wall time is reported next to VarPro's, so the reader sees how equal the budgets
 * came out.
 */
public final class ClassifyBench {
  private ClassifyBench() {}

  /** Settings, with the defaults of {@code varpro bench classify}. */
  public static final class Options {
    public double seconds = 120;
    public int trainRows = 10000;
    public int hidden = 64;
    public long seed = 1;
    public double lambda = 1e-4;
    public double thetaRidge = 1e-4;
    public int calibrationIterations = 10;
    public Consumer<String> progress = s -> {};

    public void validate() {
      if (!(seconds > 0)) {
        throw new IllegalArgumentException("--seconds must be > 0, got " + seconds);
      }
      if (trainRows < 100 || trainRows > 60000) {
        throw new IllegalArgumentException("--train-rows must be in [100, 60000], got " + trainRows);
      }
      if (hidden < 1) {
        throw new IllegalArgumentException("--hidden must be >= 1, got " + hidden);
      }
    }
  }

  public record Report(BenchTable table, Map<String, Object> json) {}

  public static Report run(SparkSession spark, Options o) {
    o.validate();
    LabeledData train = Datasets.fashionMnist(true).subsample(o.trainRows, o.seed);
    LabeledData test = Datasets.fashionMnist(false);
    o.progress.accept(Lapack.describe());
    o.progress.accept(String.format("Fashion-MNIST: %d training rows (seed %d), %d test rows, 784 -> %d -> 10",
        train.rows(), o.seed, test.rows(), o.hidden));

    Result varpro = varpro(train, test, o);
    Result mllib = mllib(spark, train, test, o);

    BenchTable table = new BenchTable(String.format(
        "Fashion-MNIST 784->%d->10, %d training rows, %d test rows, budget %.0f s", o.hidden, train.rows(),
        test.rows(), o.seconds),
        BenchTable.Column.text("method"),
        BenchTable.Column.number("iterations", "%d"),
        BenchTable.Column.number("seconds", "%.1f"),
        BenchTable.Column.number("train_accuracy", "%.4f"),
        BenchTable.Column.number("test_accuracy", "%.4f"),
        BenchTable.Column.number("test_log_loss", "%.4f"));
    for (Result r : List.of(varpro, mllib)) {
      table.addRow(r.method, r.iterations, r.seconds, r.train.accuracy(), r.test.accuracy(), r.test.logLoss());
    }
    table.addNote("varpro: tanh hidden layer, softmax weights by the inner Newton solve (lambda "
        + o.lambda + "), Levenberg-Marquardt on the hidden weights (theta ridge " + o.thetaRidge + "), "
        + varpro.detail);
    table.addNote("mllib: MultilayerPerceptronClassifier (sigmoid hidden layer, softmax output, L-BFGS on "
        + "all weights), " + mllib.detail);
    table.addNote(String.format("test accuracy varpro - mllib = %+.4f", varpro.test.accuracy() - mllib.test.accuracy()));

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("benchmark", "classify");
    json.put("train_rows", train.rows());
    json.put("test_rows", test.rows());
    json.put("hidden", o.hidden);
    json.put("seed", o.seed);
    json.put("budget_seconds", o.seconds);
    json.put("blas", Lapack.describe());
    List<Map<String, Object>> methods = new ArrayList<>();
    for (Result r : List.of(varpro, mllib)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("method", r.method);
      m.put("iterations", r.iterations);
      m.put("wall_seconds", r.seconds);
      m.put("train_accuracy", r.train.accuracy());
      m.put("test_accuracy", r.test.accuracy());
      m.put("test_log_loss", r.test.logLoss());
      m.put("detail", r.detail);
      methods.add(m);
    }
    json.put("methods", methods);
    return new Report(table, json);
  }

  private record Result(String method, int iterations, double seconds, ClassificationMetrics train,
      ClassificationMetrics test, String detail) {}

  private static Result varpro(LabeledData train, LabeledData test, Options o) {
    RowBlock trainRows = train.toBlock(1.0 / train.rows());
    JvpPerceptron net = JvpPerceptron.of(Activation.TANH, 784, o.hidden);
    ClassifierOptions co = new ClassifierOptions();
    co.lambda = o.lambda;
    co.thetaRidge = o.thetaRidge;
    co.maxIterations = Integer.MAX_VALUE;
    co.timeBudgetSeconds = o.seconds;
    co.cgMaxIterations = 100;
    o.progress.accept("varpro: " + net.numParams() + " hidden parameters, budget " + o.seconds + " s");
    long start = System.nanoTime();
    ClassifierResult r = new ClassifierSolver(co)
        .solve(LocalClassifyEvaluator.ofRows(net, 10, trainRows, 1024), net.initialParams(o.seed));
    double seconds = (System.nanoTime() - start) * 1e-9;
    ClassifierModel model = ClassifierModel.of(net, r, 10);
    ClassificationMetrics trainMetrics = model.evaluate(trainRows);
    ClassificationMetrics testMetrics = model.evaluate(test.toBlock(1.0));
    o.progress.accept(String.format("varpro: %d iterations, %.1f s, test %s", r.iterations(), seconds,
        testMetrics.summary()));
    return new Result("varpro", r.iterations(), seconds, trainMetrics, testMetrics,
        r.step() + " step, stop " + r.stopReason());
  }

  private static Result mllib(SparkSession spark, LabeledData train, LabeledData test, Options o) {
    Dataset<Row> trainFrame = frame(spark, train).cache();
    Dataset<Row> testFrame = frame(spark, test).cache();
    trainFrame.count();
    testFrame.count();
    int[] layers = {784, o.hidden, 10};
    // Calibration: two short runs of k and 3k iterations; their difference is the cost of 2k
    // L-BFGS iterations without the fixed start-up cost (jobs, JIT), which the budget then pays once.
    int k = o.calibrationIterations;
    double shortRun = fitSeconds(trainFrame, layers, k, o.seed);
    double longRun = fitSeconds(trainFrame, layers, 3 * k, o.seed);
    double perIteration = Math.max((longRun - shortRun) / (2 * k), 1e-6);
    double fixed = Math.max(shortRun - k * perIteration, 0);
    int maxIter = Math.max(1, (int) Math.floor((o.seconds - fixed) / perIteration));
    o.progress.accept(String.format("mllib: calibration %d iterations %.2f s, %d iterations %.2f s: %.3f s per "
        + "iteration + %.2f s fixed: maxIter %d", k, shortRun, 3 * k, longRun, perIteration, fixed, maxIter));
    long start = System.nanoTime();
    MultilayerPerceptronClassificationModel model = classifier(layers, maxIter, o.seed).fit(trainFrame);
    double seconds = (System.nanoTime() - start) * 1e-9;
    int iterations = model.summary().totalIterations();
    ClassificationMetrics trainMetrics = metrics(model, trainFrame, train);
    ClassificationMetrics testMetrics = metrics(model, testFrame, test);
    trainFrame.unpersist();
    testFrame.unpersist();
    o.progress.accept(String.format("mllib: %d iterations, %.1f s, test %s", iterations, seconds, testMetrics.summary()));
    return new Result("mllib-mlp", iterations, seconds, trainMetrics, testMetrics,
        "maxIter " + maxIter + " from the calibration, " + spark.sparkContext().master());
  }

  private static double fitSeconds(Dataset<Row> frame, int[] layers, int iterations, long seed) {
    long t0 = System.nanoTime();
    classifier(layers, iterations, seed).fit(frame);
    return (System.nanoTime() - t0) * 1e-9;
  }

  private static MultilayerPerceptronClassifier classifier(int[] layers, int maxIter, long seed) {
    return new MultilayerPerceptronClassifier().setLayers(layers).setMaxIter(maxIter).setSeed(seed)
        .setTol(0).setBlockSize(128);
  }

  /** Rows (index, label, features) in the data's order. */
  private static Dataset<Row> frame(SparkSession spark, LabeledData d) {
    List<Row> rows = new ArrayList<>(d.rows());
    int n = d.inputDim();
    for (int i = 0; i < d.rows(); i++) {
      double[] x = new double[n];
      for (int j = 0; j < n; j++) {
        x[j] = d.x()[i + j * d.rows()]; // LabeledData is column-major
      }
      rows.add(RowFactory.create((long) i, (double) d.labels()[i], Vectors.dense(x)));
    }
    StructType schema = new StructType(new StructField[] {
        new StructField("index", DataTypes.LongType, false, Metadata.empty()),
        new StructField("label", DataTypes.DoubleType, false, Metadata.empty()),
        new StructField("features", SQLDataTypes.VectorType(), false, Metadata.empty())});
    return spark.createDataFrame(rows, schema).repartition(2);
  }

  /** Accuracy and log-loss of MLlib's class probabilities, by the same formulas as VarPro's. */
  private static ClassificationMetrics metrics(MultilayerPerceptronClassificationModel model, Dataset<Row> frame,
      LabeledData d) {
    List<Row> out = model.transform(frame).select("index", "probability", "prediction", "label").collectAsList();
    int k = d.classes();
    double[] p = new double[d.rows() * k];
    long agree = 0;
    for (Row r : out) {
      int i = (int) r.getLong(0);
      Vector prob = (Vector) r.get(1);
      for (int c = 0; c < k; c++) {
        p[i + c * d.rows()] = prob.apply(c);
      }
      agree += r.getDouble(2) == r.getDouble(3) ? 1 : 0;
    }
    ClassificationMetrics m = ClassificationMetrics.of(p, d.rows(), k, d.labels());
    // MLlib's own predictions must give the accuracy computed from its probabilities.
    if (out.size() != d.rows() || Math.abs((double) agree / d.rows() - m.accuracy()) > 1e-3) {
      throw new IllegalStateException("MLlib predictions disagree with its probabilities: accuracy "
          + (double) agree / d.rows() + " vs " + m.accuracy() + " over " + out.size() + " rows");
    }
    return m;
  }
}
