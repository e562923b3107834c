package org.varpro.core.classify;

import java.util.ArrayList;
import java.util.List;
import org.varpro.core.solver.LmOptions;
import org.varpro.core.solver.OptionSpec;
import org.varpro.core.stats.StatsKind;

/**
 * Every knob of GNvpro classification: the driver options that apply ({@link LmOptions}, with
 * classification defaults set here) and the inner Newton solve's and the step's, each declared
 * once in {@link #SPECS} (the {@code solver} section of a classification configuration;
 * documented key by key in conf/digits.conf).
 */
public final class ClassifierOptions extends LmOptions {
  private static final long serialVersionUID = 2L;

  /** Optional ridge ½α‖θ‖² on the hidden parameters (weight decay; DESIGN §2.1); 0 = off. */
  public double thetaRidge = 0;
  /** Inner Newton: stop at ‖∇_C‖ ≤ max(innerTolerance, innerRelativeTolerance·‖∇_C at start‖). */
  public double innerTolerance = 1e-10;
  public double innerRelativeTolerance = 0;
  public int innerMaxIterations = 100;
  public ClassifierStep step = ClassifierStep.AUTO;
  /** Initial trust radius of the matrix-free step (∞: no trust region, LM damping only). */
  public double trustRadius = Double.POSITIVE_INFINITY;
  /**
   * The matrix-free step's Gauss-Newton products are summed on this fraction of the rows (a
   * seeded sample, {@link CurvatureSample}; 1 = all rows); the gradient, the objective and C(θ)
   * always use every row.
   */
  public double curvatureSample = 0.3;
  /** The sample has at least this many rows in expectation (all rows when there are fewer). */
  public int curvatureMinRows = 1000;
  /** The seed of the sample. */
  public int curvatureSeed = 1;

  /** The classification options: the driver's that apply, then the inner solve's and the step's. */
  public static final List<OptionSpec<LmOptions>> SPECS;

  static {
    List<OptionSpec<LmOptions>> s = new ArrayList<>(driver("max-iterations", "time-budget", "gradient-tolerance",
        "loss-tolerance", "relative-tolerance", "max-rejections", "lambda", "tau", "initial-mu", "statistics",
        "matrix-free-threshold", "cg-tolerance", "cg-max-iterations"));
    s.add(OptionSpec.real("theta-ridge", "ridge ½α‖θ‖² on the hidden parameters (weight decay; 0 = off)",
        o -> ((ClassifierOptions) o).thetaRidge, (o, v) -> ((ClassifierOptions) o).thetaRidge = v,
        v -> v >= 0 && Double.isFinite(v), "be finite and >= 0"));
    s.add(OptionSpec.real("inner-tolerance", "inner Newton stops at ‖∇_C‖ at most this",
        o -> ((ClassifierOptions) o).innerTolerance, (o, v) -> ((ClassifierOptions) o).innerTolerance = v,
        v -> v >= 0, "be >= 0"));
    s.add(OptionSpec.real("inner-relative-tolerance", "or at this fraction of its first ‖∇_C‖ (0 = off)",
        o -> ((ClassifierOptions) o).innerRelativeTolerance,
        (o, v) -> ((ClassifierOptions) o).innerRelativeTolerance = v, v -> v >= 0, "be >= 0"));
    s.add(OptionSpec.integer("inner-max-iterations", "inner Newton iteration cap",
        o -> ((ClassifierOptions) o).innerMaxIterations, (o, v) -> ((ClassifierOptions) o).innerMaxIterations = v,
        v -> v > 0, "be > 0"));
    s.add(OptionSpec.choice("step", "auto (dense up to matrix-free-threshold parameters), dense or matrix-free",
        o -> ((ClassifierOptions) o).step, (o, v) -> ((ClassifierOptions) o).step = v, ClassifierStep::parse,
        null, null));
    s.add(OptionSpec.real("trust-radius", "initial trust radius of the matrix-free step (infinity: off)",
        o -> ((ClassifierOptions) o).trustRadius, (o, v) -> ((ClassifierOptions) o).trustRadius = v,
        v -> v > 0, "be > 0 (infinity: off)"));
    s.add(OptionSpec.real("curvature-sample", "matrix-free step: fraction of the rows (a seeded sample) its "
        + "Gauss-Newton products H v are summed on, the gradient and objective on all rows; 1 = all rows",
        o -> ((ClassifierOptions) o).curvatureSample, (o, v) -> ((ClassifierOptions) o).curvatureSample = v,
        v -> v > 0 && v <= 1, "be in (0, 1]"));
    s.add(OptionSpec.integer("curvature-min-rows", "matrix-free step: the sample has at least this many rows "
        + "(expected; every row when there are fewer)", o -> ((ClassifierOptions) o).curvatureMinRows,
        (o, v) -> ((ClassifierOptions) o).curvatureMinRows = v, v -> v >= 1, "be >= 1"));
    s.add(OptionSpec.integer("curvature-seed", "matrix-free step: seed of the row sample",
        o -> ((ClassifierOptions) o).curvatureSeed, (o, v) -> ((ClassifierOptions) o).curvatureSeed = v,
        v -> true, "be an integer"));
    SPECS = declare(ClassifierOptions.class, s);
  }

  /** The classification defaults of the driver options. */
  public ClassifierOptions() {
    maxIterations = 200;
    relativeTolerance = 1e-12;
    maxRejections = 30;
    lambda = 1e-4;
    statistics = StatsKind.GRAM;
    matrixFreeThreshold = 3000;
    cgTolerance = 1e-4;
  }

  @Override
  protected void crossChecks() {
    super.crossChecks();
    require(lambda > 0, "lambda must be finite and > 0 for classification");
    require(innerTolerance > 0 || innerRelativeTolerance > 0,
        "inner-tolerance must be > 0 when inner-relative-tolerance is 0");
  }
}
