package org.varpro.core.baseline;

import java.util.List;

/**
 * What a baseline optimizer returns: the fitted separable model and its loss history.
 *
 * @param name method label, e.g. "adam(lr=0.003)"
 * @param theta hidden parameters
 * @param c output weights, n×k column-major
 * @param loss F(θ, C) at the returned iterate
 * @param iterations optimizer iterations taken (0 for a closed-form fit)
 * @param seconds wall-clock seconds spent
 * @param history the loss along the way, one point per iteration (the first at iteration 0)
 * @param stopReason why the run ended: one of the {@code STOP_*} constants
 */
public record BaselineResult(String name, double[] theta, double[] c, double loss, int iterations,
    double seconds, List<Point> history, String stopReason) {
  public static final String STOP_TIME_BUDGET = "time_budget";
  public static final String STOP_MAX_ITERATIONS = "max_iterations";
  public static final String STOP_NON_FINITE = "non_finite";
  /** The line search found no lower loss, even along steepest descent (L-BFGS). */
  public static final String STOP_NO_PROGRESS = "no_progress";
  public static final String STOP_ZERO_GRADIENT = "zero_gradient";
  /** Not iterative (ELM). */
  public static final String STOP_CLOSED_FORM = "closed_form";

  /** Loss after {@code iteration} iterations, {@code seconds} after the start. */
  public record Point(int iteration, double seconds, double loss) {}
}
