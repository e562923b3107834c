package org.varpro.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.varpro.spark.TestSpark;

/**
 * Misuse of the estimators fails with an IllegalArgumentException that names the param or the
 * column, before any Spark job (counted by job ids: Spark numbers jobs consecutively, so two
 * probe jobs around the call are consecutive exactly when no job ran in between).
 */
class BadUseTest {
  static SparkSession spark;
  static JavaSparkContext sc;

  @BeforeAll
  static void session() {
    spark = TestSpark.session();
    sc = TestSpark.context();
  }

  static int probeJob() throws Exception {
    JavaFutureAction<List<Integer>> f = sc.parallelize(List.of(1), 1).collectAsync();
    f.get();
    return f.jobIds().get(0);
  }

  /** Runs the call, expects an IllegalArgumentException, returns it and the number of jobs the call ran. */
  static Outcome misuse(Executable call) throws Exception {
    int before = probeJob();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    int after = probeJob();
    return new Outcome(e.getMessage(), after - before - 1);
  }

  record Outcome(String message, int jobs) {}

  static Dataset<Row> rows(StructType schema, List<Row> rows) {
    return spark.createDataFrame(rows, schema);
  }

  static final StructType VECTOR_ROWS = new StructType().add("features", SQLDataTypes.VectorType(), false)
      .add("label", DataTypes.DoubleType, true);

  @Test
  void nonVectorFeaturesColumn() throws Exception {
    Dataset<Row> d = rows(new StructType().add("features", DataTypes.DoubleType).add("label", DataTypes.DoubleType),
        List.of(RowFactory.create(1.0, 2.0)));
    Outcome o = misuse(() -> new VarProRegressor().fit(d));
    assertTrue(o.message().contains("featuresCol") && o.message().contains("'features'")
        && o.message().contains("not a Vector"), o.message());
    assertEquals(0, o.jobs());
    Outcome c = misuse(() -> new VarProClassifier().fit(d));
    assertTrue(c.message().startsWith("featuresCol: column 'features' is double"), c.message());
    assertEquals(0, c.jobs());
    Outcome missing = misuse(() -> new VarProRegressor().setFeaturesCol("x").fit(d));
    assertTrue(missing.message().startsWith("featuresCol: no column 'x'"), missing.message());
    assertEquals(0, missing.jobs());
  }

  @Test
  void labelWithNaN() throws Exception {
    StructType columns = new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.DoubleType)
        .add("label", DataTypes.DoubleType);
    Dataset<Row> d = new VectorAssembler().setInputCols(new String[] {"a", "b"}).setOutputCol("features")
        .transform(rows(columns, List.of(RowFactory.create(1.0, 2.0, 1.0), RowFactory.create(3.0, 4.0, Double.NaN))));
    Outcome o = misuse(() -> new VarProRegressor().setMaxIter(1).fit(d));
    assertTrue(o.message().startsWith("labelCol: column 'label' holds NaN"), o.message());
    // Only reading the rows can find a NaN: the first job that reads them (the standardization
    // statistics) fails, and no fitting pass runs.
    assertEquals(1, o.jobs());
    Outcome c = misuse(() -> new VarProClassifier().setMaxIter(1).fit(d));
    assertTrue(c.message().startsWith("labelCol: column 'label' holds NaN"), c.message());
    assertEquals(1, c.jobs());
  }

  @Test
  void negativeLambdaAndEmptyHiddenList() throws Exception {
    VarProRegressor reg = new VarProRegressor();
    Outcome lambda = misuse(() -> reg.setLambda(-1));
    assertTrue(lambda.message().contains("parameter lambda given invalid value -1.0"), lambda.message());
    assertEquals(0, lambda.jobs());
    Dataset<Row> d = rows(VECTOR_ROWS, List.of(RowFactory.create(Vectors.dense(1, 2), 1.0)));
    // Through fit(dataset, paramMap), as CrossValidator calls it.
    Outcome viaMap = misuse(() -> reg.fit(d, new ParamMap().put(reg.lambda().w(-1.0))));
    assertTrue(viaMap.message().contains("parameter lambda given invalid value -1.0"), viaMap.message());
    assertEquals(0, viaMap.jobs());
    // Classification needs λ > 0 (a strictly convex inner problem).
    Outcome zero = misuse(() -> new VarProClassifier().setLambda(0));
    assertTrue(zero.message().contains("parameter lambda given invalid value 0.0"), zero.message());

    Outcome hidden = misuse(() -> new VarProRegressor().setHidden(new int[0]));
    assertTrue(hidden.message().contains("parameter hidden given invalid value"), hidden.message());
    assertEquals(0, hidden.jobs());
    Outcome width = misuse(() -> new VarProClassifier().setHidden(new int[] {8, 0}));
    assertTrue(width.message().contains("parameter hidden given invalid value"), width.message());
    Outcome activation = misuse(() -> new VarProRegressor().setActivation("sigmoid"));
    assertTrue(activation.message().contains("parameter activation given invalid value sigmoid"),
        activation.message());
  }

  @Test
  void wrongLabelTypeForTheClassifier() throws Exception {
    Dataset<Row> d = rows(new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.StringType),
        List.of(RowFactory.create(Vectors.dense(1, 2), "cat")));
    Outcome o = misuse(() -> new VarProClassifier().fit(d));
    assertEquals("labelCol: column 'label' is string, must be numeric", o.message());
    assertEquals(0, o.jobs());
    Outcome r = misuse(() -> new VarProRegressor().fit(d));
    assertEquals("labelCol: column 'label' is string, must be numeric or a Vector", r.message());
    assertEquals(0, r.jobs());
  }
}
