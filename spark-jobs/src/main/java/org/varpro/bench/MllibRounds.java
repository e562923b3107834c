package org.varpro.bench;

/**
 * How {@code bench classify} sizes MLlib's fits so that their total wall time matches VarPro's
 * (MLlib has no time budget, only maxIter). A fit of n iterations takes about F + s·n seconds:
 * F, the fixed cost of a fit (the jobs that stack the rows, set up and tear down), and s, the
 * seconds per L-BFGS iteration.
 *
 * <ol>
 *   <li>Calibration: untimed fits of several sizes; F and s by least squares over them
 *       ({@link Rate#fit}).</li>
 *   <li>Round 1, pessimistic: from the seeded weights, sized to a share (default 70%) of the
 *       target T, so that a rate underestimated by up to 1/share still ends within T.</li>
 *   <li>Top-ups: while the time left holds a fit of at least one iteration, another round from
 *       the weights reached, sized to the time left, F and s refitted over the calibration fits
 *       and the rounds so far (a round of many iterations pins s far better than the
 *       calibration).</li>
 * </ol>
 *
 * Each round restarts L-BFGS: its curvature pairs are lost and the first iterations of a round
 * are steepest-descent-like. The pessimistic first round keeps most of the time in one
 * uninterrupted fit and needs one or two top-ups, not many.
 */
final class MllibRounds {
  private MllibRounds() {}

  /** Fit seconds ≈ fixed + perIteration · iterations. */
  record Rate(double fixed, double perIteration) {
    /**
     * F and s by least squares over fits of {@code iterations[i]} iterations that took
     * {@code seconds[i]} (at least two different sizes). A negative F (noise) refits s through
     * the origin with F = 0; a non-positive slope (noise hiding the growth) takes the largest
     * seconds per iteration of any fit and F = 0, the pessimistic reading.
     */
    static Rate fit(int[] iterations, double[] seconds) {
      int m = iterations.length;
      if (m < 2 || seconds.length != m) {
        throw new IllegalArgumentException("the calibration needs fits of at least two sizes");
      }
      double mn = 0;
      double mt = 0;
      for (int i = 0; i < m; i++) {
        mn += iterations[i];
        mt += seconds[i];
      }
      mn /= m;
      mt /= m;
      double snn = 0;
      double snt = 0;
      for (int i = 0; i < m; i++) {
        snn += (iterations[i] - mn) * (iterations[i] - mn);
        snt += (iterations[i] - mn) * (seconds[i] - mt);
      }
      if (snn == 0) {
        throw new IllegalArgumentException("the calibration needs fits of at least two sizes");
      }
      double slope = snt / snn;
      double fixed = mt - slope * mn;
      if (slope > 0 && fixed >= 0) {
        return new Rate(fixed, slope);
      }
      double worst = 0;
      double nt = 0;
      double nn = 0;
      for (int i = 0; i < m; i++) {
        worst = Math.max(worst, seconds[i] / iterations[i]);
        nt += iterations[i] * seconds[i];
        nn += (double) iterations[i] * iterations[i];
      }
      return slope > 0 ? new Rate(0, nt / nn) : new Rate(0, worst);
    }

    /** The iterations a fit of {@code seconds} can do: ⌊(seconds − F)/s⌋, 0 when none. */
    int iterationsFor(double seconds) {
      double n = Math.floor((seconds - fixed) / perIteration);
      return n < 1 ? 0 : (int) Math.min(Integer.MAX_VALUE, n);
    }

  }

  /** The timed fits so far (calibration and rounds), from which the rate is refitted. */
  static final class Fits {
    private final java.util.List<int[]> iterations = new java.util.ArrayList<>();
    private final java.util.List<Double> seconds = new java.util.ArrayList<>();

    void add(int n, double s) {
      iterations.add(new int[] {n});
      seconds.add(s);
    }

    /** {@link Rate#fit} over every fit added. */
    Rate rate() {
      int[] n = new int[iterations.size()];
      double[] t = new double[n.length];
      for (int i = 0; i < n.length; i++) {
        n[i] = iterations.get(i)[0];
        t[i] = seconds.get(i);
      }
      return Rate.fit(n, t);
    }
  }

  /** maxIter of the first round: {@code share} of the target T. */
  static int firstRound(Rate rate, double target, double share) {
    return rate.iterationsFor(share * target);
  }

  /** maxIter of a top-up round after {@code elapsed} seconds of rounds: the time left (0: no round fits). */
  static int topUp(Rate rate, double target, double elapsed) {
    return rate.iterationsFor(target - elapsed);
  }
}
