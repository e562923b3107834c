package org.varpro.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.varpro.core.linalg.Lapack;

/**
 * The Gram step, by Cholesky per trial and by the eigendecomposition fall-back, against the
 * damped normal equations (H + μM)δ = −g it defines, and the fall-back's clamped form where the
 * Cholesky has nothing to factor.
 */
class GramStepSolverTest {
  private static final int P = 30;

  /** H = JᵀJ for a J whose column scales span 10^0..10^-3 (diag(H) over 6 decades). */
  private static double[] gaussNewton(Random rnd, int rows) {
    double[] j = new double[rows * P];
    for (int q = 0; q < P; q++) {
      for (int i = 0; i < rows; i++) {
        j[i + q * rows] = rnd.nextGaussian() * Math.pow(10, -q / 10.0);
      }
    }
    double[] h = new double[P * P];
    Lapack.gemm(true, false, P, P, rows, 1.0, j, 0, rows, j, 0, rows, 0.0, h, 0, P);
    return h;
  }

  private static double[] gradient(Random rnd) {
    double[] g = new double[P];
    for (int q = 0; q < P; q++) {
      g[q] = rnd.nextGaussian();
    }
    return g;
  }

  /**
   * Max over q of |((H + μM)δ + g)_q| / (‖g‖ + (‖H‖ + μ·max M)‖δ‖): a backward-stable solve
   * leaves a few units of rounding in this scale whatever the conditioning.
   */
  private static double residual(double[] h, double[] g, double[] delta, double mu, boolean diagonal) {
    double normH = 0;
    double normDelta = 0;
    double normG = 0;
    double maxM = 0;
    for (int q = 0; q < P; q++) {
      normH = Math.max(normH, P * Math.abs(h[q + q * P]));
      normDelta += delta[q] * delta[q];
      normG += g[q] * g[q];
      maxM = Math.max(maxM, diagonal ? h[q + q * P] : 1);
    }
    double bound = Math.sqrt(normG) + (normH + mu * maxM) * Math.sqrt(normDelta);
    double worst = 0;
    for (int q = 0; q < P; q++) {
      double res = g[q] + mu * (diagonal ? h[q + q * P] : 1) * delta[q];
      for (int c = 0; c < P; c++) {
        res += h[q + c * P] * delta[c];
      }
      worst = Math.max(worst, Math.abs(res) / bound);
    }
    return worst;
  }

  @Test
  void choleskyTrialsSolveTheDampedNormalEquationsWithAndWithoutScaling() {
    Random rnd = new Random(5);
    double[] h = gaussNewton(rnd, 3 * P);
    double[] g = gradient(rnd);
    for (boolean diagonal : new boolean[] {false, true}) {
      GramStepSolver s = new GramStepSolver(h, g, diagonal);
      for (double mu : new double[] {1, 1e-3, 1e-8}) {
        double r = residual(h, g, s.step(mu), mu, diagonal);
        assertEquals(0, r, 1e-13, "diagonal " + diagonal + ", mu " + mu);
      }
    }
  }

  @Test
  void withoutDampingTheEigenFallBackSolvesTheGaussNewtonSystem() {
    // μ = 0 has no Cholesky trial: the eigendecomposition gives δ = −H⁻¹g for a full-rank H.
    Random rnd = new Random(8);
    double[] h = gaussNewton(rnd, 3 * P);
    double[] g = gradient(rnd);
    for (boolean diagonal : new boolean[] {false, true}) {
      double r = residual(h, g, new GramStepSolver(h, g, diagonal).step(0), 0, diagonal);
      // dsyevd is backward stable (a few p·ε‖SHS‖), the same scale as the Cholesky trials'.
      assertEquals(0, r, 1e-13, "diagonal " + diagonal);
    }
  }

  @Test
  void aShiftedMatrixThatIsNotPositiveDefiniteFallsBackToTheClampedEigenStep() {
    // H = Q diag(λ) Qᵀ with one eigenvalue −1e-3 (what rounding can leave below 0) and μ = 1e-4:
    // H + μI is indefinite, dpotrf fails, and the step is −Q (max(λ, 0) + μ)⁻¹ Qᵀ g.
    Random rnd = new Random(13);
    // Orthogonal Q: the Householder Q of a random matrix applied to I.
    double[] a = new double[P * P];
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextGaussian();
    }
    double[] tau = Lapack.householder(a, P, P);
    double[] basis = new double[P * P];
    for (int i = 0; i < P; i++) {
      basis[i + i * P] = 1;
    }
    Lapack.applyQ(false, a, P, P, tau, basis, P);
    double[] lambda = new double[P];
    for (int k = 0; k < P; k++) {
      lambda[k] = k == 0 ? -1e-3 : Math.pow(10, -k / 6.0);
    }
    double[] h = new double[P * P];
    for (int c = 0; c < P; c++) {
      for (int r = 0; r < P; r++) {
        double s = 0;
        for (int k = 0; k < P; k++) {
          s += basis[r + k * P] * lambda[k] * basis[c + k * P];
        }
        h[r + c * P] = s;
      }
    }
    double[] g = gradient(rnd);
    double mu = 1e-4;
    double[] delta = new GramStepSolver(h, g, false).step(mu);
    for (int r = 0; r < P; r++) {
      double expected = 0;
      for (int k = 0; k < P; k++) {
        double qtg = 0;
        for (int i = 0; i < P; i++) {
          qtg += basis[i + k * P] * g[i];
        }
        expected -= basis[r + k * P] * qtg / (Math.max(lambda[k], 0) + mu);
      }
      // |expected| up to ‖g‖/μ ≈ 5e4; the eigensolver's backward error ε‖H‖ over the gap μ
      // amplifies rounding by ‖H‖/μ = 1e4: 1e-8 relative leaves two orders of margin.
      assertEquals(expected, delta[r], 1e-8 * Math.abs(expected) + 1e-6, "component " + r);
    }
  }
}
