package org.varpro.core.solver;

import java.util.ArrayList;
import java.util.List;

/**
 * Every knob of VarPro least squares: the driver's ({@link LmOptions}) and the least-squares
 * step's, each declared once in {@link #SPECS} (the {@code solver} section of a regression or
 * PDE configuration; documented key by key in conf/heat.conf).
 */
public final class SolverOptions extends LmOptions {
  private static final long serialVersionUID = 2L;

  /**
   * Relative cut-off of the rank-revealing inner solve at λ = 0: singular values of W½A at or
   * below rankTolerance·σ_max count as zero, C is the minimum-norm solution over the rest, and
   * the run goes on with the rank reported. 0 takes n·ε ({@link InnerSolver#defaultRankTolerance}).
   */
  public double rankTolerance = 0;
  public HessianKind hessian = HessianKind.KAUFMAN;
  public StepMethod step = StepMethod.AUTO;
  /** Marquardt scaling M = diag(H) instead of M = I. */
  public boolean diagonalScaling = false;

  /** The least-squares options: every driver option, then the step's. */
  public static final List<OptionSpec<LmOptions>> SPECS;

  static {
    List<OptionSpec<LmOptions>> s = new ArrayList<>(DRIVER);
    s.add(OptionSpec.real("rank-tolerance", "relative singular-value cut-off of the λ = 0 inner solve (0 = n·ε)",
        o -> ((SolverOptions) o).rankTolerance, (o, v) -> ((SolverOptions) o).rankTolerance = v,
        v -> v >= 0 && v < 1, "be in [0, 1)"));
    s.add(OptionSpec.choice("hessian", "Gauss-Newton matrix: kaufman or golub-pereyra",
        o -> ((SolverOptions) o).hessian, (o, v) -> ((SolverOptions) o).hessian = v, HessianKind::parse, null, null));
    s.add(OptionSpec.choice("step", "step solve: auto, factor, gram, dual or matrix-free",
        o -> ((SolverOptions) o).step, (o, v) -> ((SolverOptions) o).step = v, StepMethod::parse, null, null));
    s.add(OptionSpec.bool("diagonal-scaling", "Marquardt scaling by diag(H) instead of the identity",
        o -> ((SolverOptions) o).diagonalScaling, (o, v) -> ((SolverOptions) o).diagonalScaling = v));
    SPECS = declare(SolverOptions.class, s);
  }

  @Override
  protected void crossChecks() {
    super.crossChecks();
    require(step != StepMethod.MATRIX_FREE || (hessian == HessianKind.KAUFMAN && !diagonalScaling),
        "step = matrix-free needs hessian = kaufman and diagonal-scaling = false");
  }
}
