package org.varpro.core.solver;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.varpro.core.stats.StatsKind;

/**
 * The settings of the {@link LevenbergMarquardt} driver, shared by every kind of problem
 * ({@link SolverOptions} for least squares, {@code classify.ClassifierOptions} for
 * cross-entropy, which add their own). An options object is an immutable value: a value per
 * declared option ({@link OptionSpec}, the typed key of the value), made by a {@link Builder},
 * whose {@link Builder#build()} checks it; changed copies come from {@link #toBuilder()}. The
 * driver's options are declared here ({@link #DRIVER}) and have named accessors and setters; a
 * kind declares its own options as constants of its class, read with {@link #get} and set with
 * {@link Builder#set}. What makes a kind (its declared list, a driver option's own default, how
 * to make its class) is one {@link Kind} constant per class; everything written in terms of the
 * declarations (defaults, copies, checks, equality) is here, once.
 *
 * @param <O> the options class itself
 */
public abstract class LmOptions<O extends LmOptions<O>> implements Serializable {
  private static final long serialVersionUID = 3L;

  public static final OptionSpec<Integer> MAX_ITERATIONS =
      OptionSpec.integer("max-iterations", "iteration cap", 500, v -> v >= 0, "be >= 0");
  public static final OptionSpec<Double> TIME_BUDGET = OptionSpec.real("time-budget", "wall-clock budget in "
      + "seconds (absent: none), checked after each iteration and, where a problem supports it, inside one "
      + "(matrix-free CG, the inner Newton solve)", Double.POSITIVE_INFINITY, v -> v > 0, "be > 0 seconds");
  public static final OptionSpec<Double> GRADIENT_TOLERANCE = OptionSpec.real("gradient-tolerance",
      "stop when the gradient norm is at most this (0 = off)", 0, v -> v >= 0, "be >= 0");
  public static final OptionSpec<Double> LOSS_TOLERANCE = OptionSpec.real("loss-tolerance",
      "stop when the reduced objective is at most this (0 = off)", 0, v -> v >= 0, "be >= 0");
  public static final OptionSpec<Double> RELATIVE_TOLERANCE = OptionSpec.real("relative-tolerance",
      "stop after 3 accepted steps in a row each lowering the objective by less than this fraction", 1e-14,
      v -> v >= 0, "be >= 0");
  public static final OptionSpec<Integer> MAX_REJECTIONS = OptionSpec.integer("max-rejections",
      "stop after this many rejected trial steps in one iteration", 40, v -> v > 0, "be > 0");
  public static final OptionSpec<Double> LAMBDA = OptionSpec.real("lambda",
      "ridge λ on the output weights C (the initial value under continuation)", 0,
      v -> v >= 0 && Double.isFinite(v), "be finite and >= 0");
  public static final OptionSpec<Double> LAMBDA_FACTOR = OptionSpec.real("lambda-factor", "continuation: "
      + "λ ← max(lambda-floor, λ·lambda-factor) after accepted steps while the features keep full rank; 1 = off",
      1, v -> v > 0 && v <= 1, "be in (0, 1]");
  public static final OptionSpec<Double> LAMBDA_FLOOR =
      OptionSpec.real("lambda-floor", "lower bound of the continuation", 0, v -> v >= 0, "be >= 0");
  public static final OptionSpec<Damping> DAMPING = OptionSpec.choice("damping",
      "damping schedule: nielsen or residual", Damping.NIELSEN, Damping::parse, null, null);
  public static final OptionSpec<Double> TAU = OptionSpec.real("tau",
      "Nielsen: initial μ = tau · (max diag(H), or ‖Hg‖/‖g‖ matrix-free)", 1e-3, v -> v > 0, "be > 0");
  public static final OptionSpec<Double> INITIAL_MU = OptionSpec.real("initial-mu",
      "absolute initial μ instead of the tau rule (absent: tau)", Double.NaN, v -> Double.isNaN(v) || v > 0,
      "be > 0 when set");
  public static final OptionSpec<Double> RESIDUAL_KAPPA = OptionSpec.real("residual-kappa",
      "residual damping μ = residual-kappa · ‖r‖^residual-exponent: the factor", 1, v -> v > 0, "be > 0");
  public static final OptionSpec<Double> RESIDUAL_EXPONENT = OptionSpec.real("residual-exponent",
      "residual damping: the exponent", 1, v -> !Double.isNaN(v), "be a number");
  public static final OptionSpec<StatsKind> STATISTICS = OptionSpec.choice("statistics",
      "pass statistics of the dense forms: qr (TSQR, stable) or gram (fast)", StatsKind.QR, StatsKind::parse,
      v -> v != StatsKind.ROWS, "be qr or gram");
  public static final OptionSpec<Integer> MATRIX_FREE_THRESHOLD = OptionSpec.integer("matrix-free-threshold",
      "step auto: matrix-free truncated CG above this many parameters", 20000, v -> v >= 0, "be >= 0");
  public static final OptionSpec<Double> CG_TOLERANCE = OptionSpec.real("cg-tolerance",
      "matrix-free step: CG stops at this relative residual", 1e-6, v -> v >= 0, "be >= 0");
  public static final OptionSpec<Integer> CG_MAX_ITERATIONS = OptionSpec.integer("cg-max-iterations",
      "matrix-free step: products per step at most", 200, v -> v > 0, "be > 0");
  public static final OptionSpec<Boolean> PRINCIPAL_ANGLES = OptionSpec.bool("principal-angles", "largest "
      + "principal angle between consecutive feature subspaces (one extra forward evaluation per iteration)", true);
  public static final OptionSpec<Integer> VALIDATION_EVERY = OptionSpec.integer("validation-every", "score the "
      + "held-out rows every this many iterations and return the best-scoring iterate (0 = off)", 0, v -> v >= 0,
      "be >= 0");
  public static final OptionSpec<Integer> VALIDATION_PATIENCE = OptionSpec.integer("validation-patience",
      "stop after this many held-out scores in a row without improvement (0 = never)", 0, v -> v >= 0, "be >= 0");
  /**
   * With more hidden parameters than rows the network can interpolate a fixed point set and the
   * error between the points stalls; points redrawn from the same distribution keep every step
   * honest about the whole domain.
   */
  public static final OptionSpec<Integer> RESAMPLE_EVERY = OptionSpec.integer("resample-every",
      "draw fresh collocation points every this many iterations (0 = fixed)", 0, v -> v >= 0, "be >= 0");

