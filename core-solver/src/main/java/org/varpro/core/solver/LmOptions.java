package org.varpro.core.solver;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.varpro.core.stats.StatsKind;

/**
 * The settings of the {@link LevenbergMarquardt} driver, shared by every kind of problem
 * ({@link SolverOptions} for least squares, {@code classify.ClassifierOptions} for
 * cross-entropy, which add their own). Each option is declared once in {@link #DRIVER}: key,
 * documentation, check; its default is the field's initial value here, or the value a kind's
 * constructor sets.
 */
public abstract class LmOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  public int maxIterations = 500;
  public double timeBudgetSeconds = Double.POSITIVE_INFINITY;
  public double gradientTolerance = 0;
  public double lossTolerance = 0;
  public double relativeTolerance = 1e-14;
  public int maxRejections = 40;
  public double lambda = 0;
  public double lambdaFactor = 1;
  public double lambdaFloor = 0;
  public Damping damping = Damping.NIELSEN;
  public double tau = 1e-3;
  public double initialMu = Double.NaN;
  public double residualKappa = 1;
  public double residualExponent = 1;
  public StatsKind statistics = StatsKind.QR;
  public int matrixFreeThreshold = 20000;
  public double cgTolerance = 1e-6;
  public int cgMaxIterations = 200;
  public boolean principalAngles = true;
  public int validationEvery = 0;
  public int validationPatience = 0;
  /**
   * With more hidden parameters than rows the network can interpolate a fixed point set and the
   * error between the points stalls; points redrawn from the same distribution keep every step
   * honest about the whole domain.
   */
  public int resampleEvery = 0;

  /** The driver's options, in the order of the documentation. */
  public static final List<OptionSpec<LmOptions>> DRIVER = List.of(
      OptionSpec.integer("max-iterations", "iteration cap", o -> o.maxIterations, (o, v) -> o.maxIterations = v,
          v -> v >= 0, "be >= 0"),
      OptionSpec.real("time-budget", "wall-clock budget in seconds (absent: none), checked after each iteration and, "
          + "where a problem supports it, inside one (matrix-free CG, the inner Newton solve)",
          o -> o.timeBudgetSeconds, (o, v) -> o.timeBudgetSeconds = v, v -> v > 0, "be > 0 seconds"),
      OptionSpec.real("gradient-tolerance", "stop when the gradient norm is at most this (0 = off)",
          o -> o.gradientTolerance, (o, v) -> o.gradientTolerance = v, v -> v >= 0, "be >= 0"),
      OptionSpec.real("loss-tolerance", "stop when the reduced objective is at most this (0 = off)",
          o -> o.lossTolerance, (o, v) -> o.lossTolerance = v, v -> v >= 0, "be >= 0"),
      OptionSpec.real("relative-tolerance",
          "stop after 3 accepted steps in a row each lowering the objective by less than this fraction",
          o -> o.relativeTolerance, (o, v) -> o.relativeTolerance = v, v -> v >= 0, "be >= 0"),
      OptionSpec.integer("max-rejections", "stop after this many rejected trial steps in one iteration",
          o -> o.maxRejections, (o, v) -> o.maxRejections = v, v -> v > 0, "be > 0"),
      OptionSpec.real("lambda", "ridge λ on the output weights C (the initial value under continuation)",
          o -> o.lambda, (o, v) -> o.lambda = v, v -> v >= 0 && Double.isFinite(v), "be finite and >= 0"),
      OptionSpec.real("lambda-factor", "continuation: λ ← max(lambda-floor, λ·lambda-factor) after accepted "
          + "steps while the features keep full rank; 1 = off", o -> o.lambdaFactor, (o, v) -> o.lambdaFactor = v,
          v -> v > 0 && v <= 1, "be in (0, 1]"),
      OptionSpec.real("lambda-floor", "lower bound of the continuation", o -> o.lambdaFloor,
          (o, v) -> o.lambdaFloor = v, v -> v >= 0, "be >= 0"),
      OptionSpec.choice("damping", "damping schedule: nielsen or residual", o -> o.damping, (o, v) -> o.damping = v,
          Damping::parse, null, null),
      OptionSpec.real("tau", "Nielsen: initial μ = tau · (max diag(H), or ‖Hg‖/‖g‖ matrix-free)", o -> o.tau,
          (o, v) -> o.tau = v, v -> v > 0, "be > 0"),
      OptionSpec.real("initial-mu", "absolute initial μ instead of the tau rule (absent: tau)", o -> o.initialMu,
          (o, v) -> o.initialMu = v, v -> Double.isNaN(v) || v > 0, "be > 0 when set"),
      OptionSpec.real("residual-kappa", "residual damping μ = residual-kappa · ‖r‖^residual-exponent: the factor",
          o -> o.residualKappa, (o, v) -> o.residualKappa = v, v -> v > 0, "be > 0"),
      OptionSpec.real("residual-exponent", "residual damping: the exponent", o -> o.residualExponent,
          (o, v) -> o.residualExponent = v, v -> !Double.isNaN(v), "be a number"),
      OptionSpec.choice("statistics", "pass statistics of the dense forms: qr (TSQR, stable) or gram (fast)",
          o -> o.statistics, (o, v) -> o.statistics = v, StatsKind::parse, v -> v != StatsKind.ROWS, "be qr or gram"),
      OptionSpec.integer("matrix-free-threshold", "step auto: matrix-free truncated CG above this many parameters",
          o -> o.matrixFreeThreshold, (o, v) -> o.matrixFreeThreshold = v, v -> v >= 0, "be >= 0"),
      OptionSpec.real("cg-tolerance", "matrix-free step: CG stops at this relative residual",
          o -> o.cgTolerance, (o, v) -> o.cgTolerance = v, v -> v >= 0, "be >= 0"),
      OptionSpec.integer("cg-max-iterations", "matrix-free step: products per step at most",
          o -> o.cgMaxIterations, (o, v) -> o.cgMaxIterations = v, v -> v > 0, "be > 0"),
      OptionSpec.bool("principal-angles", "largest principal angle between consecutive feature subspaces "
          + "(one extra forward evaluation per iteration)", o -> o.principalAngles, (o, v) -> o.principalAngles = v),
      OptionSpec.integer("validation-every", "score the held-out rows every this many iterations and return "
          + "the best-scoring iterate (0 = off)", o -> o.validationEvery, (o, v) -> o.validationEvery = v,
          v -> v >= 0, "be >= 0"),
      OptionSpec.integer("validation-patience", "stop after this many held-out scores in a row without "
          + "improvement (0 = never)", o -> o.validationPatience, (o, v) -> o.validationPatience = v,
          v -> v >= 0, "be >= 0"),
      OptionSpec.integer("resample-every", "draw fresh collocation points every this many iterations (0 = fixed)",
          o -> o.resampleEvery, (o, v) -> o.resampleEvery = v, v -> v >= 0, "be >= 0"));

  private static final Map<Class<?>, List<OptionSpec<LmOptions>>> DECLARED = new ConcurrentHashMap<>();

  /** Registers a kind's declarations (from its static initializer) and returns them. */
  protected static List<OptionSpec<LmOptions>> declare(Class<? extends LmOptions> kind,
      List<OptionSpec<LmOptions>> specs) {
    List<OptionSpec<LmOptions>> fixed = List.copyOf(specs);
    DECLARED.put(kind, fixed);
    return fixed;
  }

  /** The declared options of this kind (the keys its {@code solver} section takes), in order. */
  public final List<OptionSpec<LmOptions>> specs() {
    return DECLARED.get(getClass());
  }

  /** The driver options named, in the order given. */
  protected static List<OptionSpec<LmOptions>> driver(String... keys) {
    List<OptionSpec<LmOptions>> out = new ArrayList<>();
    for (String k : keys) {
      out.add(DRIVER.stream().filter(s -> s.key().equals(k)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no driver option " + k)));
    }
    return out;
  }

  /**
   * A copy of every driver option and every declared option of this kind (the solvers keep one,
   * so later changes to this object do not reach a run).
   */
  @SuppressWarnings("unchecked")
  public final <T extends LmOptions> T copy() {
    LmOptions to;
    try {
      to = getClass().getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("options need a public no-argument constructor: " + getClass(), e);
    }
    for (OptionSpec<LmOptions> s : DRIVER) {
      s.assign(to, s.value(this));
    }
    for (OptionSpec<LmOptions> s : specs()) {
      s.assign(to, s.value(this));
    }
    return (T) to;
  }

  /**
   * Rejects settings that cannot work, naming the option first ("KEY must ..."): each declared
   * check, then the rules between options ({@link #crossChecks}).
   */
  public void validate() {
    for (OptionSpec<LmOptions> s : specs()) {
      s.checkValue(this);
    }
    crossChecks();
  }

  /** Rules that tie options together. */
  protected void crossChecks() {
    require(lambdaFloor <= lambda, "lambda-floor must be in [0, lambda]");
  }

  protected static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
