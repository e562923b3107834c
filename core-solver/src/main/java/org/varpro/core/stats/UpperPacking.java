package org.varpro.core.stats;

/**
 * The serial form of the triangular and symmetric summaries ({@link QrStats}, {@link GramStats}):
 * the upper trapezoid of a column-major rows × cols matrix packed column by column, the first
 * min(j + 1, rows) entries of column j. For a square matrix that is n(n+1)/2 numbers, half the
 * bytes a Spark task result or a shuffle would otherwise carry; a serialized double[] is written
 * as one block, so the packed copy is the only per-element work.
 */
final class UpperPacking {
  private UpperPacking() {}

  /** Entries of the packed upper trapezoid of a rows × cols matrix. */
  static int size(int rows, int cols) {
    long size = 0;
    for (int j = 0; j < cols; j++) {
      size += Math.min(j + 1, rows);
    }
    return Math.toIntExact(size);
  }

  /** The upper trapezoid of {@code a} (rows × cols, leading dimension rows), packed. */
  static double[] pack(double[] a, int rows, int cols) {
    double[] packed = new double[size(rows, cols)];
    int at = 0;
    for (int j = 0; j < cols; j++) {
      int h = Math.min(j + 1, rows);
      System.arraycopy(a, j * rows, packed, at, h);
      at += h;
    }
    return packed;
  }

  /** The rows × cols matrix whose upper trapezoid {@code packed} holds; zeros below it. */
  static double[] unpack(double[] packed, int rows, int cols) {
    if (packed.length != size(rows, cols)) {
      throw new IllegalArgumentException("a packed " + rows + " x " + cols + " upper trapezoid has "
          + size(rows, cols) + " entries, got " + packed.length);
    }
    double[] a = new double[rows * cols];
    int at = 0;
    for (int j = 0; j < cols; j++) {
      int h = Math.min(j + 1, rows);
      System.arraycopy(packed, at, a, j * rows, h);
      at += h;
    }
    return a;
  }
}
