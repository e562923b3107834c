package org.varpro.core.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A dense block of rows, all arrays column-major with leading dimension {@code rows}.
 *
 * <p>Row i has an input x_i, targets y_i (k outputs), a weight w_i ≥ 0 and, when the features are
 * combined by a linear differential operator, coefficients over the derivative channels: the
 * feature row is a_i = Σ_c coef[i,c] ∂^c φ(x_i). Plain regression has {@code coef == null}
 * (value channel, coefficient 1).
 */
public final class RowBlock implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int rows;
  public final int inputDim;
  public final int outputs;
  public final double[] x;
  public final double[] y;
  public final double[] weight;
  public final Channels channels;
  public final double[] coef;

  public RowBlock(int rows, int inputDim, int outputs, double[] x, double[] y, double[] weight,
      Channels channels, double[] coef) {
    if (x.length != rows * inputDim || y.length != rows * outputs || weight.length != rows) {
      throw new IllegalArgumentException("row block arrays do not match " + rows + " rows × "
          + inputDim + " inputs × " + outputs + " outputs");
    }
    if (coef != null && coef.length != rows * channels.count()) {
      throw new IllegalArgumentException("coefficient array does not match rows × channels");
    }
    this.rows = rows;
    this.inputDim = inputDim;
    this.outputs = outputs;
    this.x = x;
    this.y = y;
    this.weight = weight;
    this.channels = channels == null ? Channels.valueOnly(inputDim) : channels;
    this.coef = coef;
  }

  /** Regression rows: value channel only. */
  public static RowBlock regression(int rows, int inputDim, int outputs, double[] x, double[] y,
      double[] weight) {
    return new RowBlock(rows, inputDim, outputs, x, y, weight, Channels.valueOnly(inputDim), null);
  }

  /** Regression rows with unit weights. */
  public static RowBlock regression(int rows, int inputDim, int outputs, double[] x, double[] y) {
    double[] w = new double[rows];
    Arrays.fill(w, 1.0);
    return regression(rows, inputDim, outputs, x, y, w);
  }

  /** Coefficient of channel c in row i (1 for the value and 0 otherwise when coef is null). */
  public double coefficient(int i, int c) {
    if (coef == null) {
      return c == 0 ? 1.0 : 0.0;
    }
    return coef[i + c * rows];
  }

  public double input(int i, int d) {
    return x[i + d * rows];
  }

  public double target(int i, int j) {
    return y[i + j * rows];
  }

  /** Rows [from, to) as a new block. */
  public RowBlock slice(int from, int to) {
    int r = to - from;
    return new RowBlock(r, inputDim, outputs, sliceCols(x, inputDim, from, r),
        sliceCols(y, outputs, from, r), Arrays.copyOfRange(weight, from, to), channels,
        coef == null ? null : sliceCols(coef, channels.count(), from, r));
  }

  /** The rows {@code index[0]}, {@code index[1]}, … (in that order) as a new block. */
  public RowBlock select(int[] index) {
    int r = index.length;
    return new RowBlock(r, inputDim, outputs, gatherCols(x, inputDim, index), gatherCols(y, outputs, index),
        gatherCols(weight, 1, index), channels, coef == null ? null : gatherCols(coef, channels.count(), index));
  }

  private double[] gatherCols(double[] a, int cols, int[] index) {
    int r = index.length;
    double[] out = new double[r * cols];
    for (int c = 0; c < cols; c++) {
      for (int i = 0; i < r; i++) {
        out[i + c * r] = a[index[i] + c * rows];
      }
    }
    return out;
  }

  private double[] sliceCols(double[] a, int cols, int from, int r) {
    double[] out = new double[r * cols];
    for (int c = 0; c < cols; c++) {
      System.arraycopy(a, from + c * rows, out, c * r, r);
    }
    return out;
  }

  /** Splits into blocks of at most {@code size} rows. */
  public RowBlock[] split(int size) {
    int count = Math.max(1, (rows + size - 1) / size);
    RowBlock[] out = new RowBlock[count];
    for (int b = 0; b < count; b++) {
      out[b] = slice(b * size, Math.min(rows, (b + 1) * size));
    }
    return out;
  }

  /** Concatenates blocks with the same shape and channels. */
  public static RowBlock concat(RowBlock... blocks) {
    RowBlock f = blocks[0];
    int total = 0;
    boolean anyCoef = false;
    for (RowBlock b : blocks) {
      if (b.inputDim != f.inputDim || b.outputs != f.outputs || !b.channels.equals(f.channels)) {
        throw new IllegalArgumentException("cannot concatenate blocks of different shapes");
      }
      total += b.rows;
      anyCoef |= b.coef != null;
    }
    int nc = f.channels.count();
    double[] x = new double[total * f.inputDim];
    double[] y = new double[total * f.outputs];
    double[] w = new double[total];
    double[] coef = anyCoef ? new double[total * nc] : null;
    int at = 0;
    for (RowBlock b : blocks) {
      for (int i = 0; i < b.rows; i++) {
        for (int d = 0; d < f.inputDim; d++) {
          x[at + i + d * total] = b.input(i, d);
        }
        for (int j = 0; j < f.outputs; j++) {
          y[at + i + j * total] = b.target(i, j);
        }
        w[at + i] = b.weight[i];
        if (coef != null) {
          for (int c = 0; c < nc; c++) {
            coef[at + i + c * total] = b.coefficient(i, c);
          }
        }
      }
      at += b.rows;
    }
    return new RowBlock(total, f.inputDim, f.outputs, x, y, w, f.channels, coef);
  }
}
