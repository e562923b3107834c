package org.varpro.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.linalg.Svd;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.StatsKind;

/**
 * The rank-revealing inner solve at λ = 0 against oracles built independently of it: a matrix
 * with a known null space, and a matrix with prescribed singular values.
 */
class InnerSolverTest {
  private static final int M = 40;

  /**
   * A (40×6) with column 4 = column 0 + column 1 and column 5 = column 2: rank 4, null space
   * spanned by (1, 1, 0, 0, −1, 0) and (0, 0, 1, 0, 0, −1). The minimum-norm least-squares C is
   * the unique vector orthogonal to the null space whose residual is orthogonal to every column
   * (the normal equations): both are checked, and C is compared with V Σ⁺ Uᵀy from an SVD of
   * the whole A (not of the triangle the solver uses).
   */
  @ParameterizedTest
  @EnumSource(value = StatsKind.class, names = {"QR", "GRAM"})
  void minimumNormSolutionOnRankDeficientFeatures(StatsKind kind) {
    SplittableRandom rng = new SplittableRandom(7);
    int n = 6;
    double[] a = new double[M * n];
    for (int j = 0; j < 4; j++) {
      for (int i = 0; i < M; i++) {
        a[i + j * M] = rng.nextGaussian();
      }
    }
    for (int i = 0; i < M; i++) {
      a[i + 4 * M] = a[i] + a[i + M];
      a[i + 5 * M] = a[i + 2 * M];
    }
    double[] y = gaussian(rng, M);
    InnerSolution s = InnerSolver.solve(stats(a, y, n, kind), 0);

    assertEquals(4, s.effectiveRank());
    assertTrue(s.rankDeficient());
    double[] c = s.c();
    double cNorm = norm(c);
    // Rounding: the QR route is backward stable (n·ε·cond relative); the Gram route squares the
    // condition number of the retained part (cond ≈ 10 here), so 1e-10 covers both.
    double tol = 1e-10;
    assertEquals(0, c[0] + c[1] - c[4], tol * cNorm, "C ⊥ first null vector");
    assertEquals(0, c[2] - c[5], tol * cNorm, "C ⊥ second null vector");
    double[] r = residual(a, c, y, n);
    for (int j = 0; j < n; j++) {
      double dot = 0;
      for (int i = 0; i < M; i++) {
        dot += a[i + j * M] * r[i];
      }
      assertEquals(0, dot, tol * norm(y) * 10, "normal equation " + j);
    }
    assertEquals(0.5 * dot(r, r), s.loss(), tol * dot(y, y));
    double[] pinv = pseudoInverseSolution(a, y, n, 1e-12);
    for (int j = 0; j < n; j++) {
      assertEquals(pinv[j], c[j], tol * cNorm, "pseudo-inverse component " + j);
    }
  }

  /**
   * A = U diag(1, 1e-4, 1e-8) Vᵀ: a cut-off between two singular values drops exactly the
   * smaller ones from C = V Σ⁺ Uᵀy (the rank and the loss follow); the default cut-off (n·ε)
   * keeps all three. Oracle: C built from the prescribed U, Σ, V directly.
   */
  @Test
  void relativeCutOffDropsExactlyTheSmallSingularValues() {
    SplittableRandom rng = new SplittableRandom(11);
    int n = 3;
    double[] sigma = {1, 1e-4, 1e-8};
    double[] u = Lapack.svd(gaussian(rng, M * n), M, n).u();
    double[] vt = Lapack.svd(gaussian(rng, n * n), n, n).vt();
    double[] a = new double[M * n];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < M; i++) {
        double v = 0;
        for (int k = 0; k < n; k++) {
          v += u[i + k * M] * sigma[k] * vt[k + j * n];
        }
        a[i + j * M] = v;
      }
    }
    double[] y = gaussian(rng, M);
    double[] uty = new double[n];
    for (int k = 0; k < n; k++) {
      for (int i = 0; i < M; i++) {
        uty[k] += u[i + k * M] * y[i];
      }
    }
    ProjectionStats ps = stats(a, y, n, StatsKind.QR);
    // Cut-offs above 1e-4, between 1e-4 and 1e-8, below 1e-8 (and the default n·ε).
    double[][] cases = {{1e-3, 1}, {1e-6, 2}, {1e-10, 3}, {0, 3}};
    for (double[] cs : cases) {
      int keep = (int) cs[1];
      InnerSolution s = InnerSolver.solve(ps, 0, cs[0]);
      assertEquals(keep, s.effectiveRank(), "rank at cut-off " + cs[0]);
      assertEquals(keep < n, s.rankDeficient());
      double[] expected = new double[n];
      double fitted = 0;
      for (int k = 0; k < keep; k++) {
        fitted += uty[k] * uty[k];
        for (int j = 0; j < n; j++) {
          expected[j] += vt[k + j * n] * uty[k] / sigma[k];
        }
      }
      // Rounding of the retained part: ε·cond(retained) relative, cond up to 1e8 here.
      double tol = Math.ulp(1.0) * sigma[0] / sigma[keep - 1] * 100;
      for (int j = 0; j < n; j++) {
        assertEquals(expected[j], s.c()[j], tol * norm(expected), "cut-off " + cs[0] + " component " + j);
      }
      // The prescribed U is itself rounded: its smallest retained direction moves by ε·cond.
      assertEquals(0.5 * (dot(y, y) - fitted), s.loss(), tol * dot(y, y), "loss at cut-off " + cs[0]);
    }
    assertFalse(InnerSolver.solve(ps, 1e-12, 1e-3).rankDeficient(), "λ > 0 is never rank deficient");
    assertThrows(IllegalArgumentException.class, () -> InnerSolver.solve(ps, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> InnerSolver.solve(ps, 0, -1e-3));
  }

  private static ProjectionStats stats(double[] a, double[] y, int n, StatsKind kind) {
    ProjectionStats ps = new ProjectionStats(n, 1, kind);
    double[] m = new double[M * (n + 1)];
    System.arraycopy(a, 0, m, 0, M * n);
    System.arraycopy(y, 0, m, M * n, M);
    ps.stats.addRows(m, M);
    return ps;
  }

  private static double[] pseudoInverseSolution(double[] a, double[] y, int n, double rcond) {
    Svd svd = Lapack.svd(a.clone(), M, n);
    double[] c = new double[n];
    for (int k = 0; k < svd.rank(); k++) {
      if (svd.s()[k] <= rcond * svd.s()[0]) {
        continue;
      }
      double proj = 0;
      for (int i = 0; i < M; i++) {
        proj += svd.u()[i + k * M] * y[i];
      }
      for (int j = 0; j < n; j++) {
        c[j] += svd.vt()[k + j * svd.rank()] * proj / svd.s()[k];
      }
    }
    return c;
  }

  private static double[] residual(double[] a, double[] c, double[] y, int n) {
    double[] r = y.clone();
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < M; i++) {
        r[i] -= a[i + j * M] * c[j];
      }
    }
    return r;
  }

  private static double[] gaussian(SplittableRandom rng, int len) {
    double[] v = new double[len];
    for (int i = 0; i < len; i++) {
      v[i] = rng.nextGaussian();
    }
    return v;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  private static double norm(double[] v) {
    return Math.sqrt(dot(v, v));
  }
}
