package org.varpro.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The relative-tolerance stop of {@link LevenbergMarquardt} on a scripted objective whose steps
 * are accepted within its rounding level: a loss that still falls, with noise that makes three
 * steps in a row rise, must not stop the run; a loss that no longer falls must, at the iteration
 * the closed form below gives.
 */
class RelativeToleranceStopTest {
  static final double TOLERANCE = 1e-10;
  /** Trend per step (a tenth of the tolerance) until the floor. */
  static final double TREND = 1e-11;
  /** Noise: +NOISE·(k mod 4), so steps 1, 2, 3 of every four rise by NOISE − TREND each. */
  static final double NOISE = 3.5e-11;
  /** The loss stops falling after this many steps. */
  static final int FLOOR = 100;

  /** Loss after k unit steps: 1 − TREND·min(k, FLOOR) + NOISE·(k mod 4). */
  static double loss(int steps) {
    return 1 - TREND * Math.min(steps, FLOOR) + NOISE * (steps % 4);
  }

  @Test
  void risingThreeTimesInARowWhileStillFallingDoesNotStopAFallingLossDoes() {
    SolverOptions options = SolverOptions.builder().relativeTolerance(TOLERANCE).maxIterations(1000).build();
    SolverResult r = new LevenbergMarquardt(options, null).run(
        // Every step predicts a decrease of the tolerance; rises of NOISE − TREND = 2.5e-11 are
        // within the rounding level of 1e-9: every step is accepted.
        new ScriptedProblem(RelativeToleranceStopTest::loss, TOLERANCE, 1e-9), new double[] {0}, null, null);
    // Steps k ≡ 1, 2, 3 (mod 4) rise (three slow steps in a row from iteration 3 on). At such a
    // k ≡ 3 the loss fell over the last 25 steps by TREND·(min(k, FLOOR) − (k − 25)) − NOISE
    // (the noise of k − 25 ≡ 2 is one NOISE less): 21.5e-11 > TOLERANCE before the floor, and
    // at most TOLERANCE once TREND·(FLOOR − k + 25) ≤ TOLERANCE + NOISE, i.e. k ≥ FLOOR + 11.5:
    // the first k ≡ 3 (mod 4) from there is 115.
    assertEquals(StopReason.RELATIVE_TOLERANCE, r.stopReason());
    assertEquals(115, r.iterations());
    assertEquals(loss(115), r.loss(), 0);
  }
}