  /** The driver's options, in the order of the documentation. */
  public static final List<OptionSpec<?>> DRIVER = List.of(MAX_ITERATIONS, TIME_BUDGET, GRADIENT_TOLERANCE,
      LOSS_TOLERANCE, RELATIVE_TOLERANCE, MAX_REJECTIONS, LAMBDA, LAMBDA_FACTOR, LAMBDA_FLOOR, DAMPING, TAU,
      INITIAL_MU, RESIDUAL_KAPPA, RESIDUAL_EXPONENT, STATISTICS, MATRIX_FREE_THRESHOLD, CG_TOLERANCE,
      CG_MAX_ITERATIONS, PRINCIPAL_ANGLES, VALIDATION_EVERY, VALIDATION_PATIENCE, RESAMPLE_EVERY);

  /** The value of every driver option and every option of the kind, by key (immutable). */
  private final Map<String, Object> values;

  /** The options a builder holds (the builder checks them: see {@link Builder#build()}). */
  protected LmOptions(Builder<O> b) {
    values = Map.copyOf(b.values);
  }

  /**
   * The value of an option this kind carries (every driver option, declared by the kind or not,
   * and the kind's own).
   *
   * @throws IllegalArgumentException when the option is not one of this kind's
   */
  public final <T> T get(OptionSpec<T> option) {
    Object v = values.get(option.key());
    if (v == null) {
      throw new IllegalArgumentException(option.key() + " is not an option of " + getClass().getSimpleName());
    }
    return option.cast(v);
  }

  public final int maxIterations() {
    return get(MAX_ITERATIONS);
  }

  /** The wall-clock budget in seconds (infinite: none). */
  public final double timeBudgetSeconds() {
    return get(TIME_BUDGET);
  }

  public final double gradientTolerance() {
    return get(GRADIENT_TOLERANCE);
  }

