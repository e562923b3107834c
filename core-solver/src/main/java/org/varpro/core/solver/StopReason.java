package org.varpro.core.solver;

/** Why the solver stopped. */
public enum StopReason {
  GRADIENT_TOLERANCE, LOSS_TOLERANCE, RELATIVE_TOLERANCE, MAX_ITERATIONS, TIME_BUDGET,
  /**
   * Every trial of an iteration raised the loss by more than its rounding level (or the step
   * vanished) until max-rejections: the model is wrong at every damping tried.
   */
  STALLED,
  /**
   * λ = 0, the features lost rank and the step method needs G (or R11) invertible (gram,
   * matrix-free, Golub-Pereyra): the solver stops and says so. The factor and dual steps go on
   * with the minimum-norm C and report the rank instead.
   */
  RANK_DEFICIENT,
  /** The loss became NaN or infinite. */
  NON_FINITE,
  /** The held-out validation score stopped improving (validation patience exhausted). */
  VALIDATION
}
