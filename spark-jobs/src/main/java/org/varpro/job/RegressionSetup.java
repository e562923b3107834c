package org.varpro.job;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.varpro.config.ConfigError;
import org.varpro.config.ModelConfig;
import org.varpro.config.StrictConfig;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.Evaluator;
import org.varpro.spark.DataError;
import org.varpro.spark.GeneratedSource;
import org.varpro.spark.SparkEvaluator;
import org.varpro.spark.Standardization;
import org.varpro.spark.TabularData;
import org.varpro.spark.TabularSource;

/**
 * A regression fit over cached row blocks: tabular data ({@link TabularSource}, the {@code data}
 * section) or synthetic rows ({@link GeneratedSource}, the {@code generated} section). Errors are
 * measured in raw label units on the training and validation rows.
 *
 * <pre>
 * data {                       # TabularSource options (job.partitions and job.block-rows apply)
 *   path = data/x.csv.gz       # file, folder or glob
 *   format = csv               # csv, parquet or libsvm
 *   header = false
 *   separator = ","            # one character, tab, space or whitespace
 *   label = [y]                # label columns (or label-path)
 *   label-path = data/y.csv.gz # labels from a separate, line-aligned file
 *   features = [a, b]          # default: every other column
 *   weight = w                 # optional row weight column
 *   standardize = true
 *   standardize-labels = false
 *   validation-fraction = 0.2
 *   seed = 1
 *   num-features = 0           # libsvm
 * }
 * generated {                  # GeneratedSource: y = mean_j sin(pi x_j) cos(pi x_j+1) + 0.1 |x|^2
 *   rows = 1000000
 *   dimension = 8
 *   seed = 1
 *   validation-rows = 100000   # drawn with validation-seed
 *   validation-seed = 2
 * }
 * </pre>
 */
final class RegressionSetup implements TrainingSetup {
  /** The data section: TabularSource's options less those the job section sets. */
  static final List<String> DATA_KEYS = TabularSource.OPTION_KEYS.stream()
      .filter(k -> !k.equals("partitions") && !k.equals("block-rows")).toList();
  static final List<String> GENERATED_KEYS = List.of("rows", "dimension", "seed", "validation-rows",
      "validation-seed");
  static final int PLOT_POINTS = 4000;

  private final FeatureMap map;
  private final SparkEvaluator evaluator;
  private final JavaRDD<RowBlock> validation;
  private final long validationRows;
  private final Standardization std;
  private final Broadcast<FeatureMap> mapBroadcast;
  private final Runnable release;
  private final String description;

  private RegressionSetup(FeatureMap map, SparkEvaluator evaluator, JavaRDD<RowBlock> validation,
      long validationRows, Standardization std, Runnable release, String description) {
    this.map = map;
    this.evaluator = evaluator;
    this.validation = validation;
    this.validationRows = validationRows;
    this.std = std;
    this.release = release;
    this.description = description;
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(evaluator.blocks().context());
    this.mapBroadcast = sc.broadcast(map);
  }

  /** The data section as TabularSource options (lists joined by commas). */
  static Map<String, String> dataOptions(Config root) {
    String p = "data";
    StrictConfig.requireOnly(root, p, DATA_KEYS);
    StrictConfig.requireKeys(root, p, "path");
    return StrictConfig.textOptions(root, p, DATA_KEYS);
  }

  /** The TabularSource of a data section; a bad option is a ConfigError naming its key. */
  static TabularSource source(Config root, int partitions, int blockRows) {
    Map<String, String> options = dataOptions(root);
    options.put("partitions", Integer.toString(partitions));
    options.put("block-rows", Integer.toString(blockRows));
    try {
      return TabularSource.fromOptions(options);
    } catch (IllegalArgumentException e) {
      String key = "data";
      String m = String.valueOf(e.getMessage());
      for (String k : DATA_KEYS) {
        if (m.contains("'" + k + "'") || m.startsWith(k + " ") || m.contains(" " + k.replace('-', ' ') + " ")) {
          key = StrictConfig.join("data", k);
          break;
        }
      }
      throw new ConfigError(key, m + StrictConfig.where(root, root.hasPath(key) ? key : "data"), e);
    }
  }

