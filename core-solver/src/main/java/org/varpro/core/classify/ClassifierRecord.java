package org.varpro.core.classify;

import java.util.Map;

/**
 * One row of the convergence history of {@link ClassifierSolver}: the iterate's figures and
 * the step taken from it.
 *
 * @param loss the reduced objective f(θ) = min_C Σ w_i CE_i + ½λ‖C‖² at the iterate
 * @param crossEntropy Σ w_i CE_i / Σ w_i at the iterate (the weighted mean log-loss)
 * @param trainAccuracy weighted training accuracy at the iterate
 * @param innerIterations Newton iterations spent in this iteration (all trials)
 * @param cgIterations H v products spent on steps in this iteration (0 for dense)
 * @param trustRadius the radius used by the last trial (∞ when off)
 * @param extra metrics from a listener (e.g. test accuracy)
 */
public record ClassifierRecord(int iteration, double seconds, double loss, double crossEntropy,
    double trainAccuracy, double gradientNorm, double mu, double stepNorm, double gainRatio,
    boolean accepted, int rejections, int innerIterations, int cgIterations, double trustRadius,
    Map<String, Double> extra) {

  public static final String[] COLUMNS = {"iteration", "seconds", "loss", "cross_entropy",
      "train_accuracy", "gradient_norm", "mu", "step_norm", "gain_ratio", "accepted", "rejections",
      "inner_iterations", "cg_iterations", "trust_radius"};

  public Object[] values() {
    return new Object[] {iteration, seconds, loss, crossEntropy, trainAccuracy, gradientNorm, mu,
        stepNorm, gainRatio, accepted, rejections, innerIterations, cgIterations, trustRadius};
  }
}
