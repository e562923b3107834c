package org.varpro.core.solver;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.pass.FoldThreads;

/**
 * The dual (Woodbury) step for fewer rows than parameters: with the projected Jacobian J
 * (m×p) and residual r, δ̃ = −(JS)ᵀ(K + μI)⁻¹ r with K = (JS)(JS)ᵀ, so only m×m systems are
 * solved.
 *
 * <p>Each damping μ > 0 is one Cholesky factorization of K + μI (m³/3 flops), the
 * eigen-decomposition of K only the fall-back ({@link ShiftedSymmetricSolve}): on
 * conf/heat-deep.conf (m = 1,069) dsyevd per iterate had taken 43% of the solver's time.
 *
 * <p><b>Column chunks.</b> Forming K (m²p flops by dsyrk) and projecting D into J are the
 * step's cost (on conf/heat-deep.conf, p = 9,824, about 60% and 30% of an iteration's BLAS
 * time). Both split over the columns: a chunk of J's columns is projected, summed into g and
 * diag(JᵀJ) and folded into its own K_c = J_cJ_cᵀ independently of the others, and K is the sum
 * of the K_c in chunk order. The chunks run on {@link FoldThreads} granted for this machine (the
 * solve runs on the driver, whose cores no pass uses meanwhile); their number depends on p
 * alone ({@link #chunks}), so the bits do not depend on the threads.
 */
final class DualStepSolver extends StepSolver {
  /** Chunks have at least this many columns: dsyrk's speed holds up from a few hundred. */
  static final int MIN_CHUNK_COLUMNS = 512;
  /** A power of two, so the chunks split evenly over two or four cores. */
  static final int MAX_CHUNKS = 4;

  /** JS in place (rows × p at js[offset], leading dimension rows). */
  private final double[] js;
  private final int offset;
  private final int rows;
  private final ShiftedSymmetricSolve kernel;
  private final double[] residual;

  /** The columns from..to of J in place: projects D's columns into J's (a no-op when J is given). */
  interface ColumnProjection {
    void project(int from, int to);
  }

  /** @param bounds the column chunks J was formed in ({@link #bounds}); K is formed in the same */
  private DualStepSolver(double[] gradient, double[] diagonal, double[] j, int offset, int rows, double[] r,
      boolean diagonalScaling, int[] bounds) {
    super(gradient, diagonal, diagonalScaling);
    this.js = j;
    this.offset = offset;
    this.rows = rows;
    this.residual = r;
    List<Callable<double[]>> work = new ArrayList<>();
    for (int c = 0; c + 1 < bounds.length; c++) {
      int from = bounds[c];
      int to = bounds[c + 1];
      work.add(() -> {
        if (diagonalScaling) {
          for (int q = from; q < to; q++) {
            double sq = scale[q];
            int col = offset + q * rows;
            for (int i = 0; i < rows; i++) {
              j[col + i] *= sq;
            }
          }
        }
        double[] k = new double[rows * rows];
        Lapack.gramUpdateTransposedUpper(j, offset + from * rows, rows, rows, to - from, k);
        return k;
      });
    }
    List<double[]> parts = onThisMachine(work);
    double[] k = parts.get(0);
    for (int c = 1; c < parts.size(); c++) {
      Lapack.addUpper(parts.get(c), k, rows);
    }
    this.kernel = new ShiftedSymmetricSolve(k, rows);
  }

  /** @param j the projected Jacobian rows (rows × p), r the residual: g = Jᵀr. J is copied. */
  static DualStepSolver of(double[] j, int rows, int p, double[] r, boolean diagonalScaling) {
    return of(j.clone(), 0, rows, p, r, diagonalScaling, (from, to) -> { });
  }

  /**
   * The dual step from the rows × p matrix at {@code j[offset]} (leading dimension rows), which
   * {@code projection} turns into J column range by column range; J (then JS) is formed in
   * place, so {@code j} is the solver's from then on. r is the residual, g = Jᵀr.
   */
  static DualStepSolver of(double[] j, int offset, int rows, int p, double[] r, boolean diagonalScaling,
      ColumnProjection projection) {
    int[] bounds = bounds(p);
    // Each chunk writes its own columns of g and diag(JᵀJ).
    double[] gradient = new double[p];
    double[] diagonal = new double[p];
    List<Callable<Void>> work = new ArrayList<>();
    for (int c = 0; c + 1 < bounds.length; c++) {
      int from = bounds[c];
      int to = bounds[c + 1];
      work.add(() -> {
        projection.project(from, to);
        for (int q = from; q < to; q++) {
          int col = offset + q * rows;
          double g = 0;
          double d = 0;
          for (int i = 0; i < rows; i++) {
            double v = j[col + i];
            g += v * r[i];
            d += v * v;
          }
          gradient[q] = g;
          diagonal[q] = d;
        }
        return null;
      });
    }
    onThisMachine(work);
    return new DualStepSolver(gradient, diagonal, j, offset, rows, r.clone(), diagonalScaling, bounds);
  }

  /**
   * The number of column chunks for p parameters: the largest power of two, at most
   * {@link #MAX_CHUNKS}, that leaves every chunk at least {@link #MIN_CHUNK_COLUMNS} columns.
   */
  static int chunks(int p) {
    return FoldThreads.powerOfTwoChunks(p, MIN_CHUNK_COLUMNS, MAX_CHUNKS);
  }

  /** Chunk c is the columns bounds[c] ≤ q &lt; bounds[c + 1]. */
  private static int[] bounds(int p) {
    int chunks = chunks(p);
    int[] b = new int[chunks + 1];
    for (int c = 0; c <= chunks; c++) {
      b[c] = (int) ((long) p * c / chunks);
    }
    return b;
  }

  private static <T> List<T> onThisMachine(List<Callable<T>> work) {
    return FoldThreads.granting(FoldThreads.forThisMachine(), () -> FoldThreads.inOrder(work));
  }

  @Override
  protected double[] solveScaled(double mu) {
    return solveScaled(mu, false);
  }

  /** δ̃ for μ; {@code eigen} forces the fallback (for tests of both solves). */
  double[] solveScaled(double mu, boolean eigen) {
    double[] z = eigen ? kernel.byEigen(mu, residual) : kernel.solve(mu, residual);
    double[] d = new double[params];
    Lapack.gemm(true, false, params, 1, rows, -1.0, js, offset, rows, z, 0, rows, 0.0, d, 0, params);
    return d;
  }
}