  public final double lossTolerance() {
    return get(LOSS_TOLERANCE);
  }

  public final double relativeTolerance() {
    return get(RELATIVE_TOLERANCE);
  }

  public final int maxRejections() {
    return get(MAX_REJECTIONS);
  }

  public final double lambda() {
    return get(LAMBDA);
  }

  public final double lambdaFactor() {
    return get(LAMBDA_FACTOR);
  }

  public final double lambdaFloor() {
    return get(LAMBDA_FLOOR);
  }

  public final Damping damping() {
    return get(DAMPING);
  }

  public final double tau() {
    return get(TAU);
  }

  public final double initialMu() {
    return get(INITIAL_MU);
  }

  public final double residualKappa() {
    return get(RESIDUAL_KAPPA);
  }

  public final double residualExponent() {
    return get(RESIDUAL_EXPONENT);
  }

  public final StatsKind statistics() {
    return get(STATISTICS);
  }

  public final int matrixFreeThreshold() {
    return get(MATRIX_FREE_THRESHOLD);
  }

  public final double cgTolerance() {
    return get(CG_TOLERANCE);
  }

  public final int cgMaxIterations() {
    return get(CG_MAX_ITERATIONS);
  }

  public final boolean principalAngles() {
    return get(PRINCIPAL_ANGLES);
  }

  public final int validationEvery() {
    return get(VALIDATION_EVERY);
  }

  public final int validationPatience() {
    return get(VALIDATION_PATIENCE);
  }

  public final int resampleEvery() {
    return get(RESAMPLE_EVERY);
  }

  /** The declared options of this kind (the keys its {@code solver} section takes), in order. */
  public final List<OptionSpec<?>> specs() {
    return kind().specs;
  }

  /** A builder holding these options, to make a changed copy. */
  public final Builder<O> toBuilder() {
    Builder<O> b = new Builder<>(kind());
    b.values.putAll(values);
    return b;
  }

  @SuppressWarnings("unchecked")
  private Kind<O> kind() {
    return (Kind<O>) Kind.of(getClass());
  }

  /**
   * Rejects settings that cannot work, naming the option first ("KEY must ..."): each declared
   * check, then the rules between options ({@link #crossChecks}).
   */
  private void validate() {
    for (OptionSpec<?> s : specs()) {
      checkValue(s);
    }
    require(lambdaFloor() <= lambda(), "lambda-floor must be in [0, lambda]");
    crossChecks();
  }

  private <T> void checkValue(OptionSpec<T> s) {
    s.checkValue(get(s));
  }

  /** The kind's rules that tie options together (after the declared checks and the driver's rules). */
  protected void crossChecks() {}

  protected static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Equal when of the same kind with equal values of every option. */
  @Override
  public boolean equals(Object other) {
    return other != null && other.getClass() == getClass() && values.equals(((LmOptions<?>) other).values);
  }

  @Override
  public int hashCode() {
    return Objects.hash(getClass(), values);
  }

  /**
   * What makes a kind of options: its declared options, in the order of its documentation (the
   * driver's it takes, some with its own default, then its own), and how to make its class from
   * a builder. Each options class holds one constant; its objects find it by their class (so an
   * options object serializes as its values alone).
   *
   * @param <O> the options class
   */
  public static final class Kind<O extends LmOptions<O>> {
    private static final Map<Class<?>, Kind<?>> BY_CLASS = new ConcurrentHashMap<>();

    private final List<OptionSpec<?>> specs;
    private final Function<Builder<O>, O> make;

    /**
     * @param type the options class (its objects find this kind by it)
     * @param specs the kind's declared options
     * @param make the options of a builder's values (unchecked: {@link Builder#build()} checks)
     */
    public Kind(Class<O> type, List<OptionSpec<?>> specs, Function<Builder<O>, O> make) {
      this.specs = List.copyOf(specs);
      this.make = make;
      BY_CLASS.put(type, this);
    }

    /** A builder at the kind's declared defaults (the driver's for the options it does not declare). */
    public Builder<O> builder() {
      Builder<O> b = new Builder<>(this);
      for (OptionSpec<?> s : DRIVER) {
        b.values.put(s.key(), s.defaultValue());
      }
      for (OptionSpec<?> s : specs) {
        b.values.put(s.key(), s.defaultValue());
      }
      return b;
    }

