package org.varpro.core.solver;

import org.varpro.core.linalg.Lapack;

/**
 * Step from a p×p Gauss-Newton matrix H (Gram statistics): each trial μ solves
 * (SHS + μI)δ̃ = −Sg by the Cholesky factorization of SHS + μI (⅓p³ flops) and two triangular
 * solves. A Levenberg-Marquardt iteration tries one μ, seldom more than a few, and one Cholesky
 * costs a small fraction of the eigendecomposition SHS = VΛVᵀ that would serve every μ
 * (measured at p = 2000 on one core: dpotrf 0.22 s, dsyevd 3.8 s, both under the same load):
 * the step solve is on the driver's critical path of every iteration (docs/scaling.md).
 *
 * <p>The eigendecomposition stays the fall-back, computed at most once per linearization, where
 * the Cholesky has nothing to factor: μ = 0, and a shifted matrix that rounding leaves not
 * positive definite (SHS is positive semi-definite only up to rounding when μ is below its
 * rounding level). Then δ̃ = −V(max(Λ, 0) + μ)⁻¹VᵀSg, the negative eigenvalues that rounding
 * leaves taken as 0. Where the Cholesky succeeds both solve the same damped system, each to a
 * backward error of a few ε‖SHS‖.
 */
final class GramStepSolver extends StepSolver {
  /** SHS, upper triangle and diagonal used. */
  private final double[] hs;
  /** Sg. */
  private final double[] sg;
  /** The eigendecomposition of SHS, once a trial needed it. */
  private double[] vectors;
  private double[] eigenvalues;
  private double[] vtsg;

  GramStepSolver(double[] h, double[] gradient, boolean diagonalScaling) {
    super(gradient, diagonalOf(h, gradient.length), diagonalScaling);
    int p = params;
    this.hs = new double[p * p];
    for (int j = 0; j < p; j++) {
      for (int i = 0; i <= j; i++) {
        hs[i + j * p] = h[i + j * p] * scale[i] * scale[j];
      }
    }
    this.sg = scaled(gradient);
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
    if (mu > 0) {
      double[] d = dampedCholesky(mu);
      if (d != null) {
        return d;
      }
    }
    return fromEigen(mu);
  }

  /** δ̃ from the Cholesky factor U of SHS + μI: UᵀUδ̃ = −Sg; null when dpotrf finds no factor. */
  private double[] dampedCholesky(double mu) {
    int p = params;
    double[] u = new double[p * p];
    for (int j = 0; j < p; j++) {
      System.arraycopy(hs, j * p, u, j * p, j + 1);
      u[j + j * p] += mu;
    }
    if (!Lapack.cholesky(u, p)) {
      return null;
    }
    double[] d = new double[p];
    for (int q = 0; q < p; q++) {
      d[q] = -sg[q];
    }
    Lapack.triangularSolve(true, u, 0, p, p, d, 0, p, 1);
    Lapack.triangularSolve(false, u, 0, p, p, d, 0, p, 1);
    return d;
  }

  /** δ̃ = −V(max(Λ, 0) + μ)⁻¹VᵀSg, a direction with a zero denominator left out. */
  private double[] fromEigen(double mu) {
    int p = params;
    if (vectors == null) {
      double[] a = hs.clone();
      eigenvalues = Lapack.symmetricEigen(a, p);
      vectors = a;
      vtsg = new double[p];
      Lapack.gemm(true, false, p, 1, p, 1.0, vectors, 0, p, sg, 0, p, 0.0, vtsg, 0, p);
    }
    double[] w = new double[p];
    for (int i = 0; i < p; i++) {
      // Rounding can leave tiny negative eigenvalues of a positive semi-definite matrix.
      double den = Math.max(eigenvalues[i], 0) + mu;
      w[i] = den > 0 ? -vtsg[i] / den : 0;
    }
    double[] d = new double[p];
    Lapack.gemm(false, false, p, 1, p, 1.0, vectors, 0, p, w, 0, p, 0.0, d, 0, p);
    return d;
  }
}
