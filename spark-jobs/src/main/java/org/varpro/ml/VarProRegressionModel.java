package org.varpro.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.varpro.model.FittedModel;

/**
 * A fitted {@link VarProRegressor}: u(x) = a(x; θ)·C on standardized features, mapped back to
 * label units. {@link #transform} appends the prediction column (a number, or a Vector when the
 * label was a Vector). Saved with {@code write().save(path)} and read back with
 * {@link #load(String)} to any Hadoop path; carries the {@link TrainingSummary} of its fit.
 */
public final class VarProRegressionModel extends VarProModel<VarProRegressionModel>
    implements VarProRegressorParams<VarProRegressionModel> {
  private static final long serialVersionUID = 1L;

  VarProRegressionModel(String uid, FittedModel fitted, boolean vectorLabel, TrainingSummary summary) {
    super(uid, VarProParamSet.Kind.REGRESSION, fitted, vectorLabel, summary);
  }

  /** Label columns (outputs) per row. */
  public int numOutputs() {
    return fitted.outputCount();
  }

  /** The prediction for one feature vector (one output). */
  public double predict(Vector features) {
    if (fitted.outputCount() != 1) {
      throw new IllegalStateException("the model has " + fitted.outputCount() + " outputs; use predictVector");
    }
    return fitted.predict(features.toArray(), 1)[0];
  }

  /** The predictions (all outputs) for one feature vector. */
  public Vector predictVector(Vector features) {
    return Vectors.dense(fitted.predict(features.toArray(), 1));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    InputRows.requireVector(schema, "featuresCol", getFeaturesCol());
    return InputRows.append(schema, "predictionCol", getPredictionCol(),
        vectorLabel ? SQLDataTypes.VectorType() : DataTypes.DoubleType);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    FittedModel p = fitted;
    UserDefinedFunction f = vectorLabel
        ? udf((UDF1<Vector, Vector>) v -> Vectors.dense(p.predict(v.toArray(), 1)), SQLDataTypes.VectorType())
        : udf((UDF1<Vector, Double>) v -> p.predict(v.toArray(), 1)[0], DataTypes.DoubleType);
    return dataset.withColumn(getPredictionCol(), f.apply(col(getFeaturesCol())));
  }

  @Override
  VarProRegressionModel withUid(String uid) {
    return new VarProRegressionModel(uid, fitted, vectorLabel, summary());
  }

  public static MLReader<VarProRegressionModel> read() {
    return StageIO.reader(VarProRegressionModel.class,
        (String uid, JsonNode data) -> new VarProRegressionModel(uid,
            readModel(data, FittedModel.Kind.REGRESSION), data.path("vector_label").asBoolean(),
            TrainingSummary.fromJson(data.path("summary"))), true);
  }

  public static VarProRegressionModel load(String path) {
    return read().load(path);
  }
}
