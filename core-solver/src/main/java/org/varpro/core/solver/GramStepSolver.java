package org.varpro.core.solver;

import org.varpro.core.linalg.Lapack;

/** Step from a p×p Gauss-Newton matrix: SHS = VΛVᵀ, δ̃(μ) = −V(Λ + μ)⁻¹VᵀSg. */
final class GramStepSolver extends StepSolver {
  private final double[] vectors;
  private final double[] eigenvalues;
  private final double[] vtsg;

  GramStepSolver(double[] h, double[] gradient, boolean diagonalScaling) {
    super(gradient, diagonalOf(h, gradient.length), diagonalScaling);
    int p = params;
    double[] hs = new double[p * p];
    for (int j = 0; j < p; j++) {
      for (int i = 0; i < p; i++) {
        hs[i + j * p] = h[i + j * p] * scale[i] * scale[j];
      }
    }
    this.eigenvalues = Lapack.symmetricEigen(hs, p);
    this.vectors = hs;
    double[] sg = scaled(gradient);
    this.vtsg = new double[p];
    Lapack.gemm(true, false, p, 1, p, 1.0, vectors, 0, p, sg, 0, p, 0.0, vtsg, 0, p);
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
    int p = params;
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
