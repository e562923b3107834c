package org.varpro.core.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Initialization;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;

/** Central finite differences against the exact gradient of F(θ, C) in θ and C. */
class FullProblemGradientTest {
  private static final double TOLERANCE = 1e-6;

  private static Perceptron tanh2to5() {
    return new Perceptron(new int[] {2, 5}, Activation.TANH, true, true, 1.3, Initialization.XAVIER, 0, 1, 2);
  }

  @Test
  void gradientMatchesCentralDifferencesOnRegressionRows() {
    Perceptron net = tanh2to5();
    RowBlock rows = BaselineFixtures.regression(5, 23, 2, 2, true,
        (x, j) -> j == 0 ? Math.sin(2 * x[0]) * x[1] : Math.cos(x[0] + 3 * x[1]));
    // Two blocks, so the sums over blocks are exercised too.
    FullProblem problem = new FullProblem(net, rows.split(10), 0.1);
    double[] x = problem.pack(net.initialParams(7), BaselineFixtures.gaussian(8, problem.cLength(), 0.7));
    check(problem, x);
  }

  /** Both gradient paths (fused single pass, in row chunks, and two passes) on the same point. */
  @Test
  void gradientPathsAgree() {
    Perceptron net = tanh2to5();
    RowBlock rows = BaselineFixtures.regression(15, 31, 2, 2, true, (x, j) -> x[0] * x[1] + j);
    FullProblem problem = new FullProblem(net, rows.split(20), 0.1);
    double[] x = problem.pack(net.initialParams(16), BaselineFixtures.gaussian(17, problem.cLength(), 0.7));
    double[] fused = new double[problem.dimension()];
    double fFused = problem.lossAndGradient(x, fused);
    problem.fusedMaxDoubles = 3 * 2 * problem.thetaLength(); // 3-row chunks
    double[] chunked = new double[problem.dimension()];
    double fChunked = problem.lossAndGradient(x, chunked);
    check(problem, x);
    problem.fusedMaxOutputs = 0;
    double[] twoPass = new double[problem.dimension()];
    double fTwoPass = problem.lossAndGradient(x, twoPass);
    check(problem, x);
    assertEquals(fFused, fChunked, 1e-13 * fFused);
    assertEquals(fFused, fTwoPass, 1e-13 * fFused);
    assertEquals(fFused, problem.loss(x), 1e-13 * fFused);
    for (int q = 0; q < fused.length; q++) {
      double scale = Math.max(1e-3, Math.abs(fused[q]));
      assertEquals(fused[q], chunked[q], 1e-12 * scale, "chunked, parameter " + q);
      assertEquals(fused[q], twoPass[q], 1e-12 * scale, "two-pass, parameter " + q);
    }
  }

  @Test
  void gradientMatchesCentralDifferencesWithManyOutputs() {
    Perceptron net = tanh2to5();
    RowBlock rows = BaselineFixtures.regression(18, 19, 2, 6, true, (x, j) -> Math.sin(j * x[0] + x[1]));
    FullProblem problem = new FullProblem(net, new RowBlock[] {rows}, 0.1);
    double[] x = problem.pack(net.initialParams(19), BaselineFixtures.gaussian(20, problem.cLength(), 0.7));
    check(problem, x);
  }

  @Test
  void gradientMatchesCentralDifferencesOnOperatorRows() {
    Perceptron net = tanh2to5();
    RowBlock rows = BaselineFixtures.operatorRows(9, 17, 2, 2);
    FullProblem problem = new FullProblem(net, new RowBlock[] {rows}, 0.1);
    double[] x = problem.pack(net.initialParams(10), BaselineFixtures.gaussian(11, problem.cLength(), 0.7));
    check(problem, x);
  }

  @Test
  void lossMatchesDefinition() {
    Perceptron net = tanh2to5();
    RowBlock rows = BaselineFixtures.regression(12, 9, 2, 2, true, (x, j) -> x[0] - j * x[1] * x[1]);
    double lambda = 0.1;
    FullProblem problem = new FullProblem(net, new RowBlock[] {rows}, lambda);
    double[] theta = net.initialParams(13);
    double[] c = BaselineFixtures.gaussian(14, problem.cLength(), 0.5);
    double[] pred = problem.predict(theta, c, rows);
    double expected = 0;
    double num = 0;
    double den = 0;
    for (int i = 0; i < rows.rows; i++) {
      for (int j = 0; j < 2; j++) {
        double r = pred[i + j * rows.rows] - rows.target(i, j);
        expected += 0.5 * rows.weight[i] * r * r;
        num += r * r;
        den += rows.target(i, j) * rows.target(i, j);
      }
    }
    for (double v : c) {
      expected += 0.5 * lambda * v * v;
    }
    assertEquals(expected, problem.loss(problem.pack(theta, c)), 1e-13 * expected);
    assertEquals(Math.sqrt(num / den), problem.relativeError(theta, c), 1e-13);
  }

  private static void check(FullProblem problem, double[] x) {
    double[] g = new double[problem.dimension()];
    problem.lossAndGradient(x, g);
    double gmax = 0;
    for (double v : g) {
      gmax = Math.max(gmax, Math.abs(v));
    }
    double worst = 0;
    int worstAt = -1;
    for (int q = 0; q < x.length; q++) {
      double h = 1e-5 * Math.max(1, Math.abs(x[q]));
      double[] xp = x.clone();
      double[] xm = x.clone();
      xp[q] += h;
      xm[q] -= h;
      double fd = (problem.loss(xp) - problem.loss(xm)) / (2 * h);
      // Relative error, with a floor so that (near-)zero components are compared at the
      // gradient's own scale.
      double err = Math.abs(fd - g[q]) / Math.max(Math.abs(g[q]), 1e-3 * gmax);
      if (err > worst) {
        worst = err;
        worstAt = q;
      }
    }
    assertTrue(gmax > 0, "gradient vanished: the check would be empty");
    assertTrue(worst <= TOLERANCE, "max relative error " + worst + " at parameter " + worstAt
        + " (θ has " + problem.thetaLength() + ")");
  }
}
