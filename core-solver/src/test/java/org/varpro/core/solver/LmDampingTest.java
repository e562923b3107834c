package org.varpro.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The damping rules against their closed forms. */
class LmDampingTest {

  @Test
  void nielsenStartsAtTauTimesTheLargestCurvatureAndKeepsItsMuAfterwards() {
    SolverOptions o = SolverOptions.builder().tau(1e-3).build();
    LmDamping d = LmDamping.start(o);
    assertEquals(1e-3 * 8.0, d.initial(8.0, 1.0), 0);
    // The carried μ wins over a new curvature.
    assertEquals(8e-3, d.initial(100.0, 1.0), 0);
  }

  @Test
  void acceptedStepsScaleMuByNielsensFactor() {
    SolverOptions o = SolverOptions.builder().build();
    // (ρ, factor): max(1/3, 1 − (2ρ − 1)³): 1/3 for ρ ≥ 1, 1 at ρ = 1/2, 2 at ρ → 0.
    double[][] cases = {{1.0, 1.0 / 3}, {2.0, 1.0 / 3}, {0.5, 1.0}, {0.0, 2.0}, {0.75, 1 - 0.125}};
    for (double[] c : cases) {
      LmDamping d = new LmDamping(o, 1.0);
      d.accepted(c[0]);
      assertEquals(c[1], d.mu(), 1e-15, "rho = " + c[0]);
    }
  }

  @Test
  void rejectionsGrowMuGeometricallyNotSuperExponentially() {
    LmDamping d = new LmDamping(SolverOptions.builder().build(), 1e-14);
    for (int k = 1; k <= 40; k++) {
      assertTrue(d.rejected());
      // 4^k exactly: powers of two are exact in binary floating point.
      assertEquals(1e-14 * Math.pow(4, k), d.mu(), 1e-14 * Math.pow(4, k) * 1e-15);
    }
    LmDamping huge = new LmDamping(SolverOptions.builder().build(), Double.MAX_VALUE / 2);
    assertFalse(huge.rejected(), "an overflowing μ reports that no larger damping exists");
  }

  @Test
  void residualScheduleFollowsTheResidualNorm() {
    SolverOptions o = SolverOptions.builder().damping(Damping.RESIDUAL).residualKappa(3).residualExponent(2).build();
    LmDamping d = LmDamping.start(o);
    // ‖r‖ = √(2f) = 0.1 → μ = 3·0.1² = 0.03, recomputed at every iteration.
    assertEquals(0.03, d.initial(1.0, 0.005), 1e-16);
    d.accepted(1.0);
    assertEquals(0.03, d.mu(), 1e-16, "accepting does not change the residual schedule's μ");
    assertEquals(3 * 0.2 * 0.2, d.initial(1.0, 0.02), 1e-16);
  }

  @Test
  void gainRatioAndAcceptance() {
    assertEquals(0.5, LmDamping.gainRatio(1, 2, 0), 0);
    assertTrue(Double.isNaN(LmDamping.gainRatio(1, 0, 0)), "no predicted decrease: no ratio");
    // acceptable(trial loss, current − trial, lowest loss so far, ρ, ε)
    assertTrue(LmDamping.acceptable(1.0, 0.1, 1.1, 0.5, 0));
    assertFalse(LmDamping.acceptable(1.0, -0.1, 0.9, -0.5, 0));
    assertFalse(LmDamping.acceptable(1.0, 0, 1.0, 0.5, 0), "ε = 0: no decrease, no step");
    assertFalse(LmDamping.acceptable(Double.NaN, 0.1, 1.1, 0.5, 0));
    assertFalse(LmDamping.acceptable(1.0, 0.1, 1.1, Double.NaN, 0));
  }

  @Test
  void withinTheRoundingLevelATrialIsJudgedByTheModel() {
    // Predicted 1e-20, the loss rose by 5e-20 (rounding), rounding level 1e-18: accepted, ρ ≈ 1.
    double rho = LmDamping.gainRatio(-5e-20, 1e-20, 1e-18);
    assertEquals((1e-18 - 5e-20) / (1e-18 + 1e-20), rho, 1e-15);
    assertTrue(LmDamping.acceptable(1e-16 + 5e-20, -5e-20, 1e-16, rho, 1e-18));
    // A rise above the rounding level is a real failure.
    double bad = LmDamping.gainRatio(-5e-18, 1e-20, 1e-18);
    assertFalse(LmDamping.acceptable(1e-16 + 5e-18, -5e-18, 1e-16, bad, 1e-18));
    // So is a rise within the level of the current loss that ends more than 2ε above the
    // lowest loss of the run.
    assertFalse(LmDamping.acceptable(1e-16 + 2.3e-18, -5e-19, 1e-16, rho, 1e-18));
    assertTrue(LmDamping.acceptable(1e-16 + 1.7e-18, -5e-19, 1e-16, rho, 1e-18));
  }
}
