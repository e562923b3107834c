package org.varpro.core.solver;

import org.varpro.core.linalg.Lapack;
import org.varpro.core.stats.AugmentedStats;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.RowStats;
import org.varpro.core.stats.StatsKind;
import org.varpro.core.stats.Triangular;

/**
 * Builds the step solver from the pass-2 statistics, with C eliminated. Columns of each
 * output's M_j are [A (n) | D_j (p) | y_j (1)]; the summaries already hold the √λ·I rows under
 * A ({@link JacobianStats#addRidge}), so G_λ is simply the A-block.
 */
public final class StepSystems {
  private StepSystems() {}

  public static StepSolver build(JacobianStats js, HessianKind hessian, boolean diagonalScaling) {
    StatsKind kind = js.perOutput[0].kind();
    boolean gp = hessian == HessianKind.GOLUB_PEREYRA;
    if (gp && js.golubPereyraE == null) {
      throw new IllegalArgumentException("Golub-Pereyra needs the E sums in the Jacobian pass");
    }
    return switch (kind) {
      case QR -> fromFactors(js, gp, diagonalScaling);
      case GRAM -> fromGram(js, gp, diagonalScaling);
      case ROWS -> fromRows(js, gp, diagonalScaling);
    };
  }

  /**
   * TSQR: per output, the factor R_j of [W½A | W½D_j | W½y_j] over the rows and the √λ rows
   * has R22ᵀR22 = H_K and R22ᵀR2y = −g (the Schur complement identity); Golub-Pereyra adds the
   * rows R11⁻ᵀE_j with zero right side.
   */
  private static StepSolver fromFactors(JacobianStats js, boolean gp, boolean diag) {
    int n = js.features;
    int p = js.params;
    int k = js.outputs;
    double[][] blocks = new double[k * (gp ? 2 : 1)][];
    double[][] rhs = new double[blocks.length][];
    int[] heights = new int[blocks.length];
    int total = 0;
    for (int j = 0; j < k; j++) {
      Triangular rl = js.perOutput[j].triangular();
      int h = Math.max(0, Math.min(rl.rows(), n + p) - n);
      blocks[j] = rl.block(n, n + h, n, n + p);
      rhs[j] = rl.block(n, n + h, n + p, n + p + 1);
      heights[j] = h;
      total += h;
      if (gp) {
        double[] r11 = rl.block(0, n, 0, n);
        double[] e = js.golubPereyraE[j].clone();
        Lapack.triangularSolve(true, r11, 0, n, n, e, 0, n, p);
        blocks[k + j] = e;
        rhs[k + j] = new double[n];
        heights[k + j] = n;
        total += n;
      }
    }
    double[] stack = new double[total * p];
    double[] b = new double[total];
    int at = 0;
    for (int s = 0; s < blocks.length; s++) {
      int h = heights[s];
      for (int q = 0; q < p; q++) {
        System.arraycopy(blocks[s], q * h, stack, at + q * total, h);
      }
      System.arraycopy(rhs[s], 0, b, at, h);
      at += h;
    }
    return FactorStepSolver.of(stack, total, p, b, diag);
  }

