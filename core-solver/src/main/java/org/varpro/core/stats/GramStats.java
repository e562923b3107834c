package org.varpro.core.stats;

import java.io.ObjectStreamException;
import java.io.Serializable;
import org.varpro.core.linalg.Lapack;

/**
 * Gram sums MᵀM: the fast mode (a dsyrk per block, addition to merge).
 *
 * <p><b>Only the upper triangle.</b> MᵀM is symmetric, so the summary keeps its upper triangle
 * (diagonal included): a block adds to it ({@link Lapack#gramUpdateUpper}), a merge adds the
 * other's, and the lower triangle is filled in once, by mirroring, when the matrix is read
 * ({@link #gram}). The lower half of the array is never read (the pure-Java BLAS fallback writes
 * it, native dsyrk does not), so a summary's result does not depend on the BLAS writing it.
 *
 * <p><b>Shipping.</b> A summary is serialized (a Spark task's result, a shuffle) as its upper
 * triangle packed ({@link UpperPacking}): N(N+1)/2 numbers, 16.7 MB instead of 33.4 MB at
 * N = 2042. The driver of a Gram pass deserializes one such partial per partition, so the bytes
 * are on its critical path. A shipped summary reads and merges bit for bit as the one it came
 * from: the Spark and the single-process merges agree.
 */
public final class GramStats implements AugmentedStats {
  private static final long serialVersionUID = 2L;

  private final int cols;
  private long count;
  /** MᵀM's upper triangle in a cols × cols column-major array; below the diagonal: undefined. */
  private final double[] g;

  public GramStats(int cols) {
    this(cols, 0, new double[cols * cols]);
  }

  private GramStats(int cols, long count, double[] g) {
    this.cols = cols;
    this.count = count;
    this.g = g;
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
    Lapack.gramUpdateUpper(block, rows, cols, g);
    count += rows;
  }

  @Override
  public AugmentedStats merge(AugmentedStats other) {
    GramStats o = (GramStats) other;
    if (o.cols != cols) {
      throw new IllegalArgumentException("cannot merge Gram sums of " + cols + " and " + o.cols + " columns");
    }
    Lapack.addUpper(o.g, g, cols);
    count += o.count;
    return this;
  }

  @Override
  public Triangular triangular() {
    throw new UnsupportedOperationException("Gram sums give no triangular factor without squaring");
  }

  /** MᵀM, both triangles (a copy). */
  @Override
  public double[] gram() {
    double[] full = g.clone();
    Lapack.mirrorUpper(full, cols);
    return full;
  }

  /** Serialized as the packed upper triangle (see the class comment). */
  private Object writeReplace() throws ObjectStreamException {
    return new Packed(cols, count, UpperPacking.pack(g, cols, cols));
  }

  /** The serial form: the upper triangle, column by column. */
  private static final class Packed implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int cols;
    private final long count;
    private final double[] upper;

    Packed(int cols, long count, double[] upper) {
      this.cols = cols;
      this.count = count;
      this.upper = upper;
    }

    private Object readResolve() throws ObjectStreamException {
      return new GramStats(cols, count, UpperPacking.unpack(upper, cols, cols));
    }
  }
}
