package org.varpro.core.classify;

import java.util.ArrayList;
import java.util.List;
import org.varpro.core.solver.LmOptions;
import org.varpro.core.solver.OptionSpec;
import org.varpro.core.stats.StatsKind;

/**
 * Every knob of GNvpro classification, an immutable value ({@link #builder()}): the driver
 * options that apply ({@link LmOptions}, some with classification defaults) and the inner Newton
 * solve's and the step's, each declared once in {@link #SPECS} (the {@code solver} section of a
 * classification configuration; documented key by key in conf/digits.conf).
 */
public final class ClassifierOptions extends LmOptions<ClassifierOptions, ClassifierOptions.Builder> {
  private static final long serialVersionUID = 2L;

  /** Optional ridge ½α‖θ‖² on the hidden parameters (weight decay; DESIGN §2.1); 0 = off. */
  public final double thetaRidge;
  /** Inner Newton: stop at ‖∇_C‖ ≤ max(innerTolerance, innerRelativeTolerance·‖∇_C at start‖). */
  public final double innerTolerance;
  public final double innerRelativeTolerance;
  public final int innerMaxIterations;
  public final ClassifierStep step;
  /** Initial trust radius of the matrix-free step (∞: no trust region, LM damping only). */
  public final double trustRadius;
  /**
   * The matrix-free step's Gauss-Newton products are summed on this fraction of the rows (a
   * seeded sample, {@link CurvatureSample}; 1 = all rows); the gradient, the objective and C(θ)
   * always use every row.
   */
  public final double curvatureSample;
  /** The sample has at least this many rows in expectation (all rows when there are fewer). */
  public final int curvatureMinRows;
  /** The seed of the sample. */
  public final int curvatureSeed;

  /**
   * The classification options: the driver's that apply (with the classification defaults of
   * some), then the inner solve's and the step's.
   */
  public static final List<OptionSpec<LmOptions<?, ?>, LmOptions.Builder<?, ?>>> SPECS;

  static {
    List<OptionSpec<LmOptions<?, ?>, LmOptions.Builder<?, ?>>> s = new ArrayList<>();
    for (OptionSpec<LmOptions<?, ?>, LmOptions.Builder<?, ?>> d : driver("max-iterations", "time-budget",
        "gradient-tolerance", "loss-tolerance", "relative-tolerance", "max-rejections", "lambda", "tau", "initial-mu",
        "statistics", "matrix-free-threshold", "cg-tolerance", "cg-max-iterations")) {
      s.add(switch (d.key()) {
        case "max-iterations" -> d.withDefault(200);
        case "relative-tolerance" -> d.withDefault(1e-12);
        case "max-rejections" -> d.withDefault(30);
        case "lambda" -> d.withDefault(1e-4);
        case "statistics" -> d.withDefault(StatsKind.GRAM);
        case "matrix-free-threshold" -> d.withDefault(3000);
        case "cg-tolerance" -> d.withDefault(1e-4);
        default -> d;
      });
    }
    s.add(OptionSpec.real("theta-ridge", "ridge ½α‖θ‖² on the hidden parameters (weight decay; 0 = off)", 0,
        o -> ((ClassifierOptions) o).thetaRidge, (b, v) -> ((Builder) b).thetaRidge(v),
        v -> v >= 0 && Double.isFinite(v), "be finite and >= 0"));
    s.add(OptionSpec.real("inner-tolerance", "inner Newton stops at ‖∇_C‖ at most this", 1e-10,
        o -> ((ClassifierOptions) o).innerTolerance, (b, v) -> ((Builder) b).innerTolerance(v), v -> v >= 0,
        "be >= 0"));
    s.add(OptionSpec.real("inner-relative-tolerance", "or at this fraction of its first ‖∇_C‖ (0 = off)", 0,
        o -> ((ClassifierOptions) o).innerRelativeTolerance, (b, v) -> ((Builder) b).innerRelativeTolerance(v),
        v -> v >= 0, "be >= 0"));
    s.add(OptionSpec.integer("inner-max-iterations", "inner Newton iteration cap", 100,
        o -> ((ClassifierOptions) o).innerMaxIterations, (b, v) -> ((Builder) b).innerMaxIterations(v), v -> v > 0,
        "be > 0"));
    s.add(OptionSpec.choice("step", "auto (dense up to matrix-free-threshold parameters), dense or matrix-free",
        ClassifierStep.AUTO, o -> ((ClassifierOptions) o).step, (b, v) -> ((Builder) b).step(v),
        ClassifierStep::parse, null, null));
    s.add(OptionSpec.real("trust-radius", "initial trust radius of the matrix-free step (infinity: off)",
        Double.POSITIVE_INFINITY, o -> ((ClassifierOptions) o).trustRadius, (b, v) -> ((Builder) b).trustRadius(v),
        v -> v > 0, "be > 0 (infinity: off)"));
    s.add(OptionSpec.real("curvature-sample", "matrix-free step: fraction of the rows (a seeded sample) its "
        + "Gauss-Newton products H v are summed on, the gradient and objective on all rows; 1 = all rows", 0.3,
        o -> ((ClassifierOptions) o).curvatureSample, (b, v) -> ((Builder) b).curvatureSample(v),
        v -> v > 0 && v <= 1, "be in (0, 1]"));
    s.add(OptionSpec.integer("curvature-min-rows", "matrix-free step: the sample has at least this many rows "
        + "(expected; every row when there are fewer)", 1000, o -> ((ClassifierOptions) o).curvatureMinRows,
        (b, v) -> ((Builder) b).curvatureMinRows(v), v -> v >= 1, "be >= 1"));
    s.add(OptionSpec.integer("curvature-seed", "matrix-free step: seed of the row sample", 1,
        o -> ((ClassifierOptions) o).curvatureSeed, (b, v) -> ((Builder) b).curvatureSeed(v), v -> true,
        "be an integer"));
    SPECS = List.copyOf(s);
  }

