package org.varpro.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.model.FittedModel;
import org.varpro.model.ModelFile;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.SolverResult;
import org.varpro.job.TrainJob;
import org.varpro.spark.Standardization;
import org.varpro.spark.TabularData;
import org.varpro.spark.TestSpark;

/**
 * VarProRegressor in MLlib's machinery: a Pipeline against {@code varpro train} on the same rows
 * and split, save and load, CrossValidator over a parameter grid.
 */
class VarProRegressorTest {
  static SparkSession spark;

  @TempDir
  Path tmp;

  @BeforeAll
  static void session() {
    spark = TestSpark.session();
  }

  static VectorAssembler assembler() {
    return new VectorAssembler().setInputCols(MlFixtures.DIABETES_COLUMNS).setOutputCol("features");
  }

  static double[] column(Dataset<Row> d, String c) {
    return d.select(c).collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
  }

  /** max_i |a_i − b_i| / max_i |b_i|. */
  static double relativeDifference(double[] a, double[] b) {
    assertEquals(b.length, a.length);
    double diff = 0;
    double scale = 0;
    for (int i = 0; i < a.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
      scale = Math.max(scale, Math.abs(b[i]));
    }
    return diff / scale;
  }

  @Test
  void pipelineEqualsTrainOnTheSameRowsAndSplitAndSurvivesSaveAndLoad() throws Exception {
    // varpro train conf/diabetes.conf (the data paths made absolute: tests run in spark-jobs/).
    TrainJob.Options o = new TrainJob.Options();
    o.config = TestSpark.repoFile("conf/diabetes.conf");
    o.overrides = List.of("data.path=\"" + MlFixtures.repoPath("data/diabetes_data_raw.csv.gz") + "\"",
        "data.label-path=\"" + MlFixtures.repoPath("data/diabetes_target.csv.gz") + "\"");
    o.output = tmp.resolve("run").toString();
    o.log = new PrintWriter(Writer.nullWriter());
    TrainJob.Result run = TrainJob.run(o);
    SolverResult train = run.solver();
    FittedModel saved = ModelFile.read(run.runFolder().child("model.json"));

    // The same training rows in the same partitions, raw, as a DataFrame.
    TabularData data = MlFixtures.diabetes(spark, 0.2);
    try {
      Dataset<Row> rows = MlFixtures.frame(spark, data.training()).cache();
      VarProRegressor reg = new VarProRegressor().setHidden(new int[] {16}).setLambda(10).setMaxIter(20)
          .setTimeBudget(600).setSeed(1).setStandardization(true).setStandardizeLabels(true).setBlockRows(512);
      PipelineModel model = new Pipeline().setStages(new PipelineStage[] {assembler(), reg}).fit(rows);
      VarProRegressionModel fitted = (VarProRegressionModel) model.stages()[1];

      // θ and C agree with train's to 1e-12 relative (the same code on the same blocks and
      // partitions: the figures printed below show how close).
      assertTrue(relativeDifference(fitted.theta(), train.theta()) <= 1e-12, "theta");
      assertTrue(relativeDifference(fitted.coefficients(), train.c()) <= 1e-12, "C");
      assertEquals(train.iterations(), fitted.summary().totalIterations());
      assertEquals(train.history().size(), fitted.summary().history().size());
      assertEquals(train.loss(), fitted.summary().loss(), 1e-12 * train.loss());
      assertEquals(saved.standardization().rows(), fitted.scaling().rows());
      assertArrayEquals(saved.standardization().featureMean(), fitted.scaling().featureMean(), 0);
      assertArrayEquals(saved.standardization().labelStd(), fitted.scaling().labelStd(), 0);

      // Predictions agree with train's model (model.json) on the same rows.
      double[] predicted = column(model.transform(rows), "prediction");
      RowBlock raw = data.collectTraining();
      Standardization std = saved.standardization();
      double[] trainPredicted = std.labelMean().length == 1
          ? saved.featureMap().outputs(saved.theta(), saved.c(), std.apply(raw)) : null;
      for (int i = 0; i < trainPredicted.length; i++) {
        trainPredicted[i] = trainPredicted[i] * std.labelStd()[0] + std.labelMean()[0];
      }
      assertTrue(relativeDifference(predicted, trainPredicted) <= 1e-12, "predictions");
      System.out.printf("diabetes: Pipeline vs train: relative difference θ %.3g, C %.3g, predictions %.3g "
          + "(%d iterations, %s)%n", relativeDifference(fitted.theta(), train.theta()),
          relativeDifference(fitted.coefficients(), train.c()), relativeDifference(predicted, trainPredicted),
          train.iterations(), fitted.summary().stopReason());

      // Save, load, transform again: identical predictions, the summary kept.
      String uri = tmp.resolve("pipeline").toUri().toString();
      model.write().overwrite().save(uri);
      PipelineModel loaded = PipelineModel.load(uri);
      assertArrayEquals(predicted, column(loaded.transform(rows), "prediction"), 0);
      VarProRegressionModel back = (VarProRegressionModel) loaded.stages()[1];
      assertArrayEquals(fitted.theta(), back.theta(), 0);
      assertEquals(fitted.uid(), back.uid());
      assertEquals(20, back.getMaxIter());
      assertEquals(fitted.summary().stopReason(), back.summary().stopReason());
      assertArrayEquals(fitted.summary().objectiveHistory(), back.summary().objectiveHistory(), 0);
      rows.unpersist();
    } finally {
      data.unpersist();
    }
  }

