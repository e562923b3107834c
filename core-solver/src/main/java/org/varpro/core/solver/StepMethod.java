package org.varpro.core.solver;

import java.util.Locale;
import org.varpro.core.stats.StatsKind;

/** How the damped step is solved, and so which statistics pass 2 gathers. */
public enum StepMethod {
  /** Factor when there are at least as many rows as parameters, dual otherwise. */
  AUTO,
  /** SVD of the stacked R22 blocks of the TSQR factor (stable, the default). */
  FACTOR,
  /** Eigen-decomposition of the Schur complement of Gram sums (fast, squared conditioning). */
  GRAM,
  /** m×m dual (Woodbury) form from the projected rows. */
  DUAL,
  /** Truncated CG on products H_K v, each a pass over the rows; no p×p matrix (large p). */
  MATRIX_FREE;

  public static StepMethod parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown step method '" + s + "' (expected auto, factor, gram, dual or matrix-free)");
    }
  }

  /**
   * The concrete method for a problem of this shape: matrix-free above {@code matrixFreeThreshold}
   * parameters when the step needs neither diag(H) nor the Golub-Pereyra sums, which it cannot
   * form; otherwise a dense form.
   */
  public StepMethod resolve(long rows, int outputs, int features, int params, StatsKind statistics,
      int matrixFreeThreshold, boolean kaufmanUnscaled) {
    if (this != AUTO) {
      return this;
    }
    if (params > matrixFreeThreshold && kaufmanUnscaled) {
      return MATRIX_FREE;
    }
    if (statistics == StatsKind.GRAM) {
      return GRAM;
    }
    return rows * outputs + features < params ? DUAL : FACTOR;
  }

  public StatsKind statistics() {
    return switch (this) {
      case FACTOR -> StatsKind.QR;
      case GRAM -> StatsKind.GRAM;
      case DUAL -> StatsKind.ROWS;
      // No pass-2 summary: the products are separate passes.
      case MATRIX_FREE -> null;
      case AUTO -> throw new IllegalStateException("resolve AUTO first");
    };
  }
}