    /** The kind of an options class (initializing the class, which makes its constant, if need be). */
    private static Kind<?> of(Class<?> type) {
      Kind<?> kind = BY_CLASS.get(type);
      if (kind == null) {
        try {
          Class.forName(type.getName(), true, type.getClassLoader());
        } catch (ClassNotFoundException e) {
          throw new IllegalStateException(e);
        }
        kind = Objects.requireNonNull(BY_CLASS.get(type), () -> type.getName() + " declares no Kind");
      }
      return kind;
    }
  }

  /**
   * Collects option values for one options object; starts at the kind's defaults. Nothing is
   * checked before {@link #build()} but the type of a value.
   *
   * @param <O> the options it builds
   */
  public static final class Builder<O extends LmOptions<O>> {
    private final Kind<O> kind;
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Builder(Kind<O> kind) {
      this.kind = kind;
    }

    /** The declared options of the kind built. */
    public List<OptionSpec<?>> specs() {
      return kind.specs;
    }

    /**
     * Sets an option of the kind built.
     *
     * @throws IllegalArgumentException when the kind does not carry the option or the value is not of its type
     */
    public <T> Builder<O> set(OptionSpec<T> option, T value) {
      if (!values.containsKey(option.key())) {
        throw new IllegalArgumentException(option.key() + " is not an option of this kind");
      }
      values.put(option.key(), option.cast(value));
      return this;
    }

    /**
     * The options, checked.
     *
     * @throws IllegalArgumentException naming the option first ("KEY must ...") when a value
     *     fails its declared check or the rules between options
     */
    public O build() {
      O o = kind.make.apply(this);
      ((LmOptions<O>) o).validate(); // private: reached through the class, not the type variable
      return o;
    }

    public Builder<O> maxIterations(int v) {
      return set(MAX_ITERATIONS, v);
    }

    public Builder<O> timeBudgetSeconds(double v) {
      return set(TIME_BUDGET, v);
    }

    public Builder<O> gradientTolerance(double v) {
      return set(GRADIENT_TOLERANCE, v);
    }

    public Builder<O> lossTolerance(double v) {
      return set(LOSS_TOLERANCE, v);
    }

    public Builder<O> relativeTolerance(double v) {
      return set(RELATIVE_TOLERANCE, v);
    }

    public Builder<O> maxRejections(int v) {
      return set(MAX_REJECTIONS, v);
    }

    public Builder<O> lambda(double v) {
      return set(LAMBDA, v);
    }

    public Builder<O> lambdaFactor(double v) {
      return set(LAMBDA_FACTOR, v);
    }

    public Builder<O> lambdaFloor(double v) {
      return set(LAMBDA_FLOOR, v);
    }

    public Builder<O> damping(Damping v) {
      return set(DAMPING, v);
    }

    public Builder<O> tau(double v) {
      return set(TAU, v);
    }

    public Builder<O> initialMu(double v) {
      return set(INITIAL_MU, v);
    }

    public Builder<O> residualKappa(double v) {
      return set(RESIDUAL_KAPPA, v);
    }

    public Builder<O> residualExponent(double v) {
      return set(RESIDUAL_EXPONENT, v);
    }

    public Builder<O> statistics(StatsKind v) {
      return set(STATISTICS, v);
    }

    public Builder<O> matrixFreeThreshold(int v) {
      return set(MATRIX_FREE_THRESHOLD, v);
    }

    public Builder<O> cgTolerance(double v) {
      return set(CG_TOLERANCE, v);
    }

    public Builder<O> cgMaxIterations(int v) {
      return set(CG_MAX_ITERATIONS, v);
    }

    public Builder<O> principalAngles(boolean v) {
      return set(PRINCIPAL_ANGLES, v);
    }

    public Builder<O> validationEvery(int v) {
      return set(VALIDATION_EVERY, v);
    }

    public Builder<O> validationPatience(int v) {
      return set(VALIDATION_PATIENCE, v);
    }

    public Builder<O> resampleEvery(int v) {
      return set(RESAMPLE_EVERY, v);
    }
  }
}
