package org.varpro.core.solver;

import java.util.Map;

/**
 * One row of the convergence history (DESIGN §2.7). The iterate's own figures (loss, gradient,
 * rank, principal angle to the previous iterate) and the step taken from it.
 *
 * @param rayleigh the Kurdyka-Łojasiewicz / PL ratio ‖g‖²/‖r‖² with ‖r‖² = 2·loss
 * @param principalAngle largest principal angle (radians) between span(A) at this and the
 *     previous iterate, NaN when not computed
 * @param extra the problem's own figures (for classification cross_entropy, train_accuracy,
 *     inner_iterations, cg_iterations, trust_radius) followed by a listener's metrics (e.g.
 *     validation or PDE error)
 */
public record IterationRecord(int iteration, double seconds, double loss, double gradientNorm,
    double rayleigh, double mu, double lambda, double stepNorm, double gainRatio, boolean accepted,
    int rejections, double sigmaMinG, int effectiveRank, double principalAngle,
    Map<String, Double> extra) {

  public static final String[] COLUMNS = {"iteration", "seconds", "loss", "gradient_norm", "rayleigh",
      "mu", "lambda", "step_norm", "gain_ratio", "accepted", "rejections", "sigma_min_g",
      "effective_rank", "principal_angle"};

  /** An extra figure by name, NaN when absent. */
  public double figure(String name) {
    Double v = extra.get(name);
    return v == null ? Double.NaN : v;
  }

  public Object[] values() {
    return new Object[] {iteration, seconds, loss, gradientNorm, rayleigh, mu, lambda, stepNorm,
        gainRatio, accepted, rejections, sigmaMinG, effectiveRank, principalAngle};
  }
}
