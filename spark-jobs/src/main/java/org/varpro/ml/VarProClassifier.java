package org.varpro.ml;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.varpro.config.ClassifyConfig;
import org.varpro.config.ConfigError;
import org.varpro.config.ModelConfig;
import org.varpro.core.classify.ClassifierOptions;
import org.varpro.core.classify.JvpPerceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.SolverResult;
import org.varpro.spark.DataError;
import org.varpro.spark.ParsedRow;
import org.varpro.spark.RowPacking;
import org.varpro.spark.SparkClassifyEvaluator;
import org.varpro.spark.SparkFits;
import org.varpro.spark.Standardization;
import org.varpro.spark.StandardizationStats;

/**
 * VarPro classification (GNvpro, DESIGN §2.6) as an MLlib {@link org.apache.spark.ml.Estimator}: a perceptron's
 * features, softmax weights eliminated by the inner Newton solve, fitted by the same code as
 * {@code varpro train} on a {@code classify} run ({@link SparkFits#classification} on a
 * {@link SparkClassifyEvaluator}). The objective is the weighted mean cross-entropy: row weights
 * (1, or the weight column) are divided by their sum.
 *
 * <p>The label is a class index 0, 1, …, K−1 (MLlib's convention; StringIndexer makes one); K is
 * the label column's nominal attribute count when it has one, else the largest label + 1. The
 * model appends rawPrediction (logits a(x)·C), probability (their softmax) and prediction
 * (the most probable class).
 */
public final class VarProClassifier extends VarProEstimator<VarProClassificationModel>
    implements VarProClassifierParams<VarProClassifier> {
  private static final long serialVersionUID = 1L;


  public VarProClassifier() {
    this(Identifiable.randomUID("varproClf"));
  }

  public VarProClassifier(String uid) {
    super(uid, VarProParamSet.Kind.CLASSIFICATION);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    InputRows.requireNumeric(schema, "labelCol", getLabelCol());
    if (weightColumnOrNull() != null) {
      InputRows.requireNumeric(schema, "weightCol", weightColumnOrNull());
    }
    return outputSchema(this, schema);
  }

  /** The schema a classification model's transform returns (the features column checked). */
  static StructType outputSchema(VarProClassifierParams<?> p, StructType schema) {
    InputRows.requireVector(schema, "featuresCol", p.getFeaturesCol());
    StructType out = InputRows.append(schema, "rawPredictionCol", p.getRawPredictionCol(), SQLDataTypes.VectorType());
    out = InputRows.append(out, "probabilityCol", p.getProbabilityCol(), SQLDataTypes.VectorType());
    return InputRows.append(out, "predictionCol", p.getPredictionCol(), DataTypes.DoubleType);
  }

  @Override
  public VarProClassificationModel fit(Dataset<?> dataset) {
    StructType schema = dataset.schema();
    transformSchema(schema);
    Config config = paramSet().config(this);
    ModelConfig model;
    ClassifierOptions options;
    JvpPerceptron net;
    int d = InputRows.declaredSize(schema, getFeaturesCol());
    try {
      model = ModelConfig.parse(config, null);
      options = ClassifyConfig.solver(config);
      net = d >= 0 ? model.classifierNetwork(d) : null;
    } catch (ConfigError e) {
      throw paramSet().paramError(e);
    }
    int declaredClasses = declaredClasses(schema);
    try {
      d = d >= 0 ? d : InputRows.vectorSize(dataset, "featuresCol", getFeaturesCol());
      net = net != null ? net : model.classifierNetwork(d);
      JavaRDD<ParsedRow> rows = InputRows.rows(dataset, getFeaturesCol(), getLabelCol(), weightColumnOrNull(), d, 1,
          false, true);
      double[] totals = totals(rows);
      if (!(totals[1] > 0)) {
        throw new IllegalArgumentException(totals[0] == 0 ? "labelCol: no rows to fit"
            : "weightCol: the weights in column '" + getWeightCol() + "' sum to 0");
      }
      int classes = declaredClasses > 0 ? declaredClasses : (int) totals[2] + 1;
      if (totals[2] >= classes) {
        throw new IllegalArgumentException("labelCol: column '" + getLabelCol() + "' holds class " + (int) totals[2]
            + ", but its metadata declares " + classes + " classes");
      }
      if (classes < 2) {
        throw new IllegalArgumentException("labelCol: column '" + getLabelCol() + "' holds a single class");
      }
      Standardization std = StandardizationStats.of(dataset.sparkSession(), rows,
          InputRows.slotNames(schema, getFeaturesCol(), d), new String[] {getLabelCol()}, getStandardization(), false,
          uid() + " training rows");
      double total = totals[1];
      // Weights divided by their sum: the objective is the weighted mean cross-entropy.
      JavaRDD<RowBlock> blocks = RowPacking.blocks(rows.map(r -> new ParsedRow(r.x, r.y, r.w / total)), std,
          getBlockRows());
      SolverResult result = SparkFits.classification(blocks, net, classes, model.seed(), options,
          Progress.classification(uid()));
      FittedModel fitted = new FittedModel("classification", d, classes, false, FittedModel.render(config),
          result.theta(), result.c(), result.lambda(), std, TrainingSummary.of(result));
      VarProClassificationModel m = new VarProClassificationModel(uid(), fitted);
      copyValues(m, ParamMap.empty());
      m.setParent(this);
      return m;
    } catch (Exception e) { // a task's DataError arrives wrapped in a (checked) SparkException
      throw DataError.unwrap(e);
    }
  }

  /** The class count of the label's nominal attribute, or -1. */
  private int declaredClasses(StructType schema) {
    Attribute a = Attribute.fromStructField(schema.apply(getLabelCol()));
    if (a instanceof NominalAttribute n && n.getNumValues().isDefined()) {
      return (Integer) n.getNumValues().get();
    }
    return -1;
  }

  /** Rows, weight sum and largest label, per partition, added up in partition order (one job). */
  private static double[] totals(JavaRDD<ParsedRow> rows) {
    List<double[]> parts = rows.mapPartitions((Iterator<ParsedRow> it) -> {
      double[] t = {0, 0, -1};
      while (it.hasNext()) {
        ParsedRow r = it.next();
        t[0] += 1;
        t[1] += r.w;
        t[2] = Math.max(t[2], r.y[0]);
      }
      List<double[]> one = new ArrayList<>();
      one.add(t);
      return one.iterator();
    }).collect();
    double[] sum = {0, 0, -1};
    for (double[] t : parts) {
      sum[0] += t[0];
      sum[1] += t[1];
      sum[2] = Math.max(sum[2], t[2]);
    }
    return sum;
  }

  @Override
  public VarProClassifier copy(ParamMap extra) {
    VarProClassifier c = new VarProClassifier(uid());
    copyValues(c, extra);
    return c;
  }

  public static MLReader<VarProClassifier> read() {
    return StageIO.reader(VarProClassifier.class, VarProClassifier::new);
  }

  public static VarProClassifier load(String path) {
    return read().load(path);
  }
}
