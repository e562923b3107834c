package org.varpro.core.stats;

import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.linalg.StackedQr;
import org.varpro.core.pass.FoldThreads;

/**
 * TSQR: the running triangular factor of the stacked rows. Adding a block or merging another
 * factor is the QR of the two stacked pieces, so the reduction is associative and RᵀR stays
 * equal to MᵀM without ever forming it (DESIGN §2.3).
 *
 * <p><b>Kernels.</b> The first rows are factored by dgeqrf. Once the factor is square (n×n),
 * new rows and merged factors go through {@link StackedQr}, which never multiplies the
 * triangle's zeros: a block of b rows costs 2n²b flops and a merge of two factors ⅔n³ (the
 * dgeqrf of the stacked matrices cost (4/3)n³ and (8/3)n³ more).
 *
 * <p><b>Buffering.</b> Rows wait in a buffer until {@link #bufferRows}(n) rows are pending, then
 * go in as one block: with one panel (n ≤ {@link StackedQr#SINGLE_PANEL_COLUMNS}: the stacked
 * dgeqrf) 8n rows, which keeps the triangle's wasted (4/3)n³ at about 8% of the useful work;
 * with several panels (no waste) n rows but at least 512, enough for the level-3 updates to run
 * at speed while the buffer stays the size of the factor. Reading the factor stacks the pending
 * rows in a copy, so when a summary is read never changes a result. A PDE problem's row groups
 * (900 interior + 80 boundary + 40 initial rows for heat) become one block instead of three.
 *
 * <p><b>Borrowed blocks, no garbage per block.</b> {@link #addRows} borrows the caller's array
 * for the call only ({@link AugmentedStats#addRows}): a block that completes the buffer is
 * factored at once, the caller's array serving as the stacked QR's workspace, and only a block
 * left waiting is copied. Once the factor is square, new rows are factored into it in place and
 * several waiting blocks are stacked into a buffer this summary keeps for its next blocks, so
 * folding a partition of full blocks allocates no N × N or block-sized array per block. The
 * numbers are those of stacking the blocks into a fresh array and factoring a copy of R.
 *
 * <p><b>Merging and shipping.</b> {@link #merge} first brings the pending rows of both summaries
 * in, then merges the other's triangle. A summary is serialized (shipped as a Spark task's
 * result or through a shuffle) as its factor with the pending rows brought in, packed to its
 * upper triangle: n(n+1)/2 numbers, never the buffer. A shipped summary therefore reads and
 * merges bit for bit as the summary it came from (the tree merges of Spark and of
 * PartitionedEvaluator agree); rows added to it after shipping would be blocked differently, and
 * no pass does that (partials are only merged and read).
 */
public final class QrStats implements AugmentedStats {
  private static final long serialVersionUID = 3L;
  /** Rows pending before a one-panel factorization, in multiples of the column count. */
  static final int BUFFER_FACTOR = 8;
  /** The fewest rows a multi-panel block update takes at a time. */
  static final int MIN_BLOCK_ROWS = 512;
  /** The most chunks a block is cut into ({@link #chunks}). */
  static final int MAX_CHUNKS = 4;

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
  /** Where several pending blocks are stacked before they are factored in, reused (see the class comment). */
  private transient double[] stackBuffer;

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

  /**
   * Chunks of a block of {@code rows} rows for a factor of {@code cols} columns (see
   * {@link FusedStats#add}): the largest power of two, at most {@link #MAX_CHUNKS}, that leaves
   * every chunk at least {@code cols} rows; 1 for a block shorter than two factors. Flops do
   * not grow: each chunk's dgeqrf skips the ⅔n³ of a triangle and each merge of two triangles
   * costs ⅔n³ ({@link StackedQr}). A power of two splits evenly over two or four cores and its
   * factors merge pairwise level by level; more chunks would spend the time in merges, which
   * run slower than dgeqrf. The rule sees the rows only, never the cores, so every machine
   * computes the same bits.
   */
  public static int chunks(int rows, int cols) {
    return FoldThreads.powerOfTwoChunks(rows, cols, MAX_CHUNKS);
  }

  /** The factor of {@code rows} rows (column-major, {@code cols} columns), factored now. */
  static QrStats factorOf(double[] block, int rows, int cols) {
    QrStats s = new QrStats(cols);
    s.addRows(block, rows);
    s.bringPendingIn();
    return s;
  }

