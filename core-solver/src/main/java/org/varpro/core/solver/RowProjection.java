package org.varpro.core.solver;

import java.util.Arrays;
import org.varpro.core.linalg.Lapack;

/**
 * The projection of the dual step (DESIGN §2.3) for one output's rows: P⊥ = I − Q₁Q₁ᵀ onto the
 * complement of range(W½A), with Q₁ (rows × n, orthonormal columns) formed once from a
 * Householder QR of W½A, which is never squared. Columns are projected as X − Q₁(Q₁ᵀX): two
 * dgemms of 2·rows·n flops per column, half the flops of applying Qᵀ and then Q by dormqr, at
 * dgemm's speed, and any range of columns on its own, so the columns split into chunks over
 * threads. Both forms leave an error of a few ε‖X‖ per column.
 *
 * <p>Golub-Pereyra adds the range part −Q₁R⁻ᵀE of the exact Jacobian of the reduced residual:
 * J = P⊥D − Q₁R⁻ᵀE = D − Q₁(Q₁ᵀD + R⁻ᵀE), with R the triangular factor of W½A.
 */
final class RowProjection {
  private final int rows;
  /** min(rows, n): the columns of Q₁. */
  private final int width;
  /** Q₁, rows × width, column-major. */
  private final double[] q1;
  /** R⁻ᵀE (n × p, column-major), or null for Kaufman. */
  private final double[] rangePart;

  private RowProjection(int rows, int width, double[] q1, double[] rangePart) {
    this.rows = rows;
    this.width = width;
    this.q1 = q1;
    this.rangePart = rangePart;
  }

  /**
   * @param a the first {@code n} columns of {@code a} (rows × n, column-major; read, not
   *     modified) are W½A
   * @param golubPereyraE E (n × p) for the Golub-Pereyra term, or null
   */
  static RowProjection of(double[] a, int rows, int n, int p, double[] golubPereyraE) {
    double[] reflectors = Arrays.copyOf(a, rows * n);
    double[] tau = Lapack.householder(reflectors, rows, n);
    int width = tau.length;
    double[] q1 = new double[rows * width];
    for (int i = 0; i < width; i++) {
      q1[i + i * rows] = 1.0;
    }
    Lapack.applyQ(false, reflectors, rows, n, tau, q1, width);
    double[] rangePart = null;
    if (golubPereyraE != null) {
      if (rows < n) {
        throw new IllegalArgumentException("Golub-Pereyra with the dual step needs at least as many rows ("
            + rows + ") as features (" + n + ")");
      }
      double[] r11 = new double[n * n];
      for (int c = 0; c < n; c++) {
        for (int r = 0; r <= c; r++) {
          r11[r + c * n] = reflectors[r + c * rows];
        }
      }
      rangePart = golubPereyraE.clone();
      Lapack.triangularSolve(true, r11, 0, n, n, rangePart, 0, n, p);
    }
    return new RowProjection(rows, width, q1, rangePart);
  }

  /**
   * Projects columns {@code from} (inclusive) to {@code to} (exclusive) of the rows × p matrix at
   * {@code x[offset]} (leading dimension {@code ld}) in place: J's columns from D's.
   */
  void projectJacobian(double[] x, int offset, int ld, int from, int to) {
    project(x, offset + from * ld, ld, to - from, rangePart == null ? -1 : from);
  }

  /** r = −P⊥y for the column y at {@code y[offset]}, written to {@code r[at]}: no range part. */
  void residual(double[] y, int offset, double[] r, int at) {
    System.arraycopy(y, offset, r, at, rows);
    project(r, at, rows, 1, -1);
    for (int i = 0; i < rows; i++) {
      r[at + i] = -r[at + i];
    }
  }

  /**
   * X ← X − Q₁(Q₁ᵀX + R⁻ᵀE) for the w columns at {@code x[at]} (leading dimension ld), the range
   * part taken from columns rangeFrom … rangeFrom + w of R⁻ᵀE, or left out when rangeFrom < 0.
   */
  private void project(double[] x, int at, int ld, int w, int rangeFrom) {
    if (w <= 0 || width == 0) {
      return;
    }
    double[] coords = new double[width * w];
    if (rangeFrom >= 0) {
      System.arraycopy(rangePart, rangeFrom * width, coords, 0, width * w);
    }
    Lapack.gemm(true, false, width, w, rows, 1.0, q1, 0, rows, x, at, ld, rangeFrom < 0 ? 0.0 : 1.0,
        coords, 0, width);
    Lapack.gemm(false, false, rows, w, width, -1.0, q1, 0, rows, coords, 0, width, 1.0, x, at, ld);
  }
}
