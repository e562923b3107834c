package org.varpro.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.varpro.core.classify.ClassifierOptions;
import org.varpro.core.classify.Datasets;
import org.varpro.core.classify.LabeledData;

/**
 * The {@code classify} section (which labelled data, how it is split) and the classifier's
 * {@code solver} section of a classification run.
 *
 * <p>The data is a built-in set ({@code data = digits}: data/digits.csv.gz, split here;
 * {@code data = fashion-mnist}: its own test set) or, by default ({@code data = table}), any
 * labelled table read like the regression data: {@link #TABLE_KEYS} are the reader's options
 * (CSV, Parquet or LibSVM; one label column, numbers or text; row weights; standardization),
 * {@code test-path} a separate test file, else {@code test-fraction} of the rows held out for
 * testing by a stratified seeded split.
 *
 * @param data "table", "digits" or "fashion-mnist"
 * @param path the digits file or the Fashion-MNIST directory, or null for the default place
 *     (built-in sets; a table's path is in {@code table})
 * @param trainRows training rows kept (a seeded sub-sample; built-in sets), 0 = all
 * @param testFraction the share of the rows held out for testing (digits, or a table without
 *     test file)
 * @param seed seed of the sub-sample and the splits
 * @param table the table reader's options (data = table), empty otherwise
 * @param testPath the test file of a table, null to split the table
 * @param validationFraction the share of a table's training rows held out for validation metrics
 *     (only with a test file)
 */