  @Test
  void crossValidatorPicksTheGridPointWithTheBestMeanMetric() {
    TabularData data = MlFixtures.diabetes(spark, 0);
    try {
      Dataset<Row> rows = assembler().transform(MlFixtures.frame(spark, data.training())).cache();
      VarProRegressor reg = new VarProRegressor().setMaxIter(4).setStandardizeLabels(true).setSeed(3);
      ParamMap[] grid = new ParamGridBuilder()
          .addGrid(reg.lambda(), new double[] {1e-3, 30})
          .addGrid(reg.hidden(), scala.jdk.javaapi.CollectionConverters.asScala(List.of(new int[] {4}, new int[] {24})))
          .build();
      RegressionEvaluator rmse = new RegressionEvaluator().setMetricName("rmse");
      CrossValidatorModel cv = new CrossValidator().setEstimator(reg).setEstimatorParamMaps(grid).setEvaluator(rmse)
          .setNumFolds(3).setSeed(7).fit(rows);
      double[] avg = cv.avgMetrics();
      assertEquals(4, avg.length);
      int best = 0;
      for (int i = 1; i < avg.length; i++) {
        assertTrue(Double.isFinite(avg[i]) && avg[i] > 0, "rmse " + avg[i]);
        if (avg[i] < avg[best]) {
          best = i;
        }
      }
      VarProRegressionModel chosen = (VarProRegressionModel) cv.bestModel();
      assertEquals((double) grid[best].apply(reg.lambda()), chosen.getLambda(), 0);
      assertArrayEquals((int[]) grid[best].apply(reg.hidden()), chosen.getHidden());
      // The grid points differ in the metric: the choice is not a tie broken by order.
      List<Double> distinct = new ArrayList<>();
      for (double a : avg) {
        if (!distinct.contains(a)) {
          distinct.add(a);
        }
      }
      assertEquals(4, distinct.size());
      rows.unpersist();
    } finally {
      data.unpersist();
    }
  }

  /**
   * A Vector label fits all outputs with one θ. At θ0 (maxIter 0) the ridge solve for C
   * decouples by output, so each column of the joint C, and each component of the Vector
   * prediction, equals the single-output fit of that label (to rounding: the joint solve shares
   * one factorization, 1e-10 relative leaves room for its conditioning).
   */
  @Test
  void vectorLabelGivesVectorPredictionsThatDecoupleAtTheInitialParameters() {
    TabularData data = MlFixtures.diabetes(spark, 0);
    try {
      Dataset<Row> rows = new VectorAssembler().setInputCols(new String[] {"label", "_c2"}).setOutputCol("labels")
          .transform(assembler().transform(MlFixtures.frame(spark, data.training()))).cache();
      VarProRegressor joint = new VarProRegressor().setHidden(new int[] {12}).setLambda(0.5).setMaxIter(0)
          .setStandardizeLabels(true).setLabelCol("labels");
      VarProRegressionModel both = joint.fit(rows);
      assertEquals(2, both.numOutputs());
      Dataset<Row> predicted = both.transform(rows);
      assertEquals(org.apache.spark.ml.linalg.SQLDataTypes.VectorType(), predicted.schema().apply("prediction").dataType());
      List<org.apache.spark.ml.linalg.Vector> vectors = predicted.select("prediction").collectAsList().stream()
          .map(r -> (org.apache.spark.ml.linalg.Vector) r.get(0)).toList();
      double[] c = both.coefficients();
      int n = c.length / 2;
      String[] labels = {"label", "_c2"};
      for (int j = 0; j < 2; j++) {
        VarProRegressionModel single = joint.copy(ParamMap.empty()).setLabelCol(labels[j]).fit(rows);
        assertTrue(relativeDifference(java.util.Arrays.copyOfRange(c, j * n, (j + 1) * n), single.coefficients())
            <= 1e-10, "C column " + j);
        double[] expected = column(single.transform(rows), "prediction");
        int jj = j;
        double[] component = vectors.stream().mapToDouble(v -> v.apply(jj)).toArray();
        assertTrue(relativeDifference(component, expected) <= 1e-10, "prediction component " + j);
      }
      rows.unpersist();
    } finally {
      data.unpersist();
    }
  }
}
