package org.varpro.core.stats;

import java.io.Serializable;

/** An upper-trapezoidal matrix R (rows × cols, column-major, rows ≤ cols). */
public record Triangular(int rows, int cols, double[] r) implements Serializable {
  public double get(int i, int j) {
    return r[i + j * rows];
  }

  /** The block of rows [r0, r1) and columns [c0, c1) as a dense column-major copy. */
  public double[] block(int r0, int r1, int c0, int c1) {
    int h = Math.max(0, Math.min(r1, rows) - r0);
    double[] out = new double[Math.max(0, r1 - r0) * (c1 - c0)];
    int ld = r1 - r0;
    for (int j = c0; j < c1; j++) {
      for (int i = 0; i < h; i++) {
        out[i + (j - c0) * ld] = r[r0 + i + j * rows];
      }
    }
    return out;
  }
}
