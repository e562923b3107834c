package org.varpro.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The sizing of MLlib's fits in {@code bench classify} and the choice of its model, on timings with known answers. */
class MllibRoundsTest {
  @Test
  void leastSquaresRecoversAnExactLine() {
    // 2.5 s fixed + 0.4 s per iteration, exactly.
    MllibRounds.Rate r = MllibRounds.Rate.fit(new int[] {5, 10, 20}, new double[] {4.5, 6.5, 10.5});
    assertEquals(2.5, r.fixed(), 1e-12);
    assertEquals(0.4, r.perIteration(), 1e-12);
    // Noise around the line: the least-squares line through three points, by hand.
    MllibRounds.Rate n = MllibRounds.Rate.fit(new int[] {5, 10, 20}, new double[] {4.6, 6.3, 10.6});
    // mean n = 35/3, mean t = 21.5/3; slope = Σ(n−n̄)(t−t̄)/Σ(n−n̄)².
    double nbar = 35.0 / 3;
    double tbar = 21.5 / 3;
    double snn = Math.pow(5 - nbar, 2) + Math.pow(10 - nbar, 2) + Math.pow(20 - nbar, 2);
    double snt = (5 - nbar) * (4.6 - tbar) + (10 - nbar) * (6.3 - tbar) + (20 - nbar) * (10.6 - tbar);
    assertEquals(snt / snn, n.perIteration(), 1e-12);
    assertEquals(tbar - snt / snn * nbar, n.fixed(), 1e-12);
  }

  @Test
  void noiseThatBreaksTheLineFallsBackPessimistically() {
    // A negative intercept: the slope through the origin, Σ n t / Σ n².
    MllibRounds.Rate origin = MllibRounds.Rate.fit(new int[] {10, 20}, new double[] {1.0, 3.0});
    assertEquals(0.0, origin.fixed(), 0.0);
    assertEquals((10 * 1.0 + 20 * 3.0) / (100.0 + 400.0), origin.perIteration(), 1e-15);
    // Longer fits that took less time: the slowest seconds per iteration of any fit.
    MllibRounds.Rate flat = MllibRounds.Rate.fit(new int[] {5, 10, 20}, new double[] {6.0, 5.0, 5.5});
    assertEquals(0.0, flat.fixed(), 0.0);
    assertEquals(6.0 / 5, flat.perIteration(), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> MllibRounds.Rate.fit(new int[] {5, 5}, new double[] {1, 2}));
    assertThrows(IllegalArgumentException.class, () -> MllibRounds.Rate.fit(new int[] {5}, new double[] {1}));
  }

  @Test
  void roundsAreSizedOnTheShareAndOnTheTimeLeft() {
    MllibRounds.Rate r = new MllibRounds.Rate(2.0, 0.5);
    // 70% of 100 s: (70 − 2)/0.5 = 136 iterations.
    assertEquals(136, MllibRounds.firstRound(r, 100, 0.7));
    // A round of 136 iterations in 70 s joins calibration fits on the line 2 + 0.5 n: the refit
    // is the least-squares line through all four points.
    MllibRounds.Fits fits = new MllibRounds.Fits();
    fits.add(5, 4.5);
    fits.add(10, 7.0);
    fits.add(20, 12.0);
    fits.add(136, 70.0);
    MllibRounds.Rate refit = fits.rate();
    double[] n = {5, 10, 20, 136};
    double[] t = {4.5, 7.0, 12.0, 70.0};
    double nbar = (5 + 10 + 20 + 136) / 4.0;
    double tbar = (4.5 + 7.0 + 12.0 + 70.0) / 4.0;
    double snn = 0;
    double snt = 0;
    for (int i = 0; i < 4; i++) {
      snn += (n[i] - nbar) * (n[i] - nbar);
      snt += (n[i] - nbar) * (t[i] - tbar);
    }
    assertEquals(snt / snn, refit.perIteration(), 1e-12);
    assertEquals(tbar - snt / snn * nbar, refit.fixed(), 1e-12);
    // 30 s left: ⌊(30 − F)/s⌋ iterations.
    assertEquals((int) Math.floor((30 - refit.fixed()) / refit.perIteration()), MllibRounds.topUp(refit, 100, 70));
    // Less than the fixed cost plus one iteration left: no round.
    assertEquals(0, MllibRounds.topUp(refit, 100, 100 - refit.fixed() - 0.5 * refit.perIteration()));
  }

