package org.varpro.core.solver;

import org.varpro.core.linalg.Lapack;
import org.varpro.core.linalg.Svd;

/**
 * Step from the stacked triangular blocks: min ‖Jδ − b‖² + μ‖S⁻¹δ‖² with J = [R22; R11⁻ᵀE]
 * (the Kaufman rows, plus Golub-Pereyra rows when asked) and b = [R2y; 0]. H = JᵀJ is never
 * formed: the SVD J S = UΣVᵀ gives δ̃(μ) = V·diag(σ/(σ²+μ))·Uᵀb for every μ.
 */
final class FactorStepSolver extends StepSolver {
  private final Svd svd;
  private final double[] utb;

  private FactorStepSolver(double[] gradient, double[] diag, boolean diagonalScaling, double[] j,
      int rows, double[] b) {
    super(gradient, diag, diagonalScaling);
    int p = params;
    double[] js = new double[rows * p];
    for (int q = 0; q < p; q++) {
      for (int i = 0; i < rows; i++) {
        js[i + q * rows] = j[i + q * rows] * scale[q];
      }
    }
    double[] rhs = b.clone();
    int m = rows;
    if (rows > p) {
      // Compress the tall stack: the R factor of [JS | b] keeps the same least-squares steps.
      double[] aug = new double[rows * (p + 1)];
      System.arraycopy(js, 0, aug, 0, rows * p);
      System.arraycopy(b, 0, aug, rows * p, rows);
      double[] r = Lapack.qrFactor(aug, rows, p + 1);
      int rr = Math.min(rows, p + 1);
      js = new double[p * p];
      rhs = new double[p];
      for (int q = 0; q < p; q++) {
        System.arraycopy(r, q * rr, js, q * p, Math.min(q + 1, p));
      }
      System.arraycopy(r, p * rr, rhs, 0, p);
      m = p;
    }
    this.svd = Lapack.svd(js, m, p);
    int k = svd.rank();
    this.utb = new double[k];
    Lapack.gemm(true, false, k, 1, m, 1.0, svd.u(), 0, m, rhs, 0, m, 0.0, utb, 0, k);
  }

  /** @param j stacked rows (rows × p), b right-hand side; g = −Jᵀb, diag(H) = column norms². */
  static FactorStepSolver of(double[] j, int rows, int p, double[] b, boolean diagonalScaling) {
    double[] g = new double[p];
    double[] diag = new double[p];
    for (int q = 0; q < p; q++) {
      double s = 0;
      double d = 0;
      for (int i = 0; i < rows; i++) {
        double v = j[i + q * rows];
        s -= v * b[i];
        d += v * v;
      }
      g[q] = s;
      diag[q] = d;
    }
    return new FactorStepSolver(g, diag, diagonalScaling, j, rows, b);
  }

  @Override
  protected double[] solveScaled(double mu) {
    int k = svd.rank();
    double[] w = new double[k];
    for (int i = 0; i < k; i++) {
      double s = svd.s()[i];
      double den = s * s + mu;
      w[i] = den > 0 ? s * utb[i] / den : 0;
    }
    double[] d = new double[params];
    Lapack.gemm(true, false, params, 1, k, 1.0, svd.vt(), 0, k, w, 0, k, 0.0, d, 0, params);
    return d;
  }
}
