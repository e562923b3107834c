package org.varpro.core.stats;

import java.util.ArrayList;
import java.util.List;
import org.varpro.core.linalg.Lapack;

/**
 * TSQR: the running triangular factor of the stacked rows. Adding a block or merging another
 * factor is the QR of the two stacked pieces, so the reduction is associative and RᵀR stays
 * equal to MᵀM without ever forming it (DESIGN §2.3).
 *
 * <p>Small blocks are not factored one by one: the QR of the c×c factor stacked on b new rows
 * costs 2(c + b)c² − ⅔c³ flops (dgeqrf does not see the triangle), against 2bc² − ⅔c³ for the
 * first b rows alone, so each extra factorization wastes about 2c³ − ⅔c³ = (4/3)c³. Rows (and
 * merged factors) therefore wait in a buffer until {@link #BUFFER_FACTOR}·c rows are pending,
 * which keeps that overhead at most (4/3)c³ / (2·8c·c²) ≈ 8% of the useful work; reading the
 * factor stacks the pending rows in a copy, so when a summary is read never changes a result, and
 * a summary is serialized (shipped as a Spark task's result) with its pending rows, so a shipped
 * and a local summary go on identically (the tree merges of Spark and of PartitionedEvaluator
 * stay bit for bit the same). A
 * PDE problem's row groups (900 interior + 80 boundary + 40 initial rows for heat, c = 258 in
 * the Jacobian pass) become one factorization instead of three. Blocks of 8c rows or more are
 * factored as they come, as before.
 */
public final class QrStats implements AugmentedStats {
  private static final long serialVersionUID = 2L;
  /** Rows pending before a factorization, in multiples of the column count. */
  static final int BUFFER_FACTOR = 8;

  private final int cols;
  private long count;
  private int rows;
  private double[] r;
  /** Blocks (column-major) waiting to be stacked under r, and their row counts. */
  private final List<double[]> pending = new ArrayList<>();
  private final List<Integer> pendingCounts = new ArrayList<>();
  private int pendingRows;
  /** The factor with the pending rows, once read; null when rows came since. */
  private transient Triangular view;

  public QrStats(int cols) {
    this.cols = cols;
    this.r = new double[0];
  }

  /** A summary holding the factor R of {@code count} rows already folded (RᵀR = MᵀM). */
  public static QrStats ofFactor(Triangular factor, long count) {
    QrStats s = new QrStats(factor.cols());
    s.r = factor.r().clone();
    s.rows = factor.rows();
    s.count = count;
    return s;
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
    enqueue(block, blockRows);
    count += blockRows;
  }

  private void enqueue(double[] block, int blockRows) {
    pending.add(block);
    pendingCounts.add(blockRows);
    pendingRows += blockRows;
    view = null;
    if (pendingRows >= BUFFER_FACTOR * cols) {
      Triangular t = factorWithPending();
      r = t.r();
      rows = t.rows();
      pending.clear();
      pendingCounts.clear();
      pendingRows = 0;
    }
  }

  /**
   * The factor of r stacked on the pending blocks, in the order they came. Reading it does not
   * change the state (the next rows are still stacked on r and the pending blocks), so results
   * never depend on whether, or when, a summary was looked at.
   */
  private Triangular factorWithPending() {
    if (pendingRows == 0) {
      return new Triangular(rows, cols, r);
    }
    int total = rows + pendingRows;
    double[] stacked;
    if (rows == 0 && pending.size() == 1) {
      stacked = pending.get(0).clone();
    } else {
      stacked = new double[total * cols];
      for (int j = 0; j < cols; j++) {
        System.arraycopy(r, j * rows, stacked, j * total, rows);
        int at = rows;
        for (int b = 0; b < pending.size(); b++) {
          int h = pendingCounts.get(b);
          System.arraycopy(pending.get(b), j * h, stacked, at + j * total, h);
          at += h;
        }
      }
    }
    return new Triangular(Math.min(total, cols), cols, Lapack.qrFactor(stacked, total, cols));
  }

  /** {@link #factorWithPending()}, kept until the next rows come. */
  private Triangular view() {
    if (view == null) {
      view = factorWithPending();
    }
    return view;
  }

  @Override
  public AugmentedStats merge(AugmentedStats other) {
    QrStats o = (QrStats) other;
    if (o.cols != cols) {
      throw new IllegalArgumentException("cannot merge factors of " + cols + " and " + o.cols + " columns");
    }
    Triangular t = o.view();
    if (t.rows() > 0) {
      enqueue(t.r().clone(), t.rows());
    }
    count += o.count;
    return this;
  }

  @Override
  public Triangular triangular() {
    Triangular t = view();
    return new Triangular(t.rows(), cols, t.r().clone());
  }

  @Override
  public double[] gram() {
    Triangular t = view();
    double[] g = new double[cols * cols];
    Lapack.gemm(true, false, cols, cols, t.rows(), 1.0, t.r(), 0, t.rows(), t.r(), 0, t.rows(), 0.0, g, 0, cols);
    return g;
  }
}
