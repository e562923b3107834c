package org.varpro.core.solver;

import java.util.ArrayList;
import java.util.List;

/**
 * Every knob of VarPro least squares, an immutable value ({@link #builder()}): the driver's
 * ({@link LmOptions}) and the least-squares step's, each declared once in {@link #SPECS} (the
 * {@code solver} section of a regression or PDE configuration; documented key by key in
 * conf/heat.conf).
 */
public final class SolverOptions extends LmOptions<SolverOptions, SolverOptions.Builder> {
  private static final long serialVersionUID = 2L;

  /**
   * Relative cut-off of the rank-revealing inner solve at λ = 0: singular values of W½A at or
   * below rankTolerance·σ_max count as zero, C is the minimum-norm solution over the rest, and
   * the run goes on with the rank reported. 0 takes n·ε ({@link InnerSolver#defaultRankTolerance}).
   */
  public final double rankTolerance;
  public final HessianKind hessian;
  public final StepMethod step;
  /** Marquardt scaling M = diag(H) instead of M = I. */
  public final boolean diagonalScaling;

  /** The least-squares options: every driver option, then the step's. */
  public static final List<OptionSpec<LmOptions<?, ?>, LmOptions.Builder<?, ?>>> SPECS;

  static {
    List<OptionSpec<LmOptions<?, ?>, LmOptions.Builder<?, ?>>> s = new ArrayList<>(DRIVER);
    s.add(OptionSpec.real("rank-tolerance", "relative singular-value cut-off of the λ = 0 inner solve (0 = n·ε)", 0,
        o -> ((SolverOptions) o).rankTolerance, (b, v) -> ((Builder) b).rankTolerance(v), v -> v >= 0 && v < 1,
        "be in [0, 1)"));
    s.add(OptionSpec.choice("hessian", "Gauss-Newton matrix: kaufman or golub-pereyra", HessianKind.KAUFMAN,
        o -> ((SolverOptions) o).hessian, (b, v) -> ((Builder) b).hessian(v), HessianKind::parse, null, null));
    s.add(OptionSpec.choice("step", "step solve: auto, factor, gram, dual or matrix-free", StepMethod.AUTO,
        o -> ((SolverOptions) o).step, (b, v) -> ((Builder) b).step(v), StepMethod::parse, null, null));
    s.add(OptionSpec.bool("diagonal-scaling", "Marquardt scaling by diag(H) instead of the identity", false,
        o -> ((SolverOptions) o).diagonalScaling, (b, v) -> ((Builder) b).diagonalScaling(v)));
    SPECS = List.copyOf(s);
  }

  private static final Kind<SolverOptions, Builder> KIND = new Kind<>(SPECS, Builder::new, SolverOptions::new);

  private SolverOptions(Builder b) {
    super(b);
    rankTolerance = b.rankTolerance;
    hessian = b.hessian;
    step = b.step;
    diagonalScaling = b.diagonalScaling;
  }

  /** A builder at the declared defaults. */
  public static Builder builder() {
    return KIND.builder();
  }

  /** The declared defaults. */
  public static SolverOptions defaults() {
    return builder().build();
  }

  @Override
  protected void crossChecks() {
    require(step != StepMethod.MATRIX_FREE || (hessian == HessianKind.KAUFMAN && !diagonalScaling),
        "step = matrix-free needs hessian = kaufman and diagonal-scaling = false");
  }

  /** The builder of {@link SolverOptions}: the driver's setters and the step's. */
  public static final class Builder extends LmOptions.Builder<SolverOptions, Builder> {
    private double rankTolerance;
    private HessianKind hessian;
    private StepMethod step;
    private boolean diagonalScaling;

    private Builder() {
      super(KIND);
    }

    public Builder rankTolerance(double v) {
      rankTolerance = v;
      return this;
    }

    public Builder hessian(HessianKind v) {
      hessian = v;
      return this;
    }

    public Builder step(StepMethod v) {
      step = v;
      return this;
    }

    public Builder diagonalScaling(boolean v) {
      diagonalScaling = v;
      return this;
    }
  }
}