  /** The data section read, standardized and split into cached training and validation blocks. */
  static TabularData load(SparkSession spark, JobConfig job) {
    Config root = job.root();
    TabularSource source = source(root, job.partitionsSetting(), job.blockRows());
    try {
      return source.load(spark);
    } catch (DataError e) {
      throw e;
    } catch (IllegalArgumentException e) {
      // Column and option problems found while reading: the configuration's fault.
      throw new ConfigError("data", e.getMessage() + StrictConfig.where(root, "data"), e);
    }
  }

  static RegressionSetup tabular(SparkSession spark, JobConfig job) {
    Config root = job.root();
    TabularSource source = source(root, job.partitionsSetting(), job.blockRows());
    ModelConfig model = ModelConfig.parse(root, null);
    TabularData data = load(spark, job);
    try {
      FeatureMap map = model.featureMap(data.inputs());
      SparkEvaluator evaluator = data.evaluator(map);
      Standardization std = data.standardization();
      String d = "data: " + source.describe() + "\n" + data.trainingRows() + " training rows, "
          + data.validationRows() + " validation rows, " + data.inputs() + " features "
          + Arrays.toString(std.featureNames()) + ", labels " + Arrays.toString(std.labelNames())
          + ", " + evaluator.partitions() + " partitions";
      return new RegressionSetup(map, evaluator, data.validation(), data.validationRows(), std,
          data::unpersist, d);
    } catch (RuntimeException e) {
      data.unpersist();
      throw e;
    }
  }

  /** The generated section's settings. */
  record Generated(long rows, int dimension, long seed, long validationRows, long validationSeed) {
    static Generated parse(Config root) {
      String p = "generated";
      StrictConfig.requireOnly(root, p, GENERATED_KEYS);
      long rows = root.hasPath(p + ".rows") ? StrictConfig.getLong(root, p + ".rows") : 1_000_000;
      if (rows < 1) {
        throw new ConfigError(p + ".rows", "must be >= 1, got " + rows + StrictConfig.where(root, p + ".rows"));
      }
      int d = root.hasPath(p + ".dimension") ? StrictConfig.getInt(root, p + ".dimension") : 8;
      if (d < 1 || d > 10_000) {
        throw new ConfigError(p + ".dimension", "must be in [1, 10000], got " + d
            + StrictConfig.where(root, p + ".dimension"));
      }
      long seed = root.hasPath(p + ".seed") ? StrictConfig.getLong(root, p + ".seed") : 1;
      long vrows = root.hasPath(p + ".validation-rows") ? StrictConfig.getLong(root, p + ".validation-rows")
          : Math.min(100_000, Math.max(1, rows / 10));
      if (vrows < 0) {
        throw new ConfigError(p + ".validation-rows", "must be >= 0, got " + vrows
            + StrictConfig.where(root, p + ".validation-rows"));
      }
      long vseed = root.hasPath(p + ".validation-seed") ? StrictConfig.getLong(root, p + ".validation-seed") : seed + 1;
      if (vseed == seed && vrows > 0) {
        throw new ConfigError(p + ".validation-seed", "must differ from generated.seed (else the validation "
            + "rows repeat the training rows)" + StrictConfig.where(root, p + ".validation-seed"));
      }
      return new Generated(rows, d, seed, vrows, vseed);
    }

    String[] featureNames() {
      String[] names = new String[dimension];
      for (int j = 0; j < dimension; j++) {
        names[j] = "x" + (j + 1);
      }
      return names;
    }
  }

