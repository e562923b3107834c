package org.varpro.bench;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.linalg.StackedQr;
import org.varpro.core.stats.StatsKind;

/**
 * The flop counts of the passes of {@code bench scale} and its reference kernels (dgemm, the Gram
 * update, dgeqrf and the structured TSQR kernels), which {@link ReferenceJob} times on the
 * executors.
 */
final class ScaleKernels {
  private ScaleKernels() {}

  // ---------------------------------------------------------------------------------------------
  // Flop counts

  /** The flop count of a Jacobian pass as text (k outputs, c derivative channels, m rows). */
  static String flopFormula(StatsKind kind, boolean nativeBlas) {
    String stats = kind == StatsKind.GRAM
        ? (nativeBlas ? "k*m*N^2 (Gram dsyrk)" : "2*k*m*N^2 (Gram, pure-Java dgemm)")
        : "k*[sum_partitions 2*N^2*(m_j - N/3) + (P - 1)*(2/3)*N^3] (TSQR: each partition's first "
            + "block by dgeqrf, then 2*N^2 per row by the structured stacked QR, P - 1 structured "
            + "merges of two triangles; N <= 64: the stacked dgeqrf of the buffered 8N rows)";
    return "2*m*c*sum_l in_l*out_l (forward dgemm) + k*[2*m*c*sum_{l>=2} in_l*out_l (backward dgemm) "
        + "+ m*c*sum_l in_l*out_l (row-wise parameter products)] + " + stats
        + "; k = 1 output, c = 1 channel; activations, copies and the principal-angle factor not counted";
  }

  /** Counted flops of one Jacobian pass; see {@link #flopFormula}. */
  static double jacobianFlops(int[] widths, long m, int outputs, int channels, StatsKind kind,
      boolean nativeBlas, int partitions, int blockRows, double lambda) {
    double macs = 0;
    double backMacs = 0;
    int p = 0;
    for (int l = 1; l < widths.length; l++) {
      double w = (double) widths[l - 1] * widths[l];
      macs += w;
      if (l >= 2) {
        backMacs += w;
      }
      p += widths[l - 1] * widths[l] + widths[l];
    }
    int n = widths[widths.length - 1] + 1;
    int cols = n + p + 1;
    double mc = (double) m * channels;
    double forward = 2 * mc * macs;
    double backward = outputs * (2 * mc * backMacs + mc * macs);
    double stats = switch (kind) {
      case GRAM -> outputs * (nativeBlas ? 1.0 : 2.0) * m * (double) cols * cols;
      case QR -> outputs * tsqrFlops(m, cols, partitions, blockRows, lambda > 0 ? n : 0);
      case ROWS -> 0; // the dual step keeps the rows: no reduction in the pass
    };
    return forward + backward + stats;
  }

  /** Householder QR flops of an M×N matrix (LAPACK's count, lower-order terms dropped). */
  static double qrFlops(long rows, int cols) {
    double mm = rows;
    double nn = cols;
    return rows >= cols ? 2 * nn * nn * (mm - nn / 3) : 2 * mm * mm * (nn - mm / 3);
  }

  /** Flops of the structured merge of two N×N triangles. */
  static double mergeFlops(int cols) {
    return 2.0 / 3.0 * cols * (double) cols * cols;
  }

  /**
   * TSQR flops of m rows in {@code partitions} partitions as GeneratedSource splits them (the
   * ridge rows at the start of partition 0), merged pairwise to one factor.
   */
  static double tsqrFlops(long m, int cols, int partitions, int blockRows, int ridgeRows) {
    if (cols <= StackedQr.SINGLE_PANEL_COLUMNS) {
      return stackedTsqrFlops(m, cols, partitions, blockRows, ridgeRows);
    }
    double flops = 0;
    int factors = 0;
    for (int j = 0; j < partitions; j++) {
      long rows = Math.floorDiv(m * (j + 1), partitions) - Math.floorDiv(m * j, partitions) + (j == 0 ? ridgeRows : 0);
      if (rows > 0) {
        // dgeqrf of the first block, 2N² per later row: 2N²(rows − N/3) in all once rows ≥ N.
        flops += qrFlops(rows, cols);
        factors++;
      }
    }
    return flops + Math.max(0, factors - 1) * mergeFlops(cols);
  }

  /** The one-panel TSQR (N ≤ 64): the dgeqrf of the factor stacked on 8N buffered rows. */
  private static double stackedTsqrFlops(long m, int cols, int partitions, int blockRows, int ridgeRows) {
    double flops = 0;
    int factors = 0;
    long chunk = Math.max(8L * cols, blockRows);
    for (int j = 0; j < partitions; j++) {
      long left = Math.floorDiv(m * (j + 1), partitions) - Math.floorDiv(m * j, partitions) + (j == 0 ? ridgeRows : 0);
      long have = 0;
      while (left > 0) {
        long r = Math.min(left, chunk);
        flops += qrFlops(have + r, cols);
        have = Math.min(have + r, cols);
        left -= r;
      }
      factors += have > 0 ? 1 : 0;
    }
    // A merge of two triangles is then one dgeqrf of the 2N stacked rows.
    return flops + Math.max(0, factors - 1) * qrFlops(2L * cols, cols);
  }

