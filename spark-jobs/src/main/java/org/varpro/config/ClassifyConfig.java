package org.varpro.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Path;
import java.util.List;
import org.varpro.core.classify.ClassifierOptions;
import org.varpro.core.classify.ClassifierStep;
import org.varpro.core.classify.Datasets;
import org.varpro.core.classify.LabeledData;
import org.varpro.core.stats.StatsKind;

/**
 * The {@code classify} section (which labelled data, how it is split) and the classifier's
 * {@code solver} section of a classification run.
 *
 * @param data "digits" (data/digits.csv.gz, split here) or "fashion-mnist" (its own test set)
 * @param path the digits file or the Fashion-MNIST directory, or null for the default place
 * @param trainRows training rows kept (a seeded sub-sample), 0 = all
 * @param testFraction the share of the digits held out for testing
 * @param seed seed of the sub-sample and the split
 */
public record ClassifyConfig(String data, Path path, int trainRows, double testFraction, long seed) {
  public static final String SECTION = "classify";
  public static final List<String> KEYS = List.of("data", "path", "train-rows", "test-fraction", "seed");
  public static final List<String> SOLVER_KEYS = List.of("max-iterations", "time-budget", "gradient-tolerance",
      "relative-tolerance", "lambda", "theta-ridge", "inner-tolerance", "step", "matrix-free-threshold",
      "statistics", "tau", "cg-tolerance", "cg-max-iterations");

  public static ClassifyConfig parse(Config root) {
    String p = SECTION;
    StrictConfig.requireOnly(root, p, KEYS);
    StrictConfig.requireKeys(root, p, "data");
    String data = StrictConfig.getString(root, p + ".data").trim();
    if (!data.equals("digits") && !data.equals("fashion-mnist")) {
      throw new ConfigError(p + ".data", "must be digits or fashion-mnist, got '" + data + "'"
          + StrictConfig.where(root, p + ".data"));
    }
    Path path = root.hasPath(p + ".path") ? Path.of(StrictConfig.getString(root, p + ".path")) : null;
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
    return new ClassifyConfig(data, path, trainRows, testFraction, seed);
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

  /** The training and test sets, with the sub-sample applied to the training set. */
  public LabeledData.Split load() {
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
    String p = "solver";
    ClassifierOptions o = new ClassifierOptions();
    if (!root.hasPath(p)) {
      return o;
    }
    StrictConfig.requireOnly(root, p, SOLVER_KEYS);
    if (root.hasPath(p + ".max-iterations")) {
      o.maxIterations = StrictConfig.getInt(root, p + ".max-iterations");
    }
    o.timeBudgetSeconds = ModelConfig.optDouble(root, p + ".time-budget", o.timeBudgetSeconds);
    o.gradientTolerance = ModelConfig.optDouble(root, p + ".gradient-tolerance", o.gradientTolerance);
    o.relativeTolerance = ModelConfig.optDouble(root, p + ".relative-tolerance", o.relativeTolerance);
    o.lambda = ModelConfig.optDouble(root, p + ".lambda", o.lambda);
    o.thetaRidge = ModelConfig.optDouble(root, p + ".theta-ridge", o.thetaRidge);
    o.innerTolerance = ModelConfig.optDouble(root, p + ".inner-tolerance", o.innerTolerance);
    if (root.hasPath(p + ".step")) {
      o.step = ModelConfig.parseEnum(root, p + ".step", ClassifierStep::parse);
    }
    if (root.hasPath(p + ".matrix-free-threshold")) {
      o.matrixFreeThreshold = StrictConfig.getInt(root, p + ".matrix-free-threshold");
    }
    if (root.hasPath(p + ".statistics")) {
      o.statistics = ModelConfig.parseEnum(root, p + ".statistics", StatsKind::parse);
    }
    o.tau = ModelConfig.optDouble(root, p + ".tau", o.tau);
    o.cgTolerance = ModelConfig.optDouble(root, p + ".cg-tolerance", o.cgTolerance);
    if (root.hasPath(p + ".cg-max-iterations")) {
      o.cgMaxIterations = StrictConfig.getInt(root, p + ".cg-max-iterations");
    }
    SolverConfig.validate(root, p, o::validate);
    return o;
  }
}