  /** Rows buffered before they are factored in, for n columns (see the class comment). */
  static int bufferRows(int n) {
    return n <= StackedQr.SINGLE_PANEL_COLUMNS ? BUFFER_FACTOR * n : Math.max(n, MIN_BLOCK_ROWS);
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
    pending.add(block);
    pendingCounts.add(blockRows);
    pendingRows += blockRows;
    view = null;
    count += blockRows;
    if (pendingRows >= bufferRows(cols)) {
      bringPendingIn();
    } else {
      // The caller's array is lent for this call only: a block that waits is kept as a copy.
      pending.set(pending.size() - 1, Arrays.copyOf(block, blockRows * cols));
    }
  }

  /**
   * Factors the pending rows in. The pending arrays (this call's borrowed block, or copies this
   * summary owns) are destroyed; a square factor is updated in place.
   */
  private void bringPendingIn() {
    if (pendingRows == 0) {
      return;
    }
    if (rows == cols) {
      double[] block = pending.size() == 1 ? pending.get(0) : stackPendingInto(stackBuffer(), 0);
      StackedQr.factor(r, cols, block, pendingRows, 0);
      view = null;
    } else {
      Triangular t = factorWithPending();
      r = t.r();
      rows = t.rows();
      view = t;
    }
    pending.clear();
    pendingCounts.clear();
    pendingRows = 0;
  }

  /** The reused buffer for the pending rows, grown to hold them. */
  private double[] stackBuffer() {
    int size = pendingRows * cols;
    if (stackBuffer == null || stackBuffer.length < size) {
      stackBuffer = new double[size];
    }
    return stackBuffer;
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
    if (rows == cols) {
      double[] block = stackPending(0);
      double[] out = r.clone();
      StackedQr.factor(out, cols, block, pendingRows, 0);
      return new Triangular(cols, cols, out);
    }
    // A trapezoidal factor (fewer rows than columns so far): the dgeqrf of everything stacked.
    int total = rows + pendingRows;
    double[] stacked;
    if (rows == 0 && pending.size() == 1) {
      stacked = pending.get(0).clone();
    } else {
      stacked = stackPending(rows);
      for (int j = 0; j < cols; j++) {
        System.arraycopy(r, j * rows, stacked, j * total, rows);
      }
    }
    return new Triangular(Math.min(total, cols), cols, Lapack.qrFactor(stacked, total, cols));
  }

  /** The pending blocks stacked (column-major) below {@code top} empty rows. */
  private double[] stackPending(int top) {
    return stackPendingInto(new double[(top + pendingRows) * cols], top);
  }

  /** The pending blocks stacked into {@code stacked} below {@code top} rows (leading dimension top + pendingRows). */
  private double[] stackPendingInto(double[] stacked, int top) {
    int total = top + pendingRows;
    for (int j = 0; j < cols; j++) {
      int at = top;
      for (int b = 0; b < pending.size(); b++) {
        int h = pendingCounts.get(b);
        System.arraycopy(pending.get(b), j * h, stacked, at + j * total, h);
        at += h;
      }
    }
    return stacked;
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
    bringPendingIn();
    if (t.rows() > 0) {
      if (rows == 0) {
        // Nothing here yet: the other's factor is the factor (exactly what the dgeqrf of a
        // trapezoid would return, without its (4/3)n³ flops).
        r = t.r().clone();
        rows = t.rows();
      } else if (rows == cols) {
        // Both triangles: the structured merge (B = the other's upper trapezoid, l = m), in place.
        StackedQr.factor(r, cols, t.r().clone(), t.rows(), t.rows());
      } else {
        int total = rows + t.rows();
        double[] stacked = new double[total * cols];
        for (int j = 0; j < cols; j++) {
          System.arraycopy(r, j * rows, stacked, j * total, rows);
          System.arraycopy(t.r(), j * t.rows(), stacked, rows + j * total, t.rows());
        }
        r = Lapack.qrFactor(stacked, total, cols);
        rows = Math.min(total, cols);
      }
      view = null;
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

  /** Serialized as the packed factor with the pending rows brought in (see the class comment). */
  private Object writeReplace() throws ObjectStreamException {
    return new Packed(cols, count, view());
  }

  /** The serial form: the upper trapezoid of the factor, column by column. */
  private static final class Packed implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int cols;
    private final long count;
    private final int rows;
    private final double[] upper;

    Packed(int cols, long count, Triangular t) {
      this.cols = cols;
      this.count = count;
      this.rows = t.rows();
      this.upper = UpperPacking.pack(t.r(), rows, cols);
    }

    private Object readResolve() throws ObjectStreamException {
      double[] r = UpperPacking.unpack(upper, rows, cols);
      QrStats s = new QrStats(cols);
      s.r = r;
      s.rows = rows;
      s.count = count;
      return s;
    }
  }
}
