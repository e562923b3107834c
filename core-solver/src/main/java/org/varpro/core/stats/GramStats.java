package org.varpro.core.stats;

import org.varpro.core.linalg.Lapack;

/** Gram sums MᵀM: the fast mode (a dsyrk or blocked dgemm per block, addition to merge). */
public final class GramStats implements AugmentedStats {
  private static final long serialVersionUID = 1L;

  private final int cols;
  private long count;
  private final double[] g;

  public GramStats(int cols) {
    this.cols = cols;
    this.g = new double[cols * cols];
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
    return StatsKind.GRAM;
  }

  @Override
  public void addRows(double[] block, int rows) {
    Lapack.gramUpdate(block, rows, cols, g);
    count += rows;
  }

  @Override
  public AugmentedStats merge(AugmentedStats other) {
    GramStats o = (GramStats) other;
    if (o.cols != cols) {
      throw new IllegalArgumentException("cannot merge Gram sums of " + cols + " and " + o.cols + " columns");
    }
    for (int i = 0; i < g.length; i++) {
      g[i] += o.g[i];
    }
    count += o.count;
    return this;
  }

  @Override
  public Triangular triangular() {
    throw new UnsupportedOperationException("Gram sums give no triangular factor without squaring");
  }

  @Override
  public double[] gram() {
    return g.clone();
  }
}
