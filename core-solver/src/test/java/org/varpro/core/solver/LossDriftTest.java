package org.varpro.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Steps accepted within the loss's rounding level ε must not add up: on a scripted loss that
 * rises by less than ε at every step (each trial passes a test against the current loss), the
 * run takes steps only while the loss stays within 2ε of the lowest loss it has seen, and a run
 * stopped and resumed from its state draws the same line.
 */
class LossDriftTest {
  /** Rise per step, a tenth of the rounding level. */
  static final double DRIFT = 1e-10;
  static final double ROUNDING = 1.04e-9;

  /** 1 + DRIFT·k: every step rises, by less than ε. */
  static double loss(int steps) {
    return 1 + DRIFT * steps;
  }

  static ScriptedProblem rising() {
    // A predicted decrease of DRIFT: ρ = (ε − DRIFT)/(ε + DRIFT) > 0 for every step.
    return new ScriptedProblem(LossDriftTest::loss, DRIFT, ROUNDING);
  }

  @Test
  void theLossStaysWithinTheRoundingLevelOfItsLowest() {
    SolverOptions options = SolverOptions.builder().maxIterations(1000).build();
    SolverResult r = new LevenbergMarquardt(options, null).run(rising(), new double[] {0}, null, null);
    // Steps 1..20 end at most 20·DRIFT = 2.0e-9 < 2ε = 2.08e-9 above the start (the lowest
    // loss); the 21st would end 2.1e-9 above it and is rejected at every μ (the scripted step
    // does not shrink): the run stalls in iteration 21, at the loss of step 20. Measured against
    // the current loss only, every step passed and the run went on until the relative-tolerance
    // window ended it 25 steps (2.5e-9) above its start.
    assertEquals(StopReason.STALLED, r.stopReason());
    assertEquals(21, r.iterations());
    assertEquals(loss(20), r.loss(), 0);
  }

  @Test
  void aResumedRunKeepsTheLowestLossOfTheRunBeforeIt() {
    List<SolverState> states = new ArrayList<>();
    SolverListener keep = new SolverListener() {
      @Override
      public void onCompleted(SolverState state) {
        states.add(state);
      }
    };
    SolverOptions first = SolverOptions.builder().maxIterations(5).build();
    new LevenbergMarquardt(first, keep).run(rising(), new double[] {0}, null, null);
    SolverState stopped = states.get(states.size() - 1);
    assertEquals(5, stopped.iteration());
    // The state does not carry the lowest loss: it is read back from the state's history. Taken
    // as the resumed run's current loss instead, it would let the run climb until the
    // relative-tolerance window stops it at iteration 25.
    SolverOptions rest = SolverOptions.builder().maxIterations(1000).build();
    SolverResult r = new LevenbergMarquardt(rest, null).run(rising(), stopped.theta(), stopped, null);
    assertEquals(StopReason.STALLED, r.stopReason());
    assertEquals(21, r.iterations());
    assertEquals(loss(20), r.loss(), 0);
  }
}