public record ClassifyConfig(String data, Path path, int trainRows, double testFraction, long seed,
    Map<String, String> table, String testPath, double validationFraction) {
  public static final String SECTION = "classify";
  /** The built-in data sets. */
  public static final List<String> BUILT_IN = List.of("digits", "fashion-mnist");
  /** The table reader's keys (TabularSource options; job.partitions and job.block-rows apply). */
  public static final List<String> TABLE_KEYS = List.of("format", "header", "separator", "label", "features",
      "weight", "standardize", "num-features");
  public static final List<String> KEYS = List.of("data", "path", "train-rows", "test-fraction", "seed",
      "test-path", "validation-fraction", "format", "header", "separator", "label", "features", "weight",
      "standardize", "num-features");
  /** The keys of a classification {@code solver} section, from the declarations. */
  public static final List<String> SOLVER_KEYS = SolverConfig.keys(ClassifierOptions.SPECS);

  public ClassifyConfig {
    table = Map.copyOf(table);
  }

  public boolean isTable() {
    return data.equals("table");
  }

  /** The key of the share held out of a table's rows: test-fraction, or validation-fraction with a test file. */
  public String heldOutKey() {
    return SECTION + (testPath == null ? ".test-fraction" : ".validation-fraction");
  }

  public static ClassifyConfig parse(Config root) {
    String p = SECTION;
    StrictConfig.requireOnly(root, p, KEYS);
    String data = root.hasPath(p + ".data") ? StrictConfig.getString(root, p + ".data").trim() : "table";
    if (!data.equals("table") && !BUILT_IN.contains(data)) {
      throw new ConfigError(p + ".data", "must be table, digits or fashion-mnist, got '" + data + "'"
          + StrictConfig.where(root, p + ".data"));
    }
    boolean table = data.equals("table");
    int trainRows = trainRows(root, p + ".train-rows");
    double testFraction = ModelConfig.optDouble(root, p + ".test-fraction", 0.25);
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new ConfigError(p + ".test-fraction", "must be in (0, 1), got " + testFraction
          + StrictConfig.where(root, p + ".test-fraction"));
    }
    if (data.equals("fashion-mnist") && root.hasPath(p + ".test-fraction")) {
      throw new ConfigError(p + ".test-fraction", "Fashion-MNIST comes with its own test set"
          + StrictConfig.where(root, p + ".test-fraction"));
    }
    long seed = root.hasPath(p + ".seed") ? StrictConfig.getLong(root, p + ".seed") : 1;
    if (!table) {
      for (String k : KEYS) {
        if ((TABLE_KEYS.contains(k) || k.equals("test-path") || k.equals("validation-fraction"))
            && root.hasPath(p + "." + k)) {
          throw new ConfigError(p + "." + k, "applies to tables (data = table), not to the built-in " + data
              + StrictConfig.where(root, p + "." + k));
        }
      }
      Path path = root.hasPath(p + ".path") ? Path.of(StrictConfig.getString(root, p + ".path")) : null;
      return new ClassifyConfig(data, path, trainRows, testFraction, seed, Map.of(), null, 0);
    }
    StrictConfig.requireKeys(root, p, "path");
    if (trainRows > 0) {
      throw new ConfigError(p + ".train-rows", "applies to the built-in data sets; pick the rows of a table in the "
          + "file" + StrictConfig.where(root, p + ".train-rows"));
    }
    Map<String, String> options = StrictConfig.textOptions(root, p, TABLE_KEYS);
    options.put("path", StrictConfig.getString(root, p + ".path"));
    String testPath = root.hasPath(p + ".test-path") ? StrictConfig.getString(root, p + ".test-path") : null;
    if (testPath != null && root.hasPath(p + ".test-fraction")) {
      throw new ConfigError(p + ".test-fraction", "give either a test file (test-path) or a test fraction, not both"
          + StrictConfig.where(root, p + ".test-fraction"));
    }
    double validationFraction = ModelConfig.optDouble(root, p + ".validation-fraction", 0);
    if (root.hasPath(p + ".validation-fraction")) {
      if (testPath == null) {
        throw new ConfigError(p + ".validation-fraction", "needs a test file (test-path); without one the held-out "
            + "rows are the test set (test-fraction)" + StrictConfig.where(root, p + ".validation-fraction"));
      }
      if (!(validationFraction >= 0 && validationFraction < 1)) {
        throw new ConfigError(p + ".validation-fraction", "must be in [0, 1), got " + validationFraction
            + StrictConfig.where(root, p + ".validation-fraction"));
      }
    }
    return new ClassifyConfig(data, null, 0, testFraction, seed, options, testPath, validationFraction);
  }

  /** {@code train-rows}: a count ≥ 0 or {@code all} (both 0 = all). */
  private static int trainRows(Config root, String key) {
    if (!root.hasPath(key)) {
      return 0;
    }
    if (root.getValue(key).valueType() == ConfigValueType.STRING
        && StrictConfig.getString(root, key).trim().equals("all")) {
      return 0;
    }
    int n = StrictConfig.getInt(root, key);
    if (n < 0) {
      throw new ConfigError(key, "must be >= 0 or all (0 = all), got " + n + StrictConfig.where(root, key));
    }
    return n;
  }

  /** Where the data comes from, for logs and summaries. */
  public String describe() {
    if (!isTable()) {
      return data;
    }
    return table.get("path") + (testPath == null ? "" : " (test: " + testPath + ")");
  }

  /** The training and test sets of a built-in data set, with the sub-sample applied to the training set. */
  public LabeledData.Split load() {
    if (isTable()) {
      throw new IllegalStateException("a table is read with Spark, not here");
    }
    // Unreadable or malformed files are Datasets.InputError (file:line), exit code 2.
    LabeledData.Split split;
    if (data.equals("digits")) {
      LabeledData all;
      try {
        all = path == null ? Datasets.digits() : Datasets.digits(path);
      } catch (IllegalStateException e) { // the default file is not above the working directory
        throw new ConfigError(SECTION + ".path", e.getMessage() + "; give the file's path", e);
      }
      split = all.split(testFraction, seed);
    } else {
      split = path == null
          ? new LabeledData.Split(Datasets.fashionMnist(true), Datasets.fashionMnist(false))
          : new LabeledData.Split(Datasets.fashionMnist(path, true), Datasets.fashionMnist(path, false));
    }
    if (trainRows > 0 && trainRows < split.train().rows()) {
      return new LabeledData.Split(split.train().subsample(trainRows, seed), split.test());
    }
    return split;
  }

  /** The classifier's settings from the {@code solver} section (every key optional). */
  public static ClassifierOptions solver(Config root) {
    return SolverConfig.read(root, "solver", ClassifierOptions.builder());
  }
}
