package org.varpro.core.classify;

import java.util.List;
import org.varpro.core.solver.LmOptions;
import org.varpro.core.solver.OptionSpec;
import org.varpro.core.stats.StatsKind;

/**
 * Every knob of GNvpro classification, an immutable value ({@link #builder()}): the driver
 * options that apply ({@link LmOptions}, some with classification defaults) and the inner Newton
 * solve's and the step's, each declared once in {@link #SPECS} (the {@code solver} section of a
 * classification configuration; documented key by key in conf/digits.conf). The classifier's
 * own options are set with {@code builder().set(ClassifierOptions.THETA_RIDGE, ...)}.
 */
public final class ClassifierOptions extends LmOptions<ClassifierOptions> {
  private static final long serialVersionUID = 3L;

  /** Optional ridge ½α‖θ‖² on the hidden parameters (weight decay; DESIGN §2.1); 0 = off. */
  public static final OptionSpec<Double> THETA_RIDGE = OptionSpec.real("theta-ridge",
      "ridge ½α‖θ‖² on the hidden parameters (weight decay; 0 = off)", 0, v -> v >= 0 && Double.isFinite(v),
      "be finite and >= 0");
  /** Inner Newton: stop at ‖∇_C‖ ≤ max(inner-tolerance, inner-relative-tolerance·‖∇_C at start‖). */
  public static final OptionSpec<Double> INNER_TOLERANCE = OptionSpec.real("inner-tolerance",
      "inner Newton stops at ‖∇_C‖ at most this", 1e-10, v -> v >= 0, "be >= 0");
  public static final OptionSpec<Double> INNER_RELATIVE_TOLERANCE = OptionSpec.real("inner-relative-tolerance",
      "or at this fraction of its first ‖∇_C‖ (0 = off)", 0, v -> v >= 0, "be >= 0");
  public static final OptionSpec<Integer> INNER_MAX_ITERATIONS = OptionSpec.integer("inner-max-iterations",
      "inner Newton iteration cap", 100, v -> v > 0, "be > 0");
  public static final OptionSpec<ClassifierStep> STEP = OptionSpec.choice("step",
      "auto (dense up to matrix-free-threshold parameters), dense or matrix-free", ClassifierStep.AUTO,
      ClassifierStep::parse, null, null);
  /** Initial trust radius of the matrix-free step (∞: no trust region, LM damping only). */
  public static final OptionSpec<Double> TRUST_RADIUS = OptionSpec.real("trust-radius",
      "initial trust radius of the matrix-free step (infinity: off)", Double.POSITIVE_INFINITY, v -> v > 0,
      "be > 0 (infinity: off)");
  /**
   * The matrix-free step's Gauss-Newton products are summed on this fraction of the rows (a
   * seeded sample, {@link CurvatureSample}; 1 = all rows); the gradient, the objective and C(θ)
   * always use every row.
   */
  public static final OptionSpec<Double> CURVATURE_SAMPLE = OptionSpec.real("curvature-sample", "matrix-free "
      + "step: fraction of the rows (a seeded sample) its Gauss-Newton products H v are summed on, the gradient "
      + "and objective on all rows; 1 = all rows", 0.3, v -> v > 0 && v <= 1, "be in (0, 1]");
  /** The sample has at least this many rows in expectation (all rows when there are fewer). */
  public static final OptionSpec<Integer> CURVATURE_MIN_ROWS = OptionSpec.integer("curvature-min-rows",
      "matrix-free step: the sample has at least this many rows (expected; every row when there are fewer)", 1000,
      v -> v >= 1, "be >= 1");
  public static final OptionSpec<Integer> CURVATURE_SEED = OptionSpec.integer("curvature-seed",
      "matrix-free step: seed of the row sample", 1, v -> true, "be an integer");

  /**
   * The classification options: the driver's that apply (with the classification defaults of
   * some; the driver's other options keep the driver's defaults), then the inner solve's and the
   * step's.
   */
  public static final List<OptionSpec<?>> SPECS = List.of(MAX_ITERATIONS.withDefault(200), TIME_BUDGET,
      GRADIENT_TOLERANCE, LOSS_TOLERANCE, RELATIVE_TOLERANCE.withDefault(1e-12), MAX_REJECTIONS.withDefault(30),
      LAMBDA.withDefault(1e-4), TAU, INITIAL_MU, STATISTICS.withDefault(StatsKind.GRAM),
      MATRIX_FREE_THRESHOLD.withDefault(3000), CG_TOLERANCE.withDefault(1e-4), CG_MAX_ITERATIONS,
      THETA_RIDGE, INNER_TOLERANCE, INNER_RELATIVE_TOLERANCE, INNER_MAX_ITERATIONS, STEP, TRUST_RADIUS,
      CURVATURE_SAMPLE, CURVATURE_MIN_ROWS, CURVATURE_SEED);

  @Override
  protected void crossChecks() {
    require(lambda() > 0, "lambda must be finite and > 0 for classification");
    require(get(INNER_TOLERANCE) > 0 || get(INNER_RELATIVE_TOLERANCE) > 0,
        "inner-tolerance must be > 0 when inner-relative-tolerance is 0");
  }

  private static final Kind<ClassifierOptions> KIND =
      new Kind<>(ClassifierOptions.class, SPECS, ClassifierOptions::new);

  private ClassifierOptions(Builder<ClassifierOptions> b) {
    super(b);
  }

  /** A builder at the declared (classification) defaults. */
  public static Builder<ClassifierOptions> builder() {
    return KIND.builder();
  }
}