  /**
   * Gram sums. Kaufman: H = DᵀWD − H_ADᵀ G_λ⁻¹ H_AD and g = H_ADᵀC − DᵀWy, i.e. the Schur
   * complement of G_λ in the Gram matrix of [A | D | y]; Golub-Pereyra adds Eᵀ G_λ⁻¹ E.
   */
  private static StepSolver fromGram(JacobianStats js, boolean gp, boolean diag) {
    int n = js.features;
    int p = js.params;
    int cols = n + p + 1;
    double[] h = new double[p * p];
    double[] g = new double[p];
    for (int j = 0; j < js.outputs; j++) {
      double[] m = js.perOutput[j].gram();
      double[] u = new double[n * n];
      for (int c = 0; c < n; c++) {
        System.arraycopy(m, c * cols, u, c * n, n);
      }
      if (!Lapack.cholesky(u, n)) {
        throw new ArithmeticException("G + λI is not positive definite: the features are rank "
            + "deficient; use lambda > 0");
      }
      // X = U⁻ᵀ [H_AD | Aᵀy], so the Schur complement is M22 − XᵀX.
      double[] x = new double[n * (p + 1)];
      for (int c = 0; c < p + 1; c++) {
        System.arraycopy(m, (n + c) * cols, x, c * n, n);
      }
      Lapack.triangularSolve(true, u, 0, n, n, x, 0, n, p + 1);
      double[] s = new double[(p + 1) * (p + 1)];
      for (int c = 0; c < p + 1; c++) {
        for (int r = 0; r < p + 1; r++) {
          s[r + c * (p + 1)] = m[(n + r) + (n + c) * cols];
        }
      }
      Lapack.gemm(true, false, p + 1, p + 1, n, -1.0, x, 0, n, x, 0, n, 1.0, s, 0, p + 1);
      for (int c = 0; c < p; c++) {
        for (int r = 0; r < p; r++) {
          h[r + c * p] += s[r + c * (p + 1)];
        }
        g[c] -= s[c + p * (p + 1)];
      }
      if (gp) {
        double[] e = js.golubPereyraE[j].clone();
        Lapack.triangularSolve(true, u, 0, n, n, e, 0, n, p);
        Lapack.gemm(true, false, p, p, n, 1.0, e, 0, n, e, 0, n, 1.0, h, 0, p);
      }
    }
    return new GramStepSolver(h, g, diag);
  }

  /**
   * Dual form: the A-columns of the rows (the √λ rows included) define P⊥ (Householder, never
   * squared); J_j = P⊥W½D_j, r_j = −P⊥W½y_j, and Golub-Pereyra adds −Q1R⁻ᵀE_j.
   */
  private static StepSolver fromRows(JacobianStats js, boolean gp, boolean diag) {
    int n = js.features;
    int p = js.params;
    int k = js.outputs;
    int rows = Math.toIntExact(js.perOutput[0].count());
    double[] jAll = new double[k * rows * p];
    double[] rAll = new double[k * rows];
    int total = k * rows;
    for (int j = 0; j < k; j++) {
      double[] mm = ((RowStats) js.perOutput[j]).matrix();
      double[] a = new double[rows * n];
      double[] dy = new double[rows * (p + 1)];
      System.arraycopy(mm, 0, a, 0, rows * n);
      System.arraycopy(mm, rows * n, dy, 0, rows * (p + 1));
      double[] tau = Lapack.householder(a, rows, n);
      Lapack.applyQ(true, a, rows, n, tau, dy, p + 1);
      double[] r11 = new double[n * n];
      for (int c = 0; c < n; c++) {
        for (int r = 0; r <= c && r < rows; r++) {
          r11[r + c * n] = a[r + c * rows];
        }
      }
      for (int c = 0; c < p + 1; c++) {
        for (int r = 0; r < Math.min(n, rows); r++) {
          dy[r + c * rows] = 0;
        }
      }
      if (gp) {
        // Range part of the Golub-Pereyra term, −Q1R⁻ᵀE_j, in the first n rotated coordinates;
        // the y column keeps no range part, so r = −P⊥y.
        double[] e = js.golubPereyraE[j].clone();
        Lapack.triangularSolve(true, r11, 0, n, n, e, 0, n, p);
        for (int c = 0; c < p; c++) {
          for (int r = 0; r < n; r++) {
            dy[r + c * rows] = -e[r + c * n];
          }
        }
      }
      Lapack.applyQ(false, a, rows, n, tau, dy, p + 1);
      for (int c = 0; c < p; c++) {
        System.arraycopy(dy, c * rows, jAll, j * rows + c * total, rows);
      }
      for (int r = 0; r < rows; r++) {
        rAll[j * rows + r] = -dy[r + p * rows];
      }
    }
    return DualStepSolver.of(jAll, total, p, rAll, diag);
  }
}
