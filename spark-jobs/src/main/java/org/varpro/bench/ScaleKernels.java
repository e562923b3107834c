package org.varpro.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.linalg.StackedQr;
import org.varpro.core.stats.StatsKind;

/**
 * The reference kernel rates of {@code bench scale} (dgemm, the Gram update, dgeqrf and the
 * structured TSQR kernels, measured in the benchmark's JVM) and the flop counts of its passes.
 */
final class ScaleKernels {
  private ScaleKernels() {}

  /** A reference kernel rate. */
  record Rate(String kernel, String shape, int callers, double flopsPerCall, double seconds, double gflops) {}

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

  static Rate dgemmRate(int size, int callers, int repeats, long seed) {
    double flops = 2.0 * size * size * size;
    double best = best(callers, repeats, seed, rng -> {
      double[] a = random(rng, size * size);
      double[] b = random(rng, size * size);
      double[] c = new double[size * size];
      return () -> Lapack.gemm(false, false, size, size, size, 1.0, a, 0, size, b, 0, size, 0.0, c, 0, size);
    });
    return new Rate("dgemm", size + "x" + size + "x" + size, callers, flops, best, callers * flops / best * 1e-9);
  }

  /** The BLAS dsyrk alone (upper triangle of G += AᵀA), the kernel of a Gram block update. */
  static Rate dsyrkRate(int rows, int cols, int callers, int repeats, long seed) {
    double flops = rows * (double) cols * cols;
    double best = best(callers, repeats, seed, rng -> {
      double[] a = random(rng, rows * cols);
      double[] g = new double[cols * cols];
      return () -> Lapack.BLAS_.dsyrk("U", "T", cols, rows, 1.0, a, rows, 1.0, g, cols);
    });
    return new Rate("dsyrk", "rows " + rows + ", N " + cols, callers, flops, best, callers * flops / best * 1e-9);
  }

  /** One Gram block update as the Jacobian pass runs it ({@link Lapack#gramUpdate}). */
  static Rate gramRate(int rows, int cols, int callers, int repeats, long seed) {
    double flops = (Lapack.isNative() ? 1.0 : 2.0) * rows * (double) cols * cols;
    double best = best(callers, repeats, seed, rng -> {
      double[] a = random(rng, rows * cols);
      double[] g = new double[cols * cols];
      return () -> Lapack.gramUpdate(a, rows, cols, g);
    });
    return new Rate("gramUpdate", "rows " + rows + ", N " + cols, callers, flops, best,
        callers * flops / best * 1e-9);
  }

  /**
   * LAPACK dgeqrf of an N×N triangle stacked on a block of rows: what a TSQR without the
   * structured kernel runs per block (LAPACK's flop count of the whole stacked matrix).
   */
  static Rate dgeqrfRate(int rows, int cols, int callers, int repeats, long seed) {
    int total = rows + cols;
    double flops = qrFlops(total, cols);
    double best = best(callers, repeats, seed, rng -> {
      double[] a = random(rng, total * cols);
      return () -> Lapack.qrFactor(a.clone(), total, cols);
    });
    return new Rate("dgeqrf", total + "x" + cols + " (triangle on " + rows + " rows)", callers, flops, best,
        callers * flops / best * 1e-9);
  }

  /** The structured stacked QR of a block of rows under an N×N triangle (2N² flops per row). */
  static Rate blockUpdateRate(int rows, int cols, int callers, int repeats, long seed) {
    double flops = 2.0 * cols * (double) cols * rows;
    double best = best(callers, repeats, seed, rng -> {
      double[] r = Lapack.qrFactor(random(rng, 2 * cols * cols), 2 * cols, cols);
      double[] b = random(rng, rows * cols);
      return () -> StackedQr.factor(r.clone(), cols, b.clone(), rows, 0);
    });
    return new Rate("tsqrBlock", "N " + cols + " triangle + " + rows + " rows (panel "
        + StackedQr.panelWidth(cols) + ")", callers, flops, best, callers * flops / best * 1e-9);
  }

  /** The structured merge of two N×N triangles (⅔N³ flops). */
  static Rate mergeRate(int cols, int repeats, long seed) {
    double flops = mergeFlops(cols);
    double best = best(1, repeats, seed, rng -> {
      double[] r = Lapack.qrFactor(random(rng, 2 * cols * cols), 2 * cols, cols);
      double[] s = Lapack.qrFactor(random(rng, 2 * cols * cols), 2 * cols, cols);
      return () -> StackedQr.factor(r.clone(), cols, s.clone(), cols, cols);
    });
    return new Rate("tsqrMerge", "two N " + cols + " triangles", 1, flops, best, flops / best * 1e-9);
  }

  private interface Kernel {
    Runnable prepare(SplittableRandom rng);
  }

  /** Best wall time over the repeats of {@code callers} simultaneous calls (the slowest counts). */
  private static double best(int callers, int repeats, long seed, Kernel kernel) {
    List<Runnable> work = new ArrayList<>();
    for (int t = 0; t < callers; t++) {
      work.add(kernel.prepare(new SplittableRandom(seed + t)));
    }
    work.get(0).run(); // warm-up: native library load, JIT, page faults
    if (callers == 1) {
      double best = Double.POSITIVE_INFINITY;
      for (int rep = 0; rep < repeats; rep++) {
        long t0 = System.nanoTime();
        work.get(0).run();
        best = Math.min(best, Timed.since(t0));
      }
      return best;
    }
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      double best = Double.POSITIVE_INFINITY;
      for (int rep = 0; rep < repeats; rep++) {
        CyclicBarrier start = new CyclicBarrier(callers);
        List<Future<Long>> done = new ArrayList<>();
        for (Runnable w : work) {
          Callable<Long> c = () -> {
            start.await();
            long t0 = System.nanoTime();
            w.run();
            return t0;
          };
          done.add(pool.submit(c));
        }
        long first = Long.MAX_VALUE;
        for (Future<Long> f : done) {
          first = Math.min(first, f.get());
        }
        best = Math.min(best, Timed.since(first));
      }
      return best;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private static double[] random(SplittableRandom rng, int length) {
    double[] a = new double[length];
    for (int i = 0; i < length; i++) {
      a[i] = rng.nextDouble() - 0.5;
    }
    return a;
  }
}
