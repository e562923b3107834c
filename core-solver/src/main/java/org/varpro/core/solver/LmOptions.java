package org.varpro.core.solver;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.varpro.core.stats.StatsKind;

/**
 * The settings of the {@link LevenbergMarquardt} driver, shared by every kind of problem
 * ({@link SolverOptions} for least squares, {@code classify.ClassifierOptions} for
 * cross-entropy, which add their own). An options object is an immutable value: it is made by
 * a {@link Builder}, whose {@link Builder#build()} checks it, and changed copies come from
 * {@link #toBuilder()}. Each option is declared once in {@link #DRIVER} or a kind's list: key,
 * documentation, default (a kind may give a shared option its own), check. What differs
 * between kinds beyond their fields, the declared list and how to make a builder, is one
 * {@link Kind} constant per class; everything written in terms of the declarations (defaults,
 * copies, checks, equality) is here, once.
 *
 * @param <O> the options class itself
 * @param <B> its builder
 */
public abstract class LmOptions<O extends LmOptions<O, B>, B extends LmOptions.Builder<O, B>>
    implements Serializable {
  private static final long serialVersionUID = 2L;

  public final int maxIterations;
  public final double timeBudgetSeconds;
  public final double gradientTolerance;
  public final double lossTolerance;
  public final double relativeTolerance;
  public final int maxRejections;
  public final double lambda;
  public final double lambdaFactor;
  public final double lambdaFloor;
  public final Damping damping;
  public final double tau;
  public final double initialMu;
  public final double residualKappa;
  public final double residualExponent;
  public final StatsKind statistics;
  public final int matrixFreeThreshold;
  public final double cgTolerance;
  public final int cgMaxIterations;
  public final boolean principalAngles;
  public final int validationEvery;
  public final int validationPatience;
  /**
   * With more hidden parameters than rows the network can interpolate a fixed point set and the
   * error between the points stalls; points redrawn from the same distribution keep every step
   * honest about the whole domain.
   */
  public final int resampleEvery;

  /** The driver's options, in the order of the documentation. */
  public static final List<OptionSpec<LmOptions<?, ?>, Builder<?, ?>>> DRIVER = List.of(
      OptionSpec.integer("max-iterations", "iteration cap", 500, o -> o.maxIterations, (b, v) -> b.maxIterations(v),
          v -> v >= 0, "be >= 0"),
      OptionSpec.real("time-budget", "wall-clock budget in seconds (absent: none), checked after each iteration "
          + "and, where a problem supports it, inside one (matrix-free CG, the inner Newton solve)",
          Double.POSITIVE_INFINITY, o -> o.timeBudgetSeconds, (b, v) -> b.timeBudgetSeconds(v), v -> v > 0,
          "be > 0 seconds"),
      OptionSpec.real("gradient-tolerance", "stop when the gradient norm is at most this (0 = off)", 0,
          o -> o.gradientTolerance, (b, v) -> b.gradientTolerance(v), v -> v >= 0, "be >= 0"),
      OptionSpec.real("loss-tolerance", "stop when the reduced objective is at most this (0 = off)", 0,
          o -> o.lossTolerance, (b, v) -> b.lossTolerance(v), v -> v >= 0, "be >= 0"),
      OptionSpec.real("relative-tolerance",
          "stop after 3 accepted steps in a row each lowering the objective by less than this fraction", 1e-14,
          o -> o.relativeTolerance, (b, v) -> b.relativeTolerance(v), v -> v >= 0, "be >= 0"),
      OptionSpec.integer("max-rejections", "stop after this many rejected trial steps in one iteration", 40,
          o -> o.maxRejections, (b, v) -> b.maxRejections(v), v -> v > 0, "be > 0"),
      OptionSpec.real("lambda", "ridge λ on the output weights C (the initial value under continuation)", 0,
          o -> o.lambda, (b, v) -> b.lambda(v), v -> v >= 0 && Double.isFinite(v), "be finite and >= 0"),
      OptionSpec.real("lambda-factor", "continuation: λ ← max(lambda-floor, λ·lambda-factor) after accepted "
          + "steps while the features keep full rank; 1 = off", 1, o -> o.lambdaFactor,
          (b, v) -> b.lambdaFactor(v), v -> v > 0 && v <= 1, "be in (0, 1]"),
      OptionSpec.real("lambda-floor", "lower bound of the continuation", 0, o -> o.lambdaFloor,
          (b, v) -> b.lambdaFloor(v), v -> v >= 0, "be >= 0"),
      OptionSpec.choice("damping", "damping schedule: nielsen or residual", Damping.NIELSEN, o -> o.damping,
          (b, v) -> b.damping(v), Damping::parse, null, null),
      OptionSpec.real("tau", "Nielsen: initial μ = tau · (max diag(H), or ‖Hg‖/‖g‖ matrix-free)", 1e-3, o -> o.tau,
          (b, v) -> b.tau(v), v -> v > 0, "be > 0"),
      OptionSpec.real("initial-mu", "absolute initial μ instead of the tau rule (absent: tau)", Double.NaN,
          o -> o.initialMu, (b, v) -> b.initialMu(v), v -> Double.isNaN(v) || v > 0, "be > 0 when set"),
      OptionSpec.real("residual-kappa", "residual damping μ = residual-kappa · ‖r‖^residual-exponent: the factor",
          1, o -> o.residualKappa, (b, v) -> b.residualKappa(v), v -> v > 0, "be > 0"),
      OptionSpec.real("residual-exponent", "residual damping: the exponent", 1, o -> o.residualExponent,
          (b, v) -> b.residualExponent(v), v -> !Double.isNaN(v), "be a number"),
      OptionSpec.choice("statistics", "pass statistics of the dense forms: qr (TSQR, stable) or gram (fast)",
          StatsKind.QR, o -> o.statistics, (b, v) -> b.statistics(v), StatsKind::parse, v -> v != StatsKind.ROWS,
          "be qr or gram"),
      OptionSpec.integer("matrix-free-threshold", "step auto: matrix-free truncated CG above this many parameters",
          20000, o -> o.matrixFreeThreshold, (b, v) -> b.matrixFreeThreshold(v), v -> v >= 0, "be >= 0"),
      OptionSpec.real("cg-tolerance", "matrix-free step: CG stops at this relative residual", 1e-6,
          o -> o.cgTolerance, (b, v) -> b.cgTolerance(v), v -> v >= 0, "be >= 0"),
      OptionSpec.integer("cg-max-iterations", "matrix-free step: products per step at most", 200,
          o -> o.cgMaxIterations, (b, v) -> b.cgMaxIterations(v), v -> v > 0, "be > 0"),
      OptionSpec.bool("principal-angles", "largest principal angle between consecutive feature subspaces "
          + "(one extra forward evaluation per iteration)", true, o -> o.principalAngles,
          (b, v) -> b.principalAngles(v)),
      OptionSpec.integer("validation-every", "score the held-out rows every this many iterations and return "
          + "the best-scoring iterate (0 = off)", 0, o -> o.validationEvery, (b, v) -> b.validationEvery(v),
          v -> v >= 0, "be >= 0"),
      OptionSpec.integer("validation-patience", "stop after this many held-out scores in a row without "
          + "improvement (0 = never)", 0, o -> o.validationPatience, (b, v) -> b.validationPatience(v),
          v -> v >= 0, "be >= 0"),
      OptionSpec.integer("resample-every", "draw fresh collocation points every this many iterations (0 = fixed)",
          0, o -> o.resampleEvery, (b, v) -> b.resampleEvery(v), v -> v >= 0, "be >= 0"));

  private final Kind<O, B> kind;

  /** The driver's options from a builder (the builder checked them: see {@link Builder#build()}). */
  protected LmOptions(Builder<O, B> b) {
    kind = b.kind;
    maxIterations = b.maxIterations;
    timeBudgetSeconds = b.timeBudgetSeconds;
    gradientTolerance = b.gradientTolerance;
    lossTolerance = b.lossTolerance;
    relativeTolerance = b.relativeTolerance;
    maxRejections = b.maxRejections;
    lambda = b.lambda;
    lambdaFactor = b.lambdaFactor;
    lambdaFloor = b.lambdaFloor;
    damping = b.damping;
    tau = b.tau;
    initialMu = b.initialMu;
    residualKappa = b.residualKappa;
    residualExponent = b.residualExponent;
    statistics = b.statistics;
    matrixFreeThreshold = b.matrixFreeThreshold;
    cgTolerance = b.cgTolerance;
    cgMaxIterations = b.cgMaxIterations;
    principalAngles = b.principalAngles;
    validationEvery = b.validationEvery;
    validationPatience = b.validationPatience;
    resampleEvery = b.resampleEvery;
  }

  /** The declared options of this kind (the keys its {@code solver} section takes), in order. */
  public final List<OptionSpec<LmOptions<?, ?>, Builder<?, ?>>> specs() {
    return kind.specs;
  }

  /** A builder holding these options, to make a changed copy. */
  public final B toBuilder() {
    return copyInto(kind.newBuilder.make());
  }

  /** The driver options named, in the order given. */
  protected static List<OptionSpec<LmOptions<?, ?>, Builder<?, ?>>> driver(String... keys) {
    List<OptionSpec<LmOptions<?, ?>, Builder<?, ?>>> out = new ArrayList<>();
    for (String k : keys) {
      out.add(DRIVER.stream().filter(s -> s.key().equals(k)).findFirst()
          .orElseThrow(() -> new IllegalArgumentException("no driver option " + k)));
    }
    return out;
  }

  /**
   * Every driver option and every declared option of this kind copied into {@code b} (a kind
   * that does not declare a driver option still carries its value).
   */
  private B copyInto(B b) {
    for (OptionSpec<LmOptions<?, ?>, Builder<?, ?>> s : DRIVER) {
      s.assign(b, s.value(this));
    }
    for (OptionSpec<LmOptions<?, ?>, Builder<?, ?>> s : specs()) {
      s.assign(b, s.value(this));
    }
    return b;
  }

  /**
   * Rejects settings that cannot work, naming the option first ("KEY must ..."): each declared
   * check, then the rules between options ({@link #crossChecks}).
   */
  private void validate() {
    for (OptionSpec<LmOptions<?, ?>, Builder<?, ?>> s : specs()) {
      s.checkValue(this);
    }
    require(lambdaFloor <= lambda, "lambda-floor must be in [0, lambda]");
    crossChecks();
  }

  /** The kind's rules that tie options together (after the declared checks and the driver's rules). */
  protected void crossChecks() {}

  protected static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Equal when of the same kind with equal values of every driver and declared option. */
  @Override
  public boolean equals(Object other) {
    if (other == null || other.getClass() != getClass()) {
      return false;
    }
    LmOptions<?, ?> o = (LmOptions<?, ?>) other;
    return values().equals(o.values());
  }

  @Override
  public int hashCode() {
    return Objects.hash(getClass(), values());
  }

  private List<Object> values() {
    List<Object> v = new ArrayList<>();
    for (OptionSpec<LmOptions<?, ?>, Builder<?, ?>> s : DRIVER) {
      v.add(s.value(this));
    }
    for (OptionSpec<LmOptions<?, ?>, Builder<?, ?>> s : specs()) {
      v.add(s.value(this));
    }
    return v;
  }

  /**
   * What makes a kind of options: its declared options, in the order of its documentation, and
   * how to make its builder and its options from a builder. Each options class holds one
   * constant and hands it to its builders; the options they build share it. Serialized, a
   * kind is its builder's constructor alone and resolves to its class's constant.
   *
   * @param <O> the options class
   * @param <B> its builder
   */
  public static final class Kind<O extends LmOptions<O, B>, B extends Builder<O, B>> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** A kind's builder constructor, serializable so that options values are. */
    @FunctionalInterface
    public interface NewBuilder<B> extends Serializable {
      B make();
    }

    private final transient List<OptionSpec<LmOptions<?, ?>, Builder<?, ?>>> specs;
    private final NewBuilder<B> newBuilder;
    private final transient Function<B, O> make;

    /**
     * @param specs the kind's declared options (the driver's it takes, then its own)
     * @param newBuilder an empty builder (its constructor passes this kind to {@link Builder})
     * @param make the options of a builder's values (unchecked: {@link Builder#build()} checks)
     */
    public Kind(List<OptionSpec<LmOptions<?, ?>, Builder<?, ?>>> specs, NewBuilder<B> newBuilder,
        Function<B, O> make) {
      this.specs = List.copyOf(specs);
      this.newBuilder = newBuilder;
      this.make = make;
    }

    /** A builder at the kind's declared defaults. */
    public B builder() {
      Builder<O, B> b = newBuilder.make();
      return b.defaults();
    }

    private Object readResolve() {
      Builder<O, B> b = newBuilder.make();
      return b.kind;
    }
  }

  /**
   * Collects option values for one options object; starts at the kind's defaults. Each setter
   * sets the option of the same name (its key, documentation and check are in the declaration);
   * nothing is checked before {@link #build()}.
   *
   * @param <O> the options it builds
   * @param <B> the builder itself (so that setters chain across the driver's and the kind's)
   */
  public abstract static class Builder<O extends LmOptions<O, B>, B extends Builder<O, B>> {
    private int maxIterations;
    private double timeBudgetSeconds;
    private double gradientTolerance;
    private double lossTolerance;
    private double relativeTolerance;
    private int maxRejections;
    private double lambda;
    private double lambdaFactor;
    private double lambdaFloor;
    private Damping damping;
    private double tau;
    private double initialMu;
    private double residualKappa;
    private double residualExponent;
    private StatsKind statistics;
    private int matrixFreeThreshold;
    private double cgTolerance;
    private int cgMaxIterations;
    private boolean principalAngles;
    private int validationEvery;
    private int validationPatience;
    private int resampleEvery;
    private final Kind<O, B> kind;

    /** An empty builder of the kind (its {@link Kind#builder()} sets the defaults). */
    protected Builder(Kind<O, B> kind) {
      this.kind = kind;
    }

    /** The declared options of the kind built. */
    public final List<OptionSpec<LmOptions<?, ?>, Builder<?, ?>>> specs() {
      return kind.specs;
    }

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }

    /** Sets every driver option, then every declared option, to its default; returns this. */
    private B defaults() {
      for (OptionSpec<LmOptions<?, ?>, Builder<?, ?>> s : DRIVER) {
        s.assign(this, s.defaultValue());
      }
      for (OptionSpec<LmOptions<?, ?>, Builder<?, ?>> s : specs()) {
        s.assign(this, s.defaultValue());
      }
      return self();
    }

    /**
     * The options, checked.
     *
     * @throws IllegalArgumentException naming the option first ("KEY must ...") when a value
     *     fails its declared check or the rules between options
     */
    public final O build() {
      O o = kind.make.apply(self());
      ((LmOptions<O, B>) o).validate(); // private: reached through the class, not the type variable
      return o;
    }

    public B maxIterations(int v) {
      maxIterations = v;
      return self();
    }

    public B timeBudgetSeconds(double v) {
      timeBudgetSeconds = v;
      return self();
    }

    public B gradientTolerance(double v) {
      gradientTolerance = v;
      return self();
    }

    public B lossTolerance(double v) {
      lossTolerance = v;
      return self();
    }

    public B relativeTolerance(double v) {
      relativeTolerance = v;
      return self();
    }

    public B maxRejections(int v) {
      maxRejections = v;
      return self();
    }

    public B lambda(double v) {
      lambda = v;
      return self();
    }

    public B lambdaFactor(double v) {
      lambdaFactor = v;
      return self();
    }

    public B lambdaFloor(double v) {
      lambdaFloor = v;
      return self();
    }

    public B damping(Damping v) {
      damping = v;
      return self();
    }

    public B tau(double v) {
      tau = v;
      return self();
    }

    public B initialMu(double v) {
      initialMu = v;
      return self();
    }

    public B residualKappa(double v) {
      residualKappa = v;
      return self();
    }

    public B residualExponent(double v) {
      residualExponent = v;
      return self();
    }

    public B statistics(StatsKind v) {
      statistics = v;
      return self();
    }

    public B matrixFreeThreshold(int v) {
      matrixFreeThreshold = v;
      return self();
    }

    public B cgTolerance(double v) {
      cgTolerance = v;
      return self();
    }

    public B cgMaxIterations(int v) {
      cgMaxIterations = v;
      return self();
    }

    public B principalAngles(boolean v) {
      principalAngles = v;
      return self();
    }

    public B validationEvery(int v) {
      validationEvery = v;
      return self();
    }

    public B validationPatience(int v) {
      validationPatience = v;
      return self();
    }

    public B resampleEvery(int v) {
      resampleEvery = v;
      return self();
    }
  }
}
