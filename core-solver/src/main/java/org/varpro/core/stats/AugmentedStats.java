package org.varpro.core.stats;

import java.io.Serializable;

/**
 * A summary of the stacked weighted rows M (rows × cols) of a pass, e.g. M = [W½A | W½D | W½y].
 * It is an associative reduction: start empty, add blocks of rows, merge partial summaries in
 * any tree. A fixed order of adds and merges gives bit-identical results.
 */
public interface AugmentedStats extends Serializable {
  int cols();

  /** Rows folded in so far. */
  long count();

  /** Folds in a block (rows × cols, column-major); the summary takes the array over (it may keep and overwrite it). */
  void addRows(double[] block, int rows);

  /** Folds in another summary of the same kind and width; returns this. */
  AugmentedStats merge(AugmentedStats other);

  StatsKind kind();

  /**
   * An upper-trapezoidal R (rank-revealing size: min(rows, cols) × cols) with RᵀR = MᵀM.
   * Only the QR and ROWS kinds can give one without squaring the condition number.
   */
  Triangular triangular();

  /** MᵀM (cols × cols). */
  double[] gram();
}
