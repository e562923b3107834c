package org.varpro.core.pde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Perceptron;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverListener;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.SolverState;
import org.varpro.core.solver.Validation;
import org.varpro.core.solver.VarProSolver;

/**
 * A run resumed from any completed iteration's {@link SolverState} repeats the uninterrupted run
 * bit for bit: every carried quantity (λ continuation, Nielsen's μ and ν, the principal-angle
 * iterate, the round of redrawn points, the best validation iterate) is in the state.
 */
class ResumeTest {
  @Test
  void resumingFromAnyIterationRepeatsTheUninterruptedRun() {
    PdeProblem problem = PdeProblem.builder(LinearPdeTest.heat()).interiorPoints(120).boundaryPoints(40)
        .seed(5).testGrid(11).build();
    PdeProblem heldOut = PdeProblem.builder(LinearPdeTest.heat()).interiorPoints(60).boundaryPoints(20)
        .seed(99).testGrid(11).build();
    Perceptron net = Perceptron.of(Activation.TANH, 2, 10);
    Validation validation = PdeValidation.of(net, heldOut);
    SolverOptions o = SolverOptions.builder().lambda(1e-6).lambdaFactor(0.5).resampleEvery(4).validationEvery(3)
        .principalAngles(true).relativeTolerance(0).maxIterations(14).build();
    List<SolverState> states = new ArrayList<>();
    SolverListener keep = new SolverListener() {
      @Override
      public void onCompleted(SolverState state) {
        states.add(state);
      }
    };
    SolverResult full = new VarProSolver(o, keep).solve(problem.localEvaluator(net), net.initialParams(4), validation);
    assertEquals(14, full.iterations());
    assertEquals(14, states.size());
    assertTrue(states.get(7).round() == 2 && states.get(7).previousTheta() == null, "iteration 8 redrew the points");
    for (int k : new int[] {1, 4, 6, 13, 14}) {
      SolverState at = states.get(k - 1);
      assertEquals(k, at.iteration());
      assertEquals(k, at.history().size(), "the state's history is the prefix at iteration " + k);
      SolverResult resumed = new VarProSolver(o).resume(problem.localEvaluator(net), at, validation);
      String where = "resumed after iteration " + k;
      assertArrayEquals(full.theta(), resumed.theta(), 0.0, where);
      assertArrayEquals(full.c(), resumed.c(), 0.0, where);
      assertEquals(full.loss(), resumed.loss(), 0.0, where);
      assertEquals(full.selectedIteration(), resumed.selectedIteration(), where);
      assertEquals(full.validationScore(), resumed.validationScore(), 0.0, where);
      assertEquals(full.history().size(), resumed.history().size(), where);
      for (int i = 0; i < full.history().size(); i++) {
        // Everything but the clock (column "seconds").
        assertEquals(withoutSeconds(full.history().get(i)), withoutSeconds(resumed.history().get(i)),
            where + ", record " + (i + 1));
      }
    }
  }

  private static List<Object> withoutSeconds(IterationRecord r) {
    List<Object> v = new ArrayList<>(List.of(r.values()));
    v.remove(1);
    v.add(r.extra());
    return v;
  }
}
