package org.varpro.core.solver;

import java.util.ArrayList;
import java.util.List;

/**
 * Every knob of VarPro least squares, an immutable value ({@link #builder()}): the driver's
 * ({@link LmOptions}) and the least-squares step's, each declared once (the {@code solver}
 * section of a regression or PDE configuration; documented key by key in conf/heat.conf). The
 * step's options are set with {@code builder().set(SolverOptions.STEP, ...)}.
 */
public final class SolverOptions extends LmOptions<SolverOptions> {
  private static final long serialVersionUID = 3L;

  /**
   * Relative cut-off of the rank-revealing inner solve at λ = 0: singular values of W½A at or
   * below rankTolerance·σ_max count as zero, C is the minimum-norm solution over the rest, and
   * the run goes on with the rank reported. 0 takes n·ε ({@link InnerSolver#defaultRankTolerance}).
   */
  public static final OptionSpec<Double> RANK_TOLERANCE = OptionSpec.real("rank-tolerance",
      "relative singular-value cut-off of the λ = 0 inner solve (0 = n·ε)", 0, v -> v >= 0 && v < 1, "be in [0, 1)");
  public static final OptionSpec<HessianKind> HESSIAN = OptionSpec.choice("hessian",
      "Gauss-Newton matrix: kaufman or golub-pereyra", HessianKind.KAUFMAN, HessianKind::parse, null, null);
  public static final OptionSpec<StepMethod> STEP = OptionSpec.choice("step",
      "step solve: auto, factor, gram, dual or matrix-free", StepMethod.AUTO, StepMethod::parse, null, null);
  /** Marquardt scaling M = diag(H) instead of M = I. */
  public static final OptionSpec<Boolean> DIAGONAL_SCALING =
      OptionSpec.bool("diagonal-scaling", "Marquardt scaling by diag(H) instead of the identity", false);

  /** The least-squares options: every driver option, then the step's. */
  public static final List<OptionSpec<?>> SPECS;

  static {
    List<OptionSpec<?>> s = new ArrayList<>(DRIVER);
    s.addAll(List.of(RANK_TOLERANCE, HESSIAN, STEP, DIAGONAL_SCALING));
    SPECS = List.copyOf(s);
  }

  @Override
  protected void crossChecks() {
    require(get(STEP) != StepMethod.MATRIX_FREE || (get(HESSIAN) == HessianKind.KAUFMAN && !get(DIAGONAL_SCALING)),
        "step = matrix-free needs hessian = kaufman and diagonal-scaling = false");
  }

  private static final Kind<SolverOptions> KIND = new Kind<>(SolverOptions.class, SPECS, SolverOptions::new);

  private SolverOptions(Builder<SolverOptions> b) {
    super(b);
  }

  /** A builder at the declared defaults. */
  public static Builder<SolverOptions> builder() {
    return KIND.builder();
  }
}
