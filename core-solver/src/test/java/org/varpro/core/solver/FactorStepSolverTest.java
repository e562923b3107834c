package org.varpro.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.varpro.core.linalg.Lapack;

/**
 * The damped factor step against its defining normal equations (JᵀJ + μI)δ = Jᵀb, for the
 * triangular J of the Kaufman factor (the structured merge with √μ·I), a tall J (reduced to a
 * triangle first) and a wide J (the dense stacked QR).
 */
class FactorStepSolverTest {
  @Test
  void triangularTallAndWideStacksSolveTheDampedNormalEquations() {
    Random rnd = new Random(11);
    int p = 40;
    for (int rows : new int[] {p, 3 * p, p / 2}) {
      double[] j = new double[rows * p];
      for (int q = 0; q < p; q++) {
        for (int i = 0; i < rows; i++) {
          j[i + q * rows] = rows == p && i > q ? 0 : rnd.nextGaussian() * Math.pow(10, -q / 10.0);
        }
      }
      double[] b = new double[rows];
      for (int i = 0; i < rows; i++) {
        b[i] = rnd.nextGaussian();
      }
      for (double mu : new double[] {1e-1, 1e-4, 1e-7}) {
        double[] delta = FactorStepSolver.of(j, rows, p, b, false).step(mu);
        // (JᵀJ + μI)δ − Jᵀb, relative to ‖Jᵀb‖ + (‖JᵀJ‖ + μ)‖δ‖: a backward-stable solve leaves a
        // residual of a few units of rounding in this scale whatever the conditioning.
        double[] h = new double[p * p];
        Lapack.gemm(true, false, p, p, rows, 1.0, j, 0, rows, j, 0, rows, 0.0, h, 0, p);
        double scale = 0;
        double normDelta = 0;
        double normJtb = 0;
        for (int q = 0; q < p; q++) {
          normDelta += delta[q] * delta[q];
          double jtb = 0;
          for (int i = 0; i < rows; i++) {
            jtb += j[i + q * rows] * b[i];
          }
          normJtb += jtb * jtb;
          scale = Math.max(scale, h[q + q * p]);
        }
        double bound = Math.sqrt(normJtb) + (p * scale + mu) * Math.sqrt(normDelta);
        for (int q = 0; q < p; q++) {
          double res = mu * delta[q];
          for (int c = 0; c < p; c++) {
            res += h[q + c * p] * delta[c];
          }
          for (int i = 0; i < rows; i++) {
            res -= j[i + q * rows] * b[i];
          }
          assertEquals(0, res / bound, 1e-13, "rows " + rows + ", mu " + mu + ", q " + q);
        }
      }
    }
  }
}