  // ---------------------------------------------------------------------------------------------
  // Reference kernels

  /** The reference kernels. */
  enum Kind {
    /** C(n×n) = A(n×n)·B(n×n): 2n³ flops. */
    DGEMM("dgemm"),
    /** One Gram block update of the Jacobian pass ({@link Lapack#gramUpdateUpper}): rows·N² (native dsyrk). */
    GRAM("gramUpdate"),
    /** LAPACK dgeqrf of an N×N triangle stacked on a block: what a TSQR without structure runs. */
    DGEQRF("dgeqrf"),
    /** The structured stacked QR of a block under an N×N triangle, 2N² flops per row. */
    TSQR_BLOCK("tsqrBlock"),
    /** The structured merge of two N×N triangles, ⅔N³ flops. */
    TSQR_MERGE("tsqrMerge");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /**
   * One reference kernel call: its kind, the rows of its block (the dgemm size n for DGEMM, unused
   * for the merge) and its columns N. Serializable: the executors build the operands from it.
   */
  record Kernel(Kind kind, int rows, int cols) implements Serializable {

    static Kernel dgemm(int size) {
      return new Kernel(Kind.DGEMM, size, size);
    }

    String name() {
      return kind.label;
    }

    String shape() {
      return switch (kind) {
        case DGEMM -> rows + "x" + rows + "x" + rows;
        case GRAM -> "rows " + rows + ", N " + cols;
        case DGEQRF -> (rows + cols) + "x" + cols + " (triangle on " + rows + " rows)";
        case TSQR_BLOCK -> "N " + cols + " triangle + " + rows + " rows (panel " + StackedQr.panelWidth(cols) + ")";
        case TSQR_MERGE -> "two N " + cols + " triangles";
      };
    }

    /** Flops of one call (LAPACK's count for dgeqrf; the useful flops for the structured kernels). */
    double flops() {
      return switch (kind) {
        case DGEMM -> 2.0 * rows * rows * (double) rows;
        case GRAM -> (Lapack.isNative() ? 1.0 : 2.0) * rows * (double) cols * cols;
        case DGEQRF -> qrFlops(rows + cols, cols);
        case TSQR_BLOCK -> 2.0 * cols * (double) cols * rows;
        case TSQR_MERGE -> mergeFlops(cols);
      };
    }

    /** Random operands from {@code rng} and the call on them (repeatable: it never grows its input). */
    Runnable prepare(SplittableRandom rng) {
      switch (kind) {
        case DGEMM: {
          int n = rows;
          double[] a = random(rng, n * n);
          double[] b = random(rng, n * n);
          double[] c = new double[n * n];
          return () -> Lapack.gemm(false, false, n, n, n, 1.0, a, 0, n, b, 0, n, 0.0, c, 0, n);
        }
        case GRAM: {
          double[] a = random(rng, rows * cols);
          double[] g = new double[cols * cols];
          return () -> Lapack.gramUpdateUpper(a, rows, cols, g);
        }
        case DGEQRF: {
          int total = rows + cols;
          double[] a = random(rng, total * cols);
          return () -> Lapack.qrFactor(a.clone(), total, cols);
        }
        case TSQR_BLOCK: {
          double[] r = triangle(rng, cols);
          double[] b = random(rng, rows * cols);
          return () -> StackedQr.factor(r.clone(), cols, b.clone(), rows, 0);
        }
        case TSQR_MERGE: {
          double[] r = triangle(rng, cols);
          double[] s = triangle(rng, cols);
          return () -> StackedQr.factor(r.clone(), cols, s.clone(), cols, cols);
        }
        default:
          throw new IllegalStateException(kind.toString());
      }
    }
  }

  /**
   * A random N×N upper triangle (column-major) with a diagonal of 1 + |noise|: the shape of a
   * partition's factor (the structured kernels' work depends on the shape, not on the values),
   * without the dgeqrf of a 2N×N matrix that would cost more than the timed calls.
   */
  private static double[] triangle(SplittableRandom rng, int n) {
    double[] r = new double[n * n];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < j; i++) {
        r[j * n + i] = rng.nextDouble() - 0.5;
      }
      r[j * n + j] = 1 + rng.nextDouble();
    }
    return r;
  }

  private static double[] random(SplittableRandom rng, int length) {
    double[] a = new double[length];
    for (int i = 0; i < length; i++) {
      a[i] = rng.nextDouble() - 0.5;
    }
    return a;
  }
}
