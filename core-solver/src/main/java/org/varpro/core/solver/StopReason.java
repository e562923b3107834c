package org.varpro.core.solver;

/** Why the solver stopped. */
public enum StopReason {
  GRADIENT_TOLERANCE, LOSS_TOLERANCE, RELATIVE_TOLERANCE, MAX_ITERATIONS, TIME_BUDGET,
  /** Every trial step was rejected: the damping ran away (typically at machine precision). */
  STALLED,
  /** λ = 0 and the features lost rank: C would be undefined, so the solver stops and says so. */
  RANK_DEFICIENT,
  /** The loss became NaN or infinite. */
  NON_FINITE,
  /** The held-out validation score stopped improving (validation patience exhausted). */
  VALIDATION
}
