package org.varpro.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The sizing of MLlib's rounds in {@code bench classify}, on timings with known answers. */
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
}
