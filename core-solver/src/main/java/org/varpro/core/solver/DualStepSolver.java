package org.varpro.core.solver;

import org.varpro.core.linalg.Lapack;

/**
 * The dual (Woodbury) step for fewer rows than parameters: with the projected Jacobian J
 * (m×p) and residual r, δ̃ = −(JS)ᵀ(K + μI)⁻¹ r with K = (JS)(JS)ᵀ, so only m×m systems are
 * solved.
 *
 * <p>Each damping μ > 0 is one Cholesky factorization of K + μI (m³/3 flops), the
 * eigen-decomposition of K only the fall-back ({@link ShiftedSymmetricSolve}): on
 * conf/heat-deep.conf (m = 1,069) dsyevd per iterate had taken 43% of the solver's time.
 */
final class DualStepSolver extends StepSolver {
  private final double[] js;
  private final int rows;
  private final ShiftedSymmetricSolve kernel;
  private final double[] residual;

  private DualStepSolver(double[] gradient, double[] diag, boolean diagonalScaling, double[] j,
      int rows, double[] r) {
    super(gradient, diag, diagonalScaling);
    this.rows = rows;
    int p = params;
    this.js = new double[rows * p];
    for (int q = 0; q < p; q++) {
      for (int i = 0; i < rows; i++) {
        js[i + q * rows] = j[i + q * rows] * scale[q];
      }
    }
    double[] k = new double[rows * rows];
    Lapack.gramUpdateTransposed(js, rows, p, k);
    this.kernel = new ShiftedSymmetricSolve(k, rows);
    this.residual = r.clone();
  }

  /** @param j projected Jacobian rows (rows × p), r the residual: g = Jᵀr. */
  static DualStepSolver of(double[] j, int rows, int p, double[] r, boolean diagonalScaling) {
    double[] g = new double[p];
    double[] diag = new double[p];
    for (int q = 0; q < p; q++) {
      double s = 0;
      double d = 0;
      for (int i = 0; i < rows; i++) {
        double v = j[i + q * rows];
        s += v * r[i];
        d += v * v;
      }
      g[q] = s;
      diag[q] = d;
    }
    return new DualStepSolver(g, diag, diagonalScaling, j, rows, r);
  }

  @Override
  protected double[] solveScaled(double mu) {
    return solveScaled(mu, false);
  }

  /** δ̃ for μ; {@code eigen} forces the fallback (for tests of both solves). */
  double[] solveScaled(double mu, boolean eigen) {
    double[] z = eigen ? kernel.byEigen(mu, residual) : kernel.solve(mu, residual);
    double[] d = new double[params];
    Lapack.gemm(true, false, params, 1, rows, -1.0, js, 0, rows, z, 0, rows, 0.0, d, 0, params);
    return d;
  }
}
