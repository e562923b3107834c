package org.varpro.core.solver;

import org.varpro.core.linalg.Lapack;

/**
 * The dual (Woodbury) step for fewer rows than parameters: with the projected Jacobian J
 * (m×p) and residual r, δ̃ = −(JS)ᵀ((JS)(JS)ᵀ + μI)⁻¹ r, so only an m×m matrix is decomposed.
 */
final class DualStepSolver extends StepSolver {
  private final double[] js;
  private final int rows;
  private final double[] vectors;
  private final double[] eigenvalues;
  private final double[] utr;

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
    this.eigenvalues = Lapack.symmetricEigen(k, rows);
    this.vectors = k;
    this.utr = new double[rows];
    Lapack.gemm(true, false, rows, 1, rows, 1.0, vectors, 0, rows, r, 0, rows, 0.0, utr, 0, rows);
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
    double[] w = new double[rows];
    for (int i = 0; i < rows; i++) {
      double den = Math.max(eigenvalues[i], 0) + mu;
      w[i] = den > 0 ? utr[i] / den : 0;
    }
    double[] z = new double[rows];
    Lapack.gemm(false, false, rows, 1, rows, 1.0, vectors, 0, rows, w, 0, rows, 0.0, z, 0, rows);
    double[] d = new double[params];
    Lapack.gemm(true, false, params, 1, rows, -1.0, js, 0, rows, z, 0, rows, 0.0, d, 0, params);
    return d;
  }
}
