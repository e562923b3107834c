package org.varpro.core.solver;

import java.io.Serializable;
import org.varpro.core.stats.StatsKind;

/** Every knob of the VarPro Levenberg-Marquardt solver, with its default. */
public final class SolverOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Iteration cap. */
  public int maxIterations = 500;
  /** Wall-clock budget in seconds (checked once per iteration). */
  public double timeBudgetSeconds = Double.POSITIVE_INFINITY;
  /** Stop when ‖g‖ ≤ this (absolute; 0 disables). */
  public double gradientTolerance = 0;
  /** Stop when the reduced loss ≤ this (absolute; 0 disables). */
  public double lossTolerance = 0;
  /** Stop when accepted steps lower the loss by less than this fraction, 3 times running. */
  public double relativeTolerance = 1e-14;
  /** Stop after this many rejected trials in one iteration (the damping has run away). */
  public int maxRejections = 40;

  /** Tikhonov λ on the output weights (initial value when continuation is on). */
  public double lambda = 0;
  /** λ ← max(floor, λ·factor) after each accepted step while the rank is healthy; 1 = off. */
  public double lambdaFactor = 1;
  /** Lower bound for the continuation. */
  public double lambdaFloor = 0;
  /**
   * Relative cut-off of the rank-revealing inner solve at λ = 0: singular values of W½A at or
   * below rankTolerance·σ_max count as zero, C is the minimum-norm solution over the rest, and
   * the run goes on with the rank reported. 0 takes n·ε ({@link InnerSolver#defaultRankTolerance}).
   */
  public double rankTolerance = 0;

  public HessianKind hessian = HessianKind.KAUFMAN;
  /** Pass-1 statistics and the default for pass 2: QR (TSQR, stable) or GRAM (fast). */
  public StatsKind statistics = StatsKind.QR;
  public StepMethod step = StepMethod.AUTO;
  /** AUTO takes the matrix-free step above this many parameters (Kaufman, no diagonal scaling). */
  public int matrixFreeThreshold = 20000;
  /** Matrix-free step: CG stops at ‖(H + μI)δ + g‖ ≤ cgTolerance·‖g‖ or after cgMaxIterations products. */
  public double cgTolerance = 1e-6;
  public int cgMaxIterations = 200;
  public Damping damping = Damping.NIELSEN;
  /** Marquardt scaling M = diag(H) instead of M = I. */
  public boolean diagonalScaling = false;
  /** Nielsen: μ₀ = τ·max diag(H). */
  public double tau = 1e-3;
  /** Residual-proportional damping μ = κ‖r‖^δ. */
  public double residualKappa = 1;
  public double residualExponent = 1;
  /** Principal angles between consecutive feature subspaces (one extra forward pass). */
  public boolean principalAngles = true;
  /** With a {@link Validation}: score every this many iterations (0: never). */
  public int validationEvery = 0;
  /**
   * Draw fresh rows (new collocation points, {@link Evaluator#redraw}) every this many
   * iterations; 0 keeps the rows fixed. With more hidden parameters than rows the network can
   * interpolate a fixed point set and the error between the points stalls; points redrawn from
   * the same distribution keep every step honest about the whole domain.
   */
  public int resampleEvery = 0;
  /** Stop after this many scores in a row without improvement (0: never stop early). */
  public int validationPatience = 0;

  public SolverOptions copy() {
    SolverOptions o = new SolverOptions();
    o.maxIterations = maxIterations;
    o.timeBudgetSeconds = timeBudgetSeconds;
    o.gradientTolerance = gradientTolerance;
    o.lossTolerance = lossTolerance;
    o.relativeTolerance = relativeTolerance;
    o.maxRejections = maxRejections;
    o.lambda = lambda;
    o.lambdaFactor = lambdaFactor;
    o.lambdaFloor = lambdaFloor;
    o.rankTolerance = rankTolerance;
    o.hessian = hessian;
    o.statistics = statistics;
    o.step = step;
    o.matrixFreeThreshold = matrixFreeThreshold;
    o.cgTolerance = cgTolerance;
    o.cgMaxIterations = cgMaxIterations;
    o.damping = damping;
    o.diagonalScaling = diagonalScaling;
    o.tau = tau;
    o.residualKappa = residualKappa;
    o.residualExponent = residualExponent;
    o.principalAngles = principalAngles;
    o.validationEvery = validationEvery;
    o.validationPatience = validationPatience;
    o.resampleEvery = resampleEvery;
    return o;
  }

  /** Rejects settings that cannot work, naming the option. */
  public void validate() {
    require(maxIterations >= 0, "max-iterations must be >= 0");
    require(timeBudgetSeconds > 0, "time-budget must be > 0 seconds");
    require(lambda >= 0 && Double.isFinite(lambda), "lambda must be finite and >= 0");
    require(lambdaFactor > 0 && lambdaFactor <= 1, "lambda-factor must be in (0, 1]");
    require(lambdaFloor >= 0 && lambdaFloor <= lambda, "lambda-floor must be in [0, lambda]");
    require(rankTolerance >= 0 && rankTolerance < 1, "rank-tolerance must be in [0, 1)");
    require(tau > 0, "tau must be > 0");
    require(residualKappa > 0, "residual-kappa must be > 0");
    require(maxRejections > 0, "max-rejections must be > 0");
    require(statistics != StatsKind.ROWS, "statistics must be qr or gram");
    require(matrixFreeThreshold >= 0, "matrix-free-threshold must be >= 0");
    require(cgTolerance >= 0 && cgMaxIterations > 0, "cg-tolerance must be >= 0 and cg-max-iterations > 0");
    require(step != StepMethod.MATRIX_FREE || (hessian == HessianKind.KAUFMAN && !diagonalScaling),
        "step = matrix-free needs hessian = kaufman and diagonal-scaling = false");
    require(validationEvery >= 0, "validation-every must be >= 0");
    require(resampleEvery >= 0, "resample-every must be >= 0");
    require(validationPatience >= 0, "validation-patience must be >= 0");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
