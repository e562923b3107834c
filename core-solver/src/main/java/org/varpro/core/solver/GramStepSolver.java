package org.varpro.core.solver;

/**
 * Step from a p×p Gauss-Newton matrix H (Gram statistics): each trial μ solves
 * (SHS + μI)δ̃ = −Sg ({@link ShiftedSymmetricSolve}: a Cholesky factorization per trial, the
 * eigendecomposition only as the fall-back). The step solve is on the driver's critical path of
 * every iteration; at p = 2000 the Cholesky took it from about 1.1 s to 0.15 s
 * (docs/scaling.md).
 */
final class GramStepSolver extends StepSolver {
  private final ShiftedSymmetricSolve shifted;
  /** −Sg. */
  private final double[] rhs;

  GramStepSolver(double[] h, double[] gradient, boolean diagonalScaling) {
    super(gradient, diagonalOf(h, gradient.length), diagonalScaling);
    int p = params;
    double[] hs = new double[p * p];
    for (int j = 0; j < p; j++) {
      for (int i = 0; i <= j; i++) {
        hs[i + j * p] = h[i + j * p] * scale[i] * scale[j];
      }
    }
    this.shifted = new ShiftedSymmetricSolve(hs, p);
    this.rhs = scaled(gradient);
    for (int q = 0; q < p; q++) {
      rhs[q] = -rhs[q];
    }
  }

  private static double[] diagonalOf(double[] h, int p) {
    double[] d = new double[p];
    for (int q = 0; q < p; q++) {
      d[q] = h[q + q * p];
    }
    return d;
  }

  @Override
  protected double[] solveScaled(double mu) {
    return shifted.solve(mu, rhs);
  }
}
