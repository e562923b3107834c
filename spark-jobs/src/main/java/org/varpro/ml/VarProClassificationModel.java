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
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.varpro.core.classify.Softmax;
import org.varpro.model.FittedModel;

/**
 * A fitted {@link VarProClassifier}: logits a(x; θ)·C on standardized features, their softmax
 * and the most probable class. {@link #transform} appends the rawPrediction, probability and
 * prediction columns, as MLlib's probabilistic classifiers do. Saved and loaded like
 * {@link VarProRegressionModel}.
 */
public final class VarProClassificationModel extends VarProModel<VarProClassificationModel>
    implements VarProClassifierParams<VarProClassificationModel> {
  private static final long serialVersionUID = 1L;

  VarProClassificationModel(String uid, FittedModel fitted, TrainingSummary summary) {
    super(uid, VarProParamSet.Kind.CLASSIFICATION, fitted, false, summary);
  }

  /** The columns derived from the logits (static, so the UDFs capture nothing). */
  private static final class Logits {
    private Logits() {
    }

    static Vector raw(FittedModel model, Vector features) {
      return Vectors.dense(model.outputs(model.modelRows(features.toArray(), 1)));
    }

    static Vector probabilities(Vector raw) {
      double[] z = raw.toArray().clone();
      Softmax.probabilities(z, 1, z.length, null);
      return Vectors.dense(z);
    }

    static double prediction(Vector probabilities) {
      double[] p = probabilities.toArray();
      return Softmax.argmax(p, 1, p.length, 0);
    }
  }

  /** K. */
  public int numClasses() {
    return fitted.outputCount();
  }

  /** The logits a(x)·C of one feature vector. */
  public Vector predictRaw(Vector features) {
    return Logits.raw(fitted, features);
  }

  /** The class probabilities of one feature vector. */
  public Vector predictProbability(Vector features) {
    return Logits.probabilities(Logits.raw(fitted, features));
  }

  /** The most probable class of one feature vector. */
  public double predict(Vector features) {
    return Logits.prediction(predictProbability(features));
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return VarProClassifier.outputSchema(this, schema);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    FittedModel r = fitted;
    Dataset<Row> out = dataset.withColumn(getRawPredictionCol(),
        udf((UDF1<Vector, Vector>) v -> Logits.raw(r, v), SQLDataTypes.VectorType()).apply(col(getFeaturesCol())));
    out = out.withColumn(getProbabilityCol(),
        udf((UDF1<Vector, Vector>) Logits::probabilities, SQLDataTypes.VectorType()).apply(col(getRawPredictionCol())));
    return out.withColumn(getPredictionCol(),
        udf((UDF1<Vector, Double>) Logits::prediction, DataTypes.DoubleType).apply(col(getProbabilityCol())));
  }

  @Override
  VarProClassificationModel withUid(String uid) {
    return new VarProClassificationModel(uid, fitted, summary());
  }

  public static MLReader<VarProClassificationModel> read() {
    return StageIO.reader(VarProClassificationModel.class,
        (String uid, JsonNode data) -> new VarProClassificationModel(uid,
            readModel(data, FittedModel.Kind.CLASSIFICATION), TrainingSummary.fromJson(data.path("summary"))),
        true);
  }

  public static VarProClassificationModel load(String path) {
    return read().load(path);
  }
}
