package org.varpro.core.stats;

import org.varpro.core.linalg.Lapack;

/**
 * TSQR: the running triangular factor of the stacked rows. Adding a block or merging another
 * factor is the QR of the two stacked pieces, so the reduction is associative and RᵀR stays
 * equal to MᵀM without ever forming it (DESIGN §2.3).
 */
public final class QrStats implements AugmentedStats {
  private static final long serialVersionUID = 1L;

  private final int cols;
  private long count;
  private int rows;
  private double[] r;

  public QrStats(int cols) {
    this.cols = cols;
    this.r = new double[0];
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
    return StatsKind.QR;
  }

  @Override
  public void addRows(double[] block, int blockRows) {
    if (blockRows == 0) {
      return;
    }
    stack(block, blockRows);
    count += blockRows;
  }

  private void stack(double[] block, int blockRows) {
    if (rows == 0) {
      r = Lapack.qrFactor(block, blockRows, cols);
      rows = Math.min(blockRows, cols);
      return;
    }
    int total = rows + blockRows;
    double[] stacked = new double[total * cols];
    for (int j = 0; j < cols; j++) {
      System.arraycopy(r, j * rows, stacked, j * total, rows);
      System.arraycopy(block, j * blockRows, stacked, rows + j * total, blockRows);
    }
    r = Lapack.qrFactor(stacked, total, cols);
    rows = Math.min(total, cols);
  }

  @Override
  public AugmentedStats merge(AugmentedStats other) {
    QrStats o = (QrStats) other;
    if (o.cols != cols) {
      throw new IllegalArgumentException("cannot merge factors of " + cols + " and " + o.cols + " columns");
    }
    if (o.rows > 0) {
      stack(o.r.clone(), o.rows);
    }
    count += o.count;
    return this;
  }

  @Override
  public Triangular triangular() {
    return new Triangular(rows, cols, r.clone());
  }

  @Override
  public double[] gram() {
    double[] g = new double[cols * cols];
    Lapack.gemm(true, false, cols, cols, rows, 1.0, r, 0, rows, r, 0, rows, 0.0, g, 0, cols);
    return g;
  }
}
