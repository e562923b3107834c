package org.varpro.core.solver;

/**
 * The inner solve at one θ: the output weights C(θ) (n×k, column-major), the exact reduced loss
 * f_λ(θ), and the rank diagnostics of G = AᵀWA (DESIGN §2.4).
 *
 * @param gramEigenvalues eigenvalues of G (not G + λI), ascending
 * @param effectiveRank eigenvalues above λ (λ > 0), or the numerical rank at the solve's
 *     relative cut-off (λ = 0)
 * @param rankDeficient λ = 0 and the numerical rank is below n: C is the minimum-norm solution
 *     over the singular values above the cut-off
 */
public record InnerSolution(double[] c, int features, int outputs, double lambda, double loss,
    double[] gramEigenvalues, int effectiveRank, boolean rankDeficient) {

  public double sigmaMin() {
    return gramEigenvalues.length == 0 ? 0 : Math.max(0, gramEigenvalues[0]);
  }
}
