package org.varpro.core.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.InnerSolution;
import org.varpro.core.solver.InnerSolver;
import org.varpro.core.solver.LocalEvaluator;
import org.varpro.core.stats.StatsKind;

/** Adam, L-BFGS and ELM on small problems; iteration caps only, no timing assertions. */
class OptimizerBaselineTest {

  private static FullProblem smallRegression(Perceptron net) {
    RowBlock rows = BaselineFixtures.regression(21, 120, 2, 1, false,
        (x, j) -> Math.sin(2 * x[0]) + 0.5 * x[1] * x[1]);
    return new FullProblem(net, rows.split(50), 0);
  }

  @Test
  void adamDecreasesTheLoss() {
    Perceptron net = Perceptron.of(Activation.TANH, 2, 12);
    FullProblem problem = smallRegression(net);
    BaselineResult r = new Adam().learningRate(1e-2).maxIterations(2000)
        .minimize(problem, net.initialParams(1), Adam.zeroOutputs(problem));
    double initial = r.history().get(0).loss();
    assertEquals(2000, r.iterations());
    assertEquals(2001, r.history().size());
    assertTrue(r.loss() < 0.1 * initial, "Adam: " + initial + " -> " + r.loss());
    assertEquals(r.loss(), problem.loss(problem.pack(r.theta(), r.c())), 1e-12 * r.loss());
  }

  @Test
  void lbfgsDecreasesTheLoss() {
    Perceptron net = Perceptron.of(Activation.TANH, 2, 12);
    FullProblem problem = smallRegression(net);
    BaselineResult r = new Lbfgs().maxIterations(300)
        .minimize(problem, net.initialParams(1), Adam.zeroOutputs(problem));
    double initial = r.history().get(0).loss();
    assertTrue(r.loss() < 0.1 * initial, "L-BFGS: " + initial + " -> " + r.loss());
    // The line search only accepts decreasing steps.
    for (int i = 1; i < r.history().size(); i++) {
      assertTrue(r.history().get(i).loss() <= r.history().get(i - 1).loss());
    }
    assertEquals(r.loss(), problem.loss(problem.pack(r.theta(), r.c())), 1e-12 * r.loss());
  }

  /**
   * A deep linear model W then C on targets that are an exact linear map of x: the global
   * minimum is zero and, with full width, there are no spurious local minima.
   */
  @Test
  void lbfgsReachesTheZeroLossOfAnExactLinearModel() {
    Perceptron net = Perceptron.deepLinear(3, 3);
    double[][] m = {{0.7, -1.2, 0.4}, {0.3, 0.9, -2.0}};
    RowBlock rows = BaselineFixtures.regression(31, 40, 3, 2, true,
        (x, j) -> m[j][0] * x[0] + m[j][1] * x[1] + m[j][2] * x[2]);
    FullProblem problem = new FullProblem(net, new RowBlock[] {rows}, 0);
    BaselineResult r = new Lbfgs().maxIterations(2000)
        .minimize(problem, net.initialParams(2), Adam.zeroOutputs(problem));
    double initial = r.history().get(0).loss();
    assertTrue(r.loss() < 1e-12 * initial, "L-BFGS: " + initial + " -> " + r.loss()
        + " after " + r.iterations() + " iterations");
    assertTrue(problem.relativeError(r.theta(), r.c()) < 1e-5);
  }

  /** ELM: C is the exact minimizer at fixed θ, so ∂F/∂C vanishes and the loss is the inner one. */
  @Test
  void elmSolvesForTheOutputWeightsExactly() {
    Perceptron net = Perceptron.of(Activation.TANH, 2, 12);
    RowBlock rows = BaselineFixtures.regression(41, 90, 2, 2, true,
        (x, j) -> j == 0 ? Math.sin(2 * x[0]) : x[0] * x[1]);
    RowBlock[] blocks = rows.split(40);
    double lambda = 1e-3;
    double[] theta = net.initialParams(3);
    BaselineResult r = Elm.fit(net, blocks, theta, lambda);
    FullProblem problem = new FullProblem(net, blocks, lambda);
    double[] g = new double[problem.dimension()];
    problem.lossAndGradient(problem.pack(r.theta(), r.c()), g);
    double gc = 0;
    for (int i = problem.thetaLength(); i < g.length; i++) {
      gc = Math.max(gc, Math.abs(g[i]));
    }
    assertTrue(gc < 1e-10, "∂F/∂C at the ELM solution: " + gc);
    InnerSolution inner = InnerSolver.solve(new LocalEvaluator(net, blocks).project(theta, StatsKind.QR), lambda);
    assertEquals(inner.loss(), r.loss(), 1e-10 * r.loss());
    // Nothing else can do better at the same θ: perturbing C only raises the loss.
    double[] c = r.c().clone();
    c[0] += 1e-3;
    assertTrue(problem.loss(problem.pack(theta, c)) > r.loss());
  }
}
