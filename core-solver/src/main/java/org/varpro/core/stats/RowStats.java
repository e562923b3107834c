package org.varpro.core.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.varpro.core.linalg.Lapack;

/**
 * The rows themselves, concatenated in order (merge appends). For the dual step solve, which
 * needs the projected Jacobian rows, when there are fewer rows than parameters.
 */
public final class RowStats implements AugmentedStats {
  private static final long serialVersionUID = 1L;

  private final int cols;
  private final List<double[]> blocks = new ArrayList<>();
  private final List<Integer> blockRows = new ArrayList<>();
  private long count;

  public RowStats(int cols) {
    this.cols = cols;
  }

  @Override
  public int cols() {
    return cols;
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public StatsKind kind() {
    return StatsKind.ROWS;
  }

  @Override
  public void addRows(double[] block, int rows) {
    if (rows == 0) {
      return;
    }
    // The caller lends the array for the call only (AugmentedStats#addRows): keep a copy.
    blocks.add(Arrays.copyOf(block, rows * cols));
    blockRows.add(rows);
    count += rows;
  }

  @Override
  public AugmentedStats merge(AugmentedStats other) {
    RowStats o = (RowStats) other;
    blocks.addAll(o.blocks);
    blockRows.addAll(o.blockRows);
    count += o.count;
    return this;
  }

  /** All rows as one column-major (count × cols) matrix. */
  public double[] matrix() {
    int m = Math.toIntExact(count);
    double[] out = new double[m * cols];
    int at = 0;
    for (int b = 0; b < blocks.size(); b++) {
      int r = blockRows.get(b);
      double[] blk = blocks.get(b);
      for (int j = 0; j < cols; j++) {
        System.arraycopy(blk, j * r, out, at + j * m, r);
      }
      at += r;
    }
    return out;
  }

  @Override
  public Triangular triangular() {
    int m = Math.toIntExact(count);
    return new Triangular(Math.min(m, cols), cols, Lapack.qrFactor(matrix(), m, cols));
  }

  @Override
  public double[] gram() {
    double[] g = new double[cols * cols];
    Lapack.gramUpdate(matrix(), Math.toIntExact(count), cols, g);
    return g;
  }
}