  private static final Kind<ClassifierOptions, Builder> KIND =
      new Kind<>(SPECS, Builder::new, ClassifierOptions::new);

  private ClassifierOptions(Builder b) {
    super(b);
    thetaRidge = b.thetaRidge;
    innerTolerance = b.innerTolerance;
    innerRelativeTolerance = b.innerRelativeTolerance;
    innerMaxIterations = b.innerMaxIterations;
    step = b.step;
    trustRadius = b.trustRadius;
    curvatureSample = b.curvatureSample;
    curvatureMinRows = b.curvatureMinRows;
    curvatureSeed = b.curvatureSeed;
  }

  /** A builder at the declared (classification) defaults. */
  public static Builder builder() {
    return KIND.builder();
  }

  /** The declared (classification) defaults. */
  public static ClassifierOptions defaults() {
    return builder().build();
  }

  @Override
  protected void crossChecks() {
    require(lambda > 0, "lambda must be finite and > 0 for classification");
    require(innerTolerance > 0 || innerRelativeTolerance > 0,
        "inner-tolerance must be > 0 when inner-relative-tolerance is 0");
  }

  /** The builder of {@link ClassifierOptions}: the driver's setters and the classifier's. */
  public static final class Builder extends LmOptions.Builder<ClassifierOptions, Builder> {
    private double thetaRidge;
    private double innerTolerance;
    private double innerRelativeTolerance;
    private int innerMaxIterations;
    private ClassifierStep step;
    private double trustRadius;
    private double curvatureSample;
    private int curvatureMinRows;
    private int curvatureSeed;

    private Builder() {
      super(KIND);
    }

    public Builder thetaRidge(double v) {
      thetaRidge = v;
      return this;
    }

    public Builder innerTolerance(double v) {
      innerTolerance = v;
      return this;
    }

    public Builder innerRelativeTolerance(double v) {
      innerRelativeTolerance = v;
      return this;
    }

    public Builder innerMaxIterations(int v) {
      innerMaxIterations = v;
      return this;
    }

    public Builder step(ClassifierStep v) {
      step = v;
      return this;
    }

    public Builder trustRadius(double v) {
      trustRadius = v;
      return this;
    }

    public Builder curvatureSample(double v) {
      curvatureSample = v;
      return this;
    }

    public Builder curvatureMinRows(int v) {
      curvatureMinRows = v;
      return this;
    }

    public Builder curvatureSeed(int v) {
      curvatureSeed = v;
      return this;
    }
  }
}
