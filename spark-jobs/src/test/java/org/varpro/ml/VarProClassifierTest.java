package org.varpro.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.core.classify.Datasets;
import org.varpro.core.classify.LabeledData;
import org.varpro.spark.TestSpark;

/** VarProClassifier on the UCI digits (a Vector column), scored by MLlib's evaluator. */
class VarProClassifierTest {
  @TempDir
  Path tmp;

  /** The rows as (features: Vector, label: double), in {@code partitions} partitions. */
  static Dataset<Row> frame(SparkSession spark, LabeledData data, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < data.rows(); i++) {
      double[] x = new double[data.inputDim()];
      for (int j = 0; j < x.length; j++) {
        x[j] = data.x()[i + j * data.rows()];
      }
      rows.add(RowFactory.create(Vectors.dense(x), (double) data.labels()[i]));
    }
    StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), false)
        .add("label", DataTypes.DoubleType, false);
    return spark.createDataFrame(rows, schema).repartition(partitions).cache();
  }

  static List<Vector> vectors(Dataset<Row> d, String c) {
    return d.select(c).collectAsList().stream().map(r -> (Vector) r.get(0)).toList();
  }

  @Test
  void digitsAbove97PercentAndSaveLoadRoundTrip() throws Exception {
    SparkSession spark = TestSpark.session();
    // conf/digits.conf's split and network: stratified 75/25 (seed 0), tanh 64 → 32.
    LabeledData.Split split = Datasets.digits(TestSpark.repoFile(Datasets.DIGITS_FILE)).split(0.25, 0);
    Dataset<Row> train = frame(spark, split.train(), 2);
    Dataset<Row> test = frame(spark, split.test(), 2);
    VarProClassifier clf = new VarProClassifier().setHidden(new int[] {32}).setLambda(1e-4).setThetaRidge(1e-4)
        .setMaxIter(10).setSeed(1).setBlockRows(256);
    VarProClassificationModel model = clf.fit(train);
    assertEquals(10, model.numClasses());
    assertTrue(model.summary().totalIterations() > 0 && model.summary().history().size() > 0);

    Dataset<Row> scored = model.transform(test).cache();
    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
    System.out.printf("digits: VarProClassifier test accuracy %.4f (%d test rows, %d iterations, %s)%n", accuracy,
        split.test().rows(), model.summary().totalIterations(), model.summary().stopReason() + ", solver " + model.summary().seconds() + " s");
    assertTrue(accuracy >= 0.97, "test accuracy " + accuracy);

    // Probabilities sum to 1 (10 terms in [0, 1]: rounding below 1e-15; 1e-12 leaves room).
    List<Vector> probabilities = vectors(scored, "probability");
    List<Vector> raw = vectors(scored, "rawPrediction");
    List<Row> predictions = scored.select("prediction").collectAsList();
    for (int i = 0; i < probabilities.size(); i++) {
      double[] p = probabilities.get(i).toArray();
      double sum = 0;
      for (double v : p) {
        assertTrue(v >= 0 && v <= 1);
        sum += v;
      }
      assertEquals(1.0, sum, 1e-12);
      // The prediction is the most probable class, and the largest logit's.
      assertEquals(probabilities.get(i).argmax(), (int) predictions.get(i).getDouble(0));
      assertEquals(raw.get(i).argmax(), (int) predictions.get(i).getDouble(0));
    }

    // Save, load: identical columns, params and summary.
    String uri = tmp.resolve("digits-model").toUri().toString();
    model.write().overwrite().save(uri);
    VarProClassificationModel back = VarProClassificationModel.load(uri);
    Dataset<Row> again = back.transform(test);
    assertEquals(raw, vectors(again, "rawPrediction"));
    assertEquals(probabilities, vectors(again, "probability"));
    assertEquals(predictions, again.select("prediction").collectAsList());
    assertEquals(model.uid(), back.uid());
    assertEquals(1e-4, back.getThetaRidge(), 0);
    assertArrayEquals(model.summary().objectiveHistory(), back.summary().objectiveHistory(), 0);
    assertEquals(model.summary().stopReason(), back.summary().stopReason());

    // The estimator saves and loads its params too.
    String est = tmp.resolve("digits-estimator").toUri().toString();
    clf.write().save(est);
    VarProClassifier clf2 = VarProClassifier.load(est);
    assertArrayEquals(new int[] {32}, clf2.getHidden());
    assertEquals(10, clf2.getMaxIter());
    scored.unpersist();
    train.unpersist();
    test.unpersist();
  }
}
