package org.varpro.ml;

import com.typesafe.config.Config;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.varpro.config.ConfigError;
import org.varpro.config.ModelConfig;
import org.varpro.config.SolverConfig;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.spark.DataError;
import org.varpro.spark.ParsedRow;
import org.varpro.spark.RowPacking;
import org.varpro.spark.SparkEvaluator;
import org.varpro.spark.SparkFits;
import org.varpro.spark.Standardization;
import org.varpro.spark.StandardizationStats;

/**
 * VarPro regression as an MLlib {@link org.apache.spark.ml.Estimator}: a perceptron whose linear output layer is
 * eliminated (DESIGN §2), fitted by the same code as {@code varpro train} on a tabular run
 * (standardization statistics and blocks by {@link RowPacking}, passes by {@link SparkEvaluator},
 * the fit by {@link SparkFits#regression}). The rows are taken in the input DataFrame's own
 * partitions and order, so the fit is reproducible bit for bit for a given partitioning.
 *
 * <p>The features column is a Vector; the label is a number, or a Vector for several outputs
 * (the prediction is then a Vector too). Bad params and columns are reported before any Spark
 * job runs; bad values (NaN, null, negative weights) by the first job that reads the rows.
 */
public final class VarProRegressor extends VarProEstimator<VarProRegressionModel>
    implements VarProRegressorParams<VarProRegressor> {
  private static final long serialVersionUID = 1L;


  public VarProRegressor() {
    this(Identifiable.randomUID("varproReg"));
  }

  public VarProRegressor(String uid) {
    super(uid, VarProParamSet.Kind.REGRESSION);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    InputRows.requireVector(schema, "featuresCol", getFeaturesCol());
    boolean vectorLabel = InputRows.requireRegressionLabel(schema, "labelCol", getLabelCol());
    if (weightColumnOrNull() != null) {
      InputRows.requireNumeric(schema, "weightCol", weightColumnOrNull());
    }
    return InputRows.append(schema, "predictionCol", getPredictionCol(),
        vectorLabel ? org.apache.spark.ml.linalg.SQLDataTypes.VectorType() : org.apache.spark.sql.types.DataTypes.DoubleType);
  }

  /** The model and solver settings these params stand for, checked like a run configuration. */
  Config settings() {
    return paramSet().config(this);
  }

  @Override
  public VarProRegressionModel fit(Dataset<?> dataset) {
    StructType schema = dataset.schema();
    transformSchema(schema);
    Config config = settings();
    ModelConfig model;
    SolverOptions options;
    FeatureMap map;
    boolean vectorLabel = InputRows.isVector(schema.apply(getLabelCol()).dataType());
    int d = InputRows.declaredSize(schema, getFeaturesCol());
    try {
      model = ModelConfig.parse(config, null);
      options = SolverConfig.parse(config);
      // Checks the network before any job when the feature count is declared (VectorAssembler).
      map = d >= 0 ? model.featureMap(d) : null;
    } catch (ConfigError e) {
      throw paramSet().paramError(e);
    }
    try {
      d = d >= 0 ? d : InputRows.vectorSize(dataset, "featuresCol", getFeaturesCol());
      int k = vectorLabel ? InputRows.vectorSize(dataset, "labelCol", getLabelCol()) : 1;
      map = map != null ? map : model.featureMap(d);
      JavaRDD<ParsedRow> rows = InputRows.rows(dataset, getFeaturesCol(), getLabelCol(), weightColumnOrNull(), d, k,
          vectorLabel, false);
      Standardization std = StandardizationStats.of(dataset.sparkSession(), rows,
          InputRows.slotNames(schema, getFeaturesCol(), d),
          vectorLabel ? InputRows.slotNames(schema, getLabelCol(), k) : new String[] {getLabelCol()},
          getStandardization(), getStandardizeLabels(), uid() + " training rows");
      JavaRDD<RowBlock> blocks = RowPacking.blocks(rows, std, getBlockRows());
      SolverResult result;
      try (SparkEvaluator evaluator = SparkEvaluator.create(blocks, map)) {
        result = SparkFits.regression(evaluator, map.initialParams(model.seed()), options,
            Progress.regression(uid()), null);
      }
      FittedModel fitted = new FittedModel("regression", d, k, vectorLabel, FittedModel.render(config),
          result.theta(), result.c(), result.lambda(), std, TrainingSummary.of(result));
      VarProRegressionModel m = new VarProRegressionModel(uid(), fitted);
      copyValues(m, ParamMap.empty());
      m.setParent(this);
      return m;
    } catch (Exception e) { // a task's DataError arrives wrapped in a (checked) SparkException
      throw DataError.unwrap(e);
    }
  }

  @Override
  public VarProRegressor copy(ParamMap extra) {
    VarProRegressor c = new VarProRegressor(uid());
    copyValues(c, extra);
    return c;
  }

  public static MLReader<VarProRegressor> read() {
    return StageIO.reader(VarProRegressor.class, VarProRegressor::new);
  }

  public static VarProRegressor load(String path) {
    return read().load(path);
  }
}
