package org.varpro.core.solver;

import org.varpro.core.linalg.Lapack;

/**
 * The dual (Woodbury) step for fewer rows than parameters: with the projected Jacobian J
 * (m×p) and residual r, δ̃ = −(JS)ᵀ(K + μI)⁻¹ r with K = (JS)(JS)ᵀ, so only m×m systems are
 * solved.
 *
 * <p>Each damping μ > 0 is one Cholesky factorization of K + μI (m³/3 flops). An
 * eigen-decomposition of K would make every further μ a cheap re-solve, but it costs about 25×
 * one factorization and LM tries one or two μ per iteration: on conf/heat-deep.conf
 * (m = 1,069) dsyevd alone took 43% of the solver's time. The eigen-decomposition is still the
 * fallback, computed once per iterate, when K + μI is not numerically positive definite (μ
 * below the rounding level of K) or μ = 0; there the negative rounding eigenvalues of K are
 * clipped to zero and directions with no curvature get no step.
 */
final class DualStepSolver extends StepSolver {
  private final double[] js;
  private final int rows;
  private final double[] kernel;
  private final double[] residual;
  private double[] vectors;
  private double[] eigenvalues;

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
    this.kernel = new double[rows * rows];
    Lapack.gramUpdateTransposed(js, rows, p, kernel);
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
    double[] z = mu > 0 && !eigen ? choleskySolve(mu) : null;
    if (z == null) {
      z = eigenSolve(mu);
    }
    double[] d = new double[params];
    Lapack.gemm(true, false, params, 1, rows, -1.0, js, 0, rows, z, 0, rows, 0.0, d, 0, params);
    return d;
  }

  /** (K + μI)⁻¹ r by Cholesky, or null when K + μI is not numerically positive definite. */
  private double[] choleskySolve(double mu) {
    double[] u = kernel.clone();
    for (int i = 0; i < rows; i++) {
      u[i + i * rows] += mu;
    }
    if (!Lapack.cholesky(u, rows)) {
      return null;
    }
    double[] z = residual.clone();
    Lapack.triangularSolve(true, u, 0, rows, rows, z, 0, rows, 1);
    Lapack.triangularSolve(false, u, 0, rows, rows, z, 0, rows, 1);
    return z;
  }

  /** V·diag(1/(max(λ_i, 0) + μ))·Vᵀr from the eigen-decomposition K = VΛVᵀ (computed once). */
  private double[] eigenSolve(double mu) {
    if (vectors == null) {
      double[] v = kernel.clone();
      eigenvalues = Lapack.symmetricEigen(v, rows);
      vectors = v;
    }
    double[] vtr = new double[rows];
    Lapack.gemm(true, false, rows, 1, rows, 1.0, vectors, 0, rows, residual, 0, rows, 0.0, vtr, 0, rows);
    for (int i = 0; i < rows; i++) {
      double den = Math.max(eigenvalues[i], 0) + mu;
      vtr[i] = den > 0 ? vtr[i] / den : 0;
    }
    double[] z = new double[rows];
    Lapack.gemm(false, false, rows, 1, rows, 1.0, vectors, 0, rows, vtr, 0, rows, 0.0, z, 0, rows);
    return z;
  }
}