  static RegressionSetup generated(JavaSparkContext sc, JobConfig job) {
    Config root = job.root();
    Generated g = Generated.parse(root);
    ModelConfig model = ModelConfig.parse(root, null);
    FeatureMap map = model.featureMap(g.dimension());
    int partitions = job.partitions(g.rows());
    JavaRDD<RowBlock> training = GeneratedSource.blocks(sc, g.rows(), g.dimension(), g.seed(),
        partitions, job.blockRows());
    JavaRDD<RowBlock> validation = g.validationRows() == 0 ? sc.emptyRDD()
        : GeneratedSource.blocks(sc, g.validationRows(), g.dimension(), g.validationSeed(),
            partitions, job.blockRows()).persist(StorageLevel.MEMORY_AND_DISK());
    SparkEvaluator evaluator = SparkEvaluator.create(training, map);
    Standardization std = Standardization.identity(g.featureNames(), new String[] {"y"});
    String d = "generated: y = mean_j sin(pi x_j) cos(pi x_(j+1)) + 0.1 |x|^2 on [-1, 1]^" + g.dimension()
        + ", " + g.rows() + " training rows (seed " + g.seed() + "), " + g.validationRows()
        + " validation rows (seed " + g.validationSeed() + "), " + evaluator.partitions() + " partitions";
    return new RegressionSetup(map, evaluator, validation, g.validationRows(), std,
        () -> validation.unpersist(false), d);
  }

  @Override
  public String kind() {
    return "regression";
  }

  @Override
  public FeatureMap featureMap() {
    return map;
  }

  @Override
  public int partitions() {
    return evaluator.partitions();
  }

  @Override
  public Evaluator evaluator() {
    return evaluator;
  }

  @Override
  public List<String> inputNames() {
    return List.of(std.featureNames());
  }

  @Override
  public List<String> outputNames() {
    return List.of(std.labelNames());
  }

  @Override
  public Standardization standardization() {
    return std;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public Map<String, Double> iterationMetrics(double[] theta, double[] c) {
    if (validationRows == 0) {
      return Map.of();
    }
    RegressionMetrics.Sums s = RegressionMetrics.sums(validation, mapBroadcast, theta, c, std,
        String.format("iteration %d: validation error", evaluator.iteration()));
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("validation_relative_error", s.relativeError());
    m.put("validation_rmse", s.rmse());
    return m;
  }

  @Override
  public String errorMetric() {
    return validationRows == 0 ? null : "validation_relative_error";
  }

  @Override
  public Map<String, Object> finalMetrics(double[] theta, double[] c) {
    Map<String, Object> m = new LinkedHashMap<>();
    int k = std.labels();
    m.putAll(RegressionMetrics.sums(evaluator.blocks(), mapBroadcast, theta, c, std,
        "final training error").asMap("training_", k));
    if (validationRows > 0) {
      m.putAll(RegressionMetrics.sums(validation, mapBroadcast, theta, c, std, "final validation error")
          .asMap("validation_", k));
    } else {
      m.put("validation_relative_error", null);
      m.put("validation_rmse", null);
      m.put("validation_rows", 0);
    }
    return m;
  }

  @Override
  public Map<String, byte[]> plots(double[] theta, double[] c) throws IOException {
    boolean useValidation = validationRows > 0;
    JavaRDD<RowBlock> rows = useValidation ? validation : evaluator.blocks();
    long count = useValidation ? validationRows : evaluator.rows();
    double[][] pairs = RegressionMetrics.sample(rows, mapBroadcast, theta, c, std, count, PLOT_POINTS);
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put("predicted-vs-true.png", Plots.predictedVsTrue((useValidation ? "Validation" : "Training") + " rows: predicted vs true " + std.labelNames()[0]
            + (pairs[0].length < count ? " (" + pairs[0].length + " of " + count + ")" : ""),
        pairs[0], pairs[1]));
    return out;
  }

  @Override
  public void close() {
    try {
      evaluator.close();
    } finally {
      mapBroadcast.destroy();
      release.run();
    }
  }
}