  /** Calibration fits exactly on the line 2 s + 0.5 s/iteration. */
  private static MllibRounds.Fits onTheLine() {
    MllibRounds.Fits fits = new MllibRounds.Fits();
    fits.add(5, 4.5);
    fits.add(10, 7.0);
    fits.add(20, 12.0);
    return fits;
  }

  @Test
  void aFitThatStopsByItselfIsFollowedByARestartFromTheNextSeedSizedToTheTimeLeft() {
    MllibRounds.Plan plan = new MllibRounds.Plan(onTheLine(), 100, 0.7, 7);
    MllibRounds.Fit first = plan.next();
    // 70% of 100 s: (70 − 2)/0.5 = 136 iterations, from the configuration's seed.
    assertEquals(new MllibRounds.Fit(1, 0, 7, false, 136), first);
    // L-BFGS stops by itself after 100 iterations, 2 + 0.5·100 = 52 s (on the line: F and s stay).
    MllibRounds.Outcome o1 = plan.finished(first, 100, 52.0, 0.9);
    assertTrue(o1.stoppedItself());
    assertEquals(2.0, plan.rate().fixed(), 1e-9);
    assertEquals(0.5, plan.rate().perIteration(), 1e-12);
    // 48 s left: a restart from seed 7 + 1, fresh weights, ⌊(48 − 2)/0.5⌋ = 92 iterations.
    MllibRounds.Fit second = plan.next();
    assertEquals(new MllibRounds.Fit(2, 1, 8, false, 92), second);
    // It runs out of iterations exactly at T: nothing is left.
    MllibRounds.Outcome o2 = plan.finished(second, 92, 48.0, 0.7);
    assertFalse(o2.stoppedItself());
    assertEquals(100.0, plan.elapsed(), 1e-12);
    assertEquals(0.0, plan.timeLeft(), 1e-12);
    assertNull(plan.next());
    assertSame(o2, plan.best());
    assertEquals(2, plan.outcomes().size());
  }

  @Test
  void aFitThatRunsOutOfIterationsIsToppedUpFromItsWeightsUntilNoFitFits() {
    MllibRounds.Plan plan = new MllibRounds.Plan(onTheLine(), 100, 0.7, 7);
    MllibRounds.Fit first = plan.next();
    // All 136 iterations in 2 + 0.5·136 = 70 s.
    plan.finished(first, 136, 70.0, 0.8);
    // 30 s left: the same run continued (same restart and seed), ⌊(30 − 2)/0.5⌋ = 56 iterations.
    MllibRounds.Fit topUp = plan.next();
    assertEquals(new MllibRounds.Fit(2, 0, 7, true, 56), topUp);
    // It took 29 s: 1 s is left, less than the refitted F + s (1.84 + 0.50 s), so no fit fits.
    plan.finished(topUp, 56, 29.0, 0.8);
    assertEquals(1.0, plan.timeLeft(), 1e-12);
    MllibRounds.Rate r = plan.rate();
    assertTrue(r.fixed() + r.perIteration() > 1.0, r.toString());
    assertNull(plan.next());
    // Equal validation log-loss: the first fit is kept.
    assertEquals(1, plan.best().fit().number());
  }

  @Test
  void aRestartThatRunsOutOfIterationsIsToppedUpUnderItsOwnSeed() {
    MllibRounds.Plan plan = new MllibRounds.Plan(onTheLine(), 200, 0.5, 3);
    // 50% of 200 s: (100 − 2)/0.5 = 196 iterations; stops by itself at 60 (32 s).
    plan.finished(plan.next(), 60, 32.0, 1.5);
    // Restart 1 (seed 4) for the 168 s left: 332 iterations; runs 332 in 140 s (faster than the line).
    MllibRounds.Fit restart = plan.next();
    assertEquals(new MllibRounds.Fit(2, 1, 4, false, 332), restart);
    plan.finished(restart, 332, 140.0, 1.2);
    // 28 s left at the refitted rate: a top-up of restart 1, seed 4, from its weights.
    MllibRounds.Rate r = MllibRounds.Rate.fit(new int[] {5, 10, 20, 60, 332},
        new double[] {4.5, 7.0, 12.0, 32.0, 140.0});
    MllibRounds.Fit topUp = plan.next();
    assertEquals(new MllibRounds.Fit(3, 1, 4, true, r.iterationsFor(28.0)), topUp);
    assertEquals(2, plan.best().fit().number());
  }
}
