package org.varpro.config;

import com.typesafe.config.Config;
import java.util.List;
import org.varpro.core.solver.Damping;
import org.varpro.core.solver.HessianKind;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.StepMethod;
import org.varpro.core.stats.StatsKind;

/**
 * The {@code solver} section: every field of {@link SolverOptions} in kebab-case, each optional
 * with the documented default. {@code time-budget} is in seconds (absent: no budget).
 */
public final class SolverConfig {
  public static final List<String> KEYS = List.of("max-iterations", "time-budget",
      "gradient-tolerance", "loss-tolerance", "relative-tolerance", "max-rejections", "lambda",
      "lambda-factor", "lambda-floor", "rank-tolerance", "hessian", "statistics", "step", "matrix-free-threshold",
      "cg-tolerance", "cg-max-iterations", "damping",
      "diagonal-scaling", "tau", "residual-kappa", "residual-exponent", "principal-angles",
      "validation-every", "validation-patience", "resample-every");

  private SolverConfig() {}

  public static SolverOptions parse(Config root) {
    String p = "solver";
    StrictConfig.requireOnly(root, p, KEYS);
    SolverOptions o = new SolverOptions();
    if (root.hasPath(p + ".max-iterations")) {
      o.maxIterations = StrictConfig.getInt(root, p + ".max-iterations");
    }
    o.timeBudgetSeconds = ModelConfig.optDouble(root, p + ".time-budget", o.timeBudgetSeconds);
    o.gradientTolerance = ModelConfig.optDouble(root, p + ".gradient-tolerance", o.gradientTolerance);
    o.lossTolerance = ModelConfig.optDouble(root, p + ".loss-tolerance", o.lossTolerance);
    o.relativeTolerance = ModelConfig.optDouble(root, p + ".relative-tolerance", o.relativeTolerance);
    if (root.hasPath(p + ".max-rejections")) {
      o.maxRejections = StrictConfig.getInt(root, p + ".max-rejections");
    }
    o.lambda = ModelConfig.optDouble(root, p + ".lambda", o.lambda);
    o.lambdaFactor = ModelConfig.optDouble(root, p + ".lambda-factor", o.lambdaFactor);
    o.lambdaFloor = ModelConfig.optDouble(root, p + ".lambda-floor", o.lambdaFloor);
    o.rankTolerance = ModelConfig.optDouble(root, p + ".rank-tolerance", o.rankTolerance);
    if (root.hasPath(p + ".hessian")) {
      o.hessian = ModelConfig.parseEnum(root, p + ".hessian", HessianKind::parse);
    }
    if (root.hasPath(p + ".statistics")) {
      o.statistics = ModelConfig.parseEnum(root, p + ".statistics", StatsKind::parse);
    }
    if (root.hasPath(p + ".step")) {
      o.step = ModelConfig.parseEnum(root, p + ".step", StepMethod::parse);
    }
    if (root.hasPath(p + ".matrix-free-threshold")) {
      o.matrixFreeThreshold = StrictConfig.getInt(root, p + ".matrix-free-threshold");
    }
    o.cgTolerance = ModelConfig.optDouble(root, p + ".cg-tolerance", o.cgTolerance);
    if (root.hasPath(p + ".cg-max-iterations")) {
      o.cgMaxIterations = StrictConfig.getInt(root, p + ".cg-max-iterations");
    }
    if (root.hasPath(p + ".damping")) {
      o.damping = ModelConfig.parseEnum(root, p + ".damping", Damping::parse);
    }
    if (root.hasPath(p + ".diagonal-scaling")) {
      o.diagonalScaling = StrictConfig.getBoolean(root, p + ".diagonal-scaling");
    }
    o.tau = ModelConfig.optDouble(root, p + ".tau", o.tau);
    o.residualKappa = ModelConfig.optDouble(root, p + ".residual-kappa", o.residualKappa);
    o.residualExponent = ModelConfig.optDouble(root, p + ".residual-exponent", o.residualExponent);
    if (root.hasPath(p + ".principal-angles")) {
      o.principalAngles = StrictConfig.getBoolean(root, p + ".principal-angles");
    }
    if (root.hasPath(p + ".validation-every")) {
      o.validationEvery = StrictConfig.getInt(root, p + ".validation-every");
    }
    if (root.hasPath(p + ".resample-every")) {
      o.resampleEvery = StrictConfig.getInt(root, p + ".resample-every");
    }
    if (root.hasPath(p + ".validation-patience")) {
      o.validationPatience = StrictConfig.getInt(root, p + ".validation-patience");
    }
    validate(root, p, o::validate);
    return o;
  }

  /**
   * Runs an options check whose messages name the option in kebab-case first ("lambda must be
   * ..."), turning a failure into a ConfigError naming {@code section.option} and its place.
   */
  static void validate(Config root, String section, Runnable check) {
    try {
      check.run();
    } catch (IllegalArgumentException e) {
      String key = e.getMessage().split(" ")[0];
      throw new ConfigError(section + "." + key, e.getMessage().substring(key.length()).trim()
          + StrictConfig.where(root, section + "." + key), e);
    }
  }
}
