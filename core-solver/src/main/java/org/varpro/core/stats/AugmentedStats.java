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

  /**
   * Folds in a block: the first rows × cols numbers of {@code block}, column-major with leading
   * dimension {@code rows} (the array may be longer).
   *
   * <p><b>The array is lent for the call only.</b> The summary may overwrite it as workspace,
   * but keeps no reference to it once the call returns (rows it must keep, it copies), so the
   * caller may refill the same array with the next block. A pass's fold therefore needs one
   * block buffer per partition instead of a new array per block (at N = 2042 and 2048 rows a
   * block is 33 MB, a humongous object for G1 whose garbage started a concurrent marking cycle
   * every few blocks).
   */
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
