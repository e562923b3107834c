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
   * Dual form: the A-columns of the rows (the √λ rows included) define P⊥ ({@link RowProjection},
   * Householder, never squared); J_j = P⊥W½D_j, r_j = −P⊥W½y_j, and Golub-Pereyra adds
   * −Q1R⁻ᵀE_j. J is formed in place, in the rows' own matrix for one output (no copy of the
   * m × p block), stacked over the outputs otherwise.
   */
  private static StepSolver fromRows(JacobianStats js, boolean gp, boolean diag) {
    int n = js.features;
    int p = js.params;
    int k = js.outputs;
    int rows = Math.toIntExact(js.perOutput[0].count());
    int total = k * rows;
    double[][] matrices = new double[k][];
    RowProjection[] projections = new RowProjection[k];
    double[] r = new double[total];
    for (int j = 0; j < k; j++) {
      matrices[j] = ((RowStats) js.perOutput[j]).matrix();
      projections[j] = RowProjection.of(matrices[j], rows, n, p, gp ? js.golubPereyraE[j] : null);
      projections[j].residual(matrices[j], (n + p) * rows, r, j * rows);
    }
    double[] stack;
    int offset;
    if (k == 1) {
      stack = matrices[0];
      offset = n * rows;
    } else {
      stack = new double[total * p];
      offset = 0;
      for (int j = 0; j < k; j++) {
        for (int c = 0; c < p; c++) {
          System.arraycopy(matrices[j], (n + c) * rows, stack, j * rows + c * total, rows);
        }
      }
    }
    return DualStepSolver.of(stack, offset, total, p, r, diag, (from, to) -> {
      for (int j = 0; j < k; j++) {
        projections[j].projectJacobian(stack, offset + j * rows, total, from, to);
      }
    });
  }
}
