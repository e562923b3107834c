package org.varpro.core.pde;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Perceptron;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.VarProSolver;

/** End to end: heat rows through the real perceptron (Taylor mode) and the VarPro solver. */
class PdeSolveTest {
  @Test
  void smallHeatFitConverges() {
    PdeProblem problem = PdeProblem.builder(LinearPdeTest.heat()).interiorPoints(400)
        .boundaryPoints(90).sampling(PdeProblem.Sampling.SOBOL).testGrid(41).build();
    Perceptron net = Perceptron.of(Activation.TANH, 2, 32);
    SolverOptions options = SolverOptions.builder().maxIterations(40).lambda(1e-12).build();
    SolverResult result = new VarProSolver(options, problem.listener(net, true))
        .solve(problem.localEvaluator(net), net.initialParams(1));
    PdeErrors.Report report = problem.errors(net, result.theta(), result.c());
    assertTrue(report.solution().relativeL2() < 1e-3, report.asMap().toString());
    IterationRecord first = result.history().get(0);
    IterationRecord last = result.history().get(result.history().size() - 1);
    assertTrue(last.extra().containsKey("relative_l2_error"));
    assertTrue(last.extra().containsKey("residual_rms_initial"));
    assertTrue(last.extra().get("relative_l2_error") < first.extra().get("relative_l2_error"));
  }
}
