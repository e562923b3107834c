package org.varpro.core.solver;

import org.varpro.core.linalg.Lapack;

/**
 * Solves (A + μI)x = b for a symmetric positive semi-definite n×n A (only its upper triangle is
 * read) and the damping μ of each Levenberg-Marquardt trial: the Gram step's SHS (p×p) and the
 * dual step's K (m×m).
 *
 * <p>Each μ > 0 is one Cholesky factorization of A + μI (⅓n³ flops) and two triangular solves.
 * An eigendecomposition A = VΛVᵀ would make every further μ a cheap re-solve, but it costs
 * many factorizations (dsyevd at n = 2000, one core: 3.8 s against 0.22 s for dpotrf under the
 * same load; about 25× at n = 1,069) and LM tries one or two μ per iteration. The
 * eigendecomposition stays the fall-back, computed at most once, where the Cholesky has nothing
 * to factor: μ = 0, and A + μI not numerically positive definite (μ below A's rounding level,
 * which can leave A's smallest eigenvalues slightly negative). There
 * x = V(max(Λ, 0) + μ)⁻¹Vᵀb, the negative eigenvalues taken as 0 and a direction with a zero
 * denominator left out. Where the Cholesky succeeds, both solve the same system to a backward
 * error of a few ε‖A‖.
 */
final class ShiftedSymmetricSolve {
  private final double[] a;
  private final int n;
  private double[] vectors;
  private double[] eigenvalues;

  /** @param a the n×n matrix (column-major, upper triangle read), kept, not copied */
  ShiftedSymmetricSolve(double[] a, int n) {
    this.a = a;
    this.n = n;
  }

  /** (A + μI)⁻¹b: by Cholesky for μ > 0, by the eigendecomposition when that fails or μ = 0. */
  double[] solve(double mu, double[] b) {
    double[] x = mu > 0 ? byCholesky(mu, b) : null;
    return x != null ? x : byEigen(mu, b);
  }

  /** (A + μI)⁻¹b by Cholesky; null when dpotrf finds A + μI not positive definite. */
  double[] byCholesky(double mu, double[] b) {
    double[] u = new double[n * n];
    for (int j = 0; j < n; j++) {
      System.arraycopy(a, j * n, u, j * n, j + 1);
      u[j + j * n] += mu;
    }
    if (!Lapack.cholesky(u, n)) {
      return null;
    }
    double[] x = b.clone();
    Lapack.triangularSolve(true, u, 0, n, n, x, 0, n, 1);
    Lapack.triangularSolve(false, u, 0, n, n, x, 0, n, 1);
    return x;
  }

  /** V(max(Λ, 0) + μ)⁻¹Vᵀb from A = VΛVᵀ (computed on the first call). */
  double[] byEigen(double mu, double[] b) {
    if (vectors == null) {
      double[] v = a.clone();
      eigenvalues = Lapack.symmetricEigen(v, n);
      vectors = v;
    }
    double[] vtb = new double[n];
    Lapack.gemm(true, false, n, 1, n, 1.0, vectors, 0, n, b, 0, n, 0.0, vtb, 0, n);
    for (int i = 0; i < n; i++) {
      // Rounding can leave tiny negative eigenvalues of a positive semi-definite matrix.
      double den = Math.max(eigenvalues[i], 0) + mu;
      vtb[i] = den > 0 ? vtb[i] / den : 0;
    }
    double[] x = new double[n];
    Lapack.gemm(false, false, n, 1, n, 1.0, vectors, 0, n, vtb, 0, n, 0.0, x, 0, n);
    return x;
  }
}
