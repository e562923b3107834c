package org.varpro.core.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.varpro.core.classify.ClassifierOptions.STEP;

import org.junit.jupiter.api.Test;
import org.varpro.core.model.Activation;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.Deadline;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.StopReason;
import org.varpro.core.solver.TruncatedCg;

/**
 * The time budget holds inside an outer iteration: truncated CG stops at the deadline with the
 * iterate it has (the first CG iterate when the time is already up), and a run whose budget is
 * spent takes one short iteration, not a full one.
 */
class TimeBudgetTest {
  @Test
  void cgAtAPassedDeadlineReturnsTheFirstIterate() {
    int p = 10;
    double[] g = ClassifyFixtures.gaussian(4, p, 1.0);
    int[] products = new int[1];
    TruncatedCg.Operator matrix = ClassifyFixtures.operator(ClassifyFixtures.spd(3, p), p);
    TruncatedCg.Operator op = v -> {
      products[0]++;
      return matrix.apply(v);
    };
    double mu = 0.1;
    TruncatedCg.Result r = new TruncatedCg(1e-12, 100).solve(op, mu, g, Double.POSITIVE_INFINITY,
        Deadline.after(System.nanoTime(), 0));
    assertEquals(TruncatedCg.Stop.DEADLINE, r.stop());
    assertEquals(1, r.iterations());
    assertEquals(1, products[0]);
    // The first CG iterate is the Cauchy point along −g: −(gᵀg / gᵀ(H + μI)g) g.
    double[] hg = op.apply(g);
    double curvature = TruncatedCg.dot(g, hg) + mu * TruncatedCg.dot(g, g);
    double alpha = TruncatedCg.dot(g, g) / curvature;
    double[] cauchy = new double[p];
    for (int q = 0; q < p; q++) {
      cauchy[q] = -alpha * g[q];
    }
    assertArrayEquals(cauchy, r.step(), 1e-14 * ClassifyFixtures.norm(cauchy));
    assertTrue(r.predictedReduction(g) > 0);
    // Without a deadline the same solve runs to its tolerance.
    TruncatedCg.Result full = new TruncatedCg(1e-12, 100).solve(op, mu, g, Double.POSITIVE_INFINITY, Deadline.NONE);
    assertEquals(TruncatedCg.Stop.CONVERGED, full.stop());
  }

  @Test
  void aSpentBudgetEndsTheRunWithinOneShortIteration() {
    JvpPerceptron net = JvpPerceptron.of(Activation.TANH, 3, 6, 4);
    RowBlock rows = ClassifyFixtures.rows(41, 300, 3, 3);
    ClassifierOptions o = ClassifierOptions.builder().set(STEP, ClassifierStep.MATRIX_FREE).cgMaxIterations(30)
        .cgTolerance(1e-12).maxIterations(5).build();
    SolverResult free = new ClassifierSolver(o).solve(LocalClassifyEvaluator.ofRows(net, 3, rows, 64),
        net.initialParams(2));
    IterationRecord first = free.history().get(0);
    assertTrue(first.figure("cg_iterations") > 10, "products without a budget " + first.figure("cg_iterations"));
    o = o.toBuilder().timeBudgetSeconds(1e-9).build();
    SolverResult spent = new ClassifierSolver(o).solve(LocalClassifyEvaluator.ofRows(net, 3, rows, 64),
        net.initialParams(2));
    assertEquals(StopReason.TIME_BUDGET, spent.stopReason());
    assertEquals(1, spent.iterations());
    IterationRecord only = spent.history().get(0);
    // One product for the first damping (‖Hg‖/‖g‖) and the one CG product the deadline allows.
    assertEquals(2.0, only.figure("cg_iterations"), 0.0);
    // The inner solves stopped after one Newton step each: the first one at θ₀ and the trial's.
    assertEquals(1.0, only.figure("inner_iterations"), 0.0);
    assertTrue(spent.loss() <= only.loss());
  }
}
