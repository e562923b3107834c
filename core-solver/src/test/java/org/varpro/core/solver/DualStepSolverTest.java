package org.varpro.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.varpro.core.linalg.Lapack;

/**
 * The dual step δ = −Jᵀ(JJᵀ + μI)⁻¹r against its defining normal equations
 * (JᵀJ + μI)δ = −Jᵀr, for a wide J (fewer rows than parameters) with graded columns, by both
 * solves of the m×m system: the Cholesky factorization of each K + μI and the eigen fallback.
 */
class DualStepSolverTest {
  @Test
  void choleskyAndEigenSolvesSatisfyTheDampedNormalEquations() {
    checkNormalEquations(12, 40, false);
  }

  /**
   * p = 2,048 forms K from {@link DualStepSolver#chunks} = 4 column chunks (on the machine's
   * threads), with diagonal scaling applied to J in place: the same equations in the scaled
   * variables, (SJᵀJS + μI)δ̃ = −SJᵀr.
   */
  @Test
  void columnChunksWithDiagonalScalingSatisfyTheDampedNormalEquations() {
    assertEquals(4, DualStepSolver.chunks(2048));
    checkNormalEquations(12, 2048, true);
  }

  private static void checkNormalEquations(int rows, int p, boolean diagonalScaling) {
    Random rnd = new Random(5);
    double[] j = new double[rows * p];
    for (int q = 0; q < p; q++) {
      for (int i = 0; i < rows; i++) {
        j[i + q * rows] = rnd.nextGaussian() * Math.pow(10, -(q % 40) / 10.0);
      }
    }
    double[] r = new double[rows];
    for (int i = 0; i < rows; i++) {
      r[i] = rnd.nextGaussian();
    }
    DualStepSolver solver = DualStepSolver.of(j, rows, p, r, diagonalScaling);
    // JS, with S = diag(JᵀJ)^(−½) when scaling (the columns' norms), else I.
    double[] js = j.clone();
    if (diagonalScaling) {
      for (int q = 0; q < p; q++) {
        double norm = 0;
        for (int i = 0; i < rows; i++) {
          norm += j[i + q * rows] * j[i + q * rows];
        }
        for (int i = 0; i < rows; i++) {
          js[i + q * rows] /= Math.sqrt(norm);
        }
      }
    }
    double[] h = new double[p * p];
    Lapack.gemm(true, false, p, p, rows, 1.0, js, 0, rows, js, 0, rows, 0.0, h, 0, p);
    double[] jtr = new double[p];
    double scale = 0;
    for (int q = 0; q < p; q++) {
      for (int i = 0; i < rows; i++) {
        jtr[q] += js[i + q * rows] * r[i];
      }
      scale = Math.max(scale, h[q + q * p]);
    }
    for (double mu : new double[] {1e-1, 1e-4, 1e-7}) {
      for (boolean eigen : new boolean[] {false, true}) {
        double[] delta = solver.solveScaled(mu, eigen);
        // Residual relative to ‖Jᵀr‖ + (p·max diag(JᵀJ) + μ)‖δ‖: a backward-stable solve leaves a
        // few units of rounding in this scale whatever the conditioning of K + μI.
        double bound = StepSystem.Trial.norm(jtr) + (p * scale + mu) * StepSystem.Trial.norm(delta);
        for (int q = 0; q < p; q++) {
          double res = mu * delta[q] + jtr[q];
          for (int c = 0; c < p; c++) {
            res += h[q + c * p] * delta[c];
          }
          assertEquals(0, res / bound, 1e-13, "mu " + mu + (eigen ? " eigen" : " cholesky") + ", q " + q);
        }
      }
    }
  }
}
