package org.varpro.core.pde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.InnerSolver;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.LocalEvaluator;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.VarProSolver;
import org.varpro.core.stats.StatsKind;

/** Redrawing the collocation points during a solve (solver.resample-every). */
class ResampleTest {
  private static PdeProblem heat(int interior, int boundary) {
    return PdeProblem.builder(LinearPdeTest.heat()).interiorPoints(interior).boundaryPoints(boundary)
        .seed(7).testGrid(41).build();
  }

  @Test
  void roundsKeepCountsAndWeightsAndDrawNewReproduciblePoints() {
    PdeProblem problem = heat(200, 60);
    assertTrue(problem.round(0) == problem);
    PdeProblem first = problem.round(1);
    assertEquals(problem.totalRows(), first.totalRows());
    for (RowGroup g : RowGroup.values()) {
      assertEquals(problem.rowCount(g), first.rowCount(g));
      assertEquals(problem.rowWeight(g), first.rowWeight(g));
    }
    double[] x0 = problem.interiorPoints(0, 1).x;
    double[] x1 = first.interiorPoints(0, 1).x;
    assertEquals(x0.length, x1.length);
    assertFalse(java.util.Arrays.equals(x0, x1), "round 1 must draw new points");
    assertArrayEquals(x1, problem.round(1).interiorPoints(0, 1).x, 0.0);
    assertFalse(java.util.Arrays.equals(x1, problem.round(2).interiorPoints(0, 1).x));
  }

  @Test
  void lossAfterARedrawIsTheLossOfTheNewRowsAtTheSameParameters() {
    PdeProblem problem = heat(150, 45);
    Perceptron net = Perceptron.of(Activation.TANH, 2, 12);
    SolverOptions options = SolverOptions.builder().lambda(1e-8).principalAngles(false).resampleEvery(3)
        .maxIterations(3).build();
    // Three iterations on round 0 (no redraw after the last iteration)...
    SolverResult three = new VarProSolver(options).solve(problem.localEvaluator(net), net.initialParams(3));
    options = options.toBuilder().maxIterations(5).build();
    SolverResult five = new VarProSolver(options).solve(problem.localEvaluator(net), net.initialParams(3));
    // ... are the first three of a longer run, whose fourth iteration starts on round 1's rows.
    for (int i = 0; i < 3; i++) {
      assertEquals(three.history().get(i).loss(), five.history().get(i).loss(), 0.0);
    }
    IterationRecord fourth = five.history().get(3);
    // The solver's passes are fused (one-hidden-layer net): projected as it does, the loss is its bits.
    LocalEvaluator round1 = problem.round(1).localEvaluator(net);
    round1.planJacobianAtAcceptedTrials(true);
    double onRound1 = InnerSolver.solve(round1.project(three.theta(), StatsKind.QR), options.lambda()).loss();
    double onRound0 = InnerSolver.solve(problem.localEvaluator(net).project(three.theta(), StatsKind.QR),
        options.lambda()).loss();
    assertEquals(onRound1, fourth.loss(), 0.0);
    assertNotEquals(onRound0, fourth.loss(), 1e-6 * onRound0);
  }

  @Test
  void fixedDataCannotBeRedrawn() {
    PdeProblem problem = heat(50, 20);
    Perceptron net = Perceptron.of(Activation.TANH, 2, 4);
    RowBlock[] blocks = problem.trainingBlocks();
    SolverOptions options = SolverOptions.builder().resampleEvery(2).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new VarProSolver(options).solve(new LocalEvaluator(net, blocks), net.initialParams(1)));
    assertTrue(e.getMessage().contains("resample-every"), e.getMessage());
  }

  @Test
  void redrawnPointsGeneralizeWhereAFixedSetIsInterpolated() {
    // 130 rows, 320 hidden parameters: a fixed point set can be interpolated.
    PdeProblem problem = heat(100, 30);
    Perceptron net = Perceptron.of(Activation.TANH, 2, 16, 16);
    double[] errors = new double[2];
    for (int k = 0; k < 2; k++) {
      SolverOptions options = SolverOptions.builder().lambda(1e-8).lambdaFactor(0.9).principalAngles(false)
          .maxIterations(150).resampleEvery(k == 0 ? 0 : 10).build();
      SolverResult r = new VarProSolver(options).solve(problem.localEvaluator(net), net.initialParams(2));
      errors[k] = problem.testErrors(net, r.theta(), r.c()).relativeL2();
    }
    System.out.printf("fixed points: relative L2 %.3e; redrawn every 10 iterations: %.3e%n", errors[0], errors[1]);
    assertTrue(errors[1] < errors[0] / 3, java.util.Arrays.toString(errors));
  }
}
