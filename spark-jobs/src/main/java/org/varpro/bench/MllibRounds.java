package org.varpro.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * How {@code bench classify} spends VarPro's wall time T on MLlib's fits (MLlib has no time
 * budget, only maxIter). A fit of n iterations takes about F + s·n seconds: F, the fixed cost of
 * a fit (the jobs that stack the rows, set up and tear down), and s, the seconds per L-BFGS
 * iteration.
 *
 * <ol>
 *   <li>Calibration: untimed fits of several sizes; F and s by least squares over them
 *       ({@link Rate#fit}).</li>
 *   <li>The first fit, pessimistic: from the seeded weights, sized to a share (default 70%) of
 *       T, so that a rate underestimated by up to 1/share still ends within T.</li>
 *   <li>Then, while the time left holds a fit of at least one iteration, one more fit sized to
 *       the time left, F and s refitted over the calibration and every fit so far (a fit of many
 *       iterations pins s far better than the calibration): a top-up that continues from the
 *       weights reached when the fit before ran out of iterations, or a restart from the next
 *       seed when it stopped by itself (L-BFGS converged; on 10,000 Fashion-MNIST rows it drives
 *       the training loss to 0 in about a third of a minute).</li>
 * </ol>
 *
 * Every fit sized to the time left ends at T unless L-BFGS stops it first or it runs faster
 * than its sizing, so the only time MLlib does not use is what is left then when that is less
 * than F + s. The model kept is the fit with the lowest log-loss on rows held out of MLlib's
 * training rows ({@link Plan#best}). A top-up restarts L-BFGS: its curvature pairs are lost and
 * its first iterations are steepest-descent-like; the pessimistic first fit keeps most of the
 * time in one uninterrupted fit.
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
    private final List<int[]> iterations = new ArrayList<>();
    private final List<Double> seconds = new ArrayList<>();

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

  /** maxIter of the first fit: {@code share} of the target T. */
  static int firstRound(Rate rate, double target, double share) {
    return rate.iterationsFor(share * target);
  }

  /** maxIter of a later fit after {@code elapsed} seconds of fits: the time left (0: no fit fits). */
  static int topUp(Rate rate, double target, double elapsed) {
    return rate.iterationsFor(target - elapsed);
  }

  /** Fits of a run at most (a guard; the time left ends the run long before). */
  static final int MAX_FITS = 200;

  /**
   * One MLlib fit of the run.
   *
   * @param number 1, 2, … in the order run
   * @param restart 0 for the fits from the first seed, r for those of the r-th restart
   * @param seed MLlib's seed of the initial weights: the configuration's seed + restart
   * @param warmStart continues from the weights the fit before reached (a top-up)
   * @param maxIter the iterations it may take
   */
  record Fit(int number, int restart, long seed, boolean warmStart, int maxIter) {}

  /**
   * How a fit ended.
   *
   * @param iterations L-BFGS iterations taken
   * @param seconds its wall time
   * @param validationLogLoss mean log-loss of its model on the held-out rows
   */
  record Outcome(Fit fit, int iterations, double seconds, double validationLogLoss) {
    /** Fewer iterations than allowed: L-BFGS stopped by itself (converged, or its line search failed). */
    boolean stoppedItself() {
      return iterations < fit.maxIter();
    }
  }

  /**
   * The fits of one run for a target time T: {@link #next} says what to fit, {@link #finished}
   * takes how it went. Pure bookkeeping, so that it is tested without Spark.
   */
  static final class Plan {
    private final Fits timings;
    private final double target;
    private final double firstShare;
    private final long seed;
    private final List<Outcome> outcomes = new ArrayList<>();
    private Rate rate;
    private double elapsed;
    private Outcome best;

    /**
     * @param calibration the calibration fits (F and s are refitted over them and every fit)
     * @param target T, VarPro's wall time
     * @param firstShare the first fit's share of T
     * @param seed the configuration's seed (restart r uses seed + r)
     */
    Plan(Fits calibration, double target, double firstShare, long seed) {
      this.timings = calibration;
      this.target = target;
      this.firstShare = firstShare;
      this.seed = seed;
      this.rate = calibration.rate();
    }

    /** The next fit, or null when the time left holds no fit of one iteration (F + s). */
    Fit next() {
      if (outcomes.size() >= MAX_FITS) {
        return null;
      }
      Outcome last = outcomes.isEmpty() ? null : outcomes.get(outcomes.size() - 1);
      int maxIter = last == null ? firstRound(rate, target, firstShare) : topUp(rate, target, elapsed);
      if (maxIter < 1) {
        return null;
      }
      boolean warm = last != null && !last.stoppedItself();
      int restart = last == null ? 0 : last.fit().restart() + (warm ? 0 : 1);
      return new Fit(outcomes.size() + 1, restart, seed + restart, warm, maxIter);
    }

    /** Records a fit that ran: its time joins the rate's fit; the lowest validation log-loss so far is kept. */
    Outcome finished(Fit fit, int iterations, double seconds, double validationLogLoss) {
      Outcome o = new Outcome(fit, iterations, seconds, validationLogLoss);
      outcomes.add(o);
      elapsed += seconds;
      timings.add(iterations, seconds);
      rate = timings.rate();
      if (best == null || validationLogLoss < best.validationLogLoss()) {
        best = o;
      }
      return o;
    }

    /** The fit with the lowest validation log-loss (the first of equals); null before any fit. */
    Outcome best() {
      return best;
    }

    List<Outcome> outcomes() {
      return List.copyOf(outcomes);
    }

    /** Seconds of all fits so far. */
    double elapsed() {
      return elapsed;
    }

    /** T minus the seconds of the fits. */
    double timeLeft() {
      return target - elapsed;
    }

    /** F and s over the calibration and the fits so far. */
    Rate rate() {
      return rate;
    }
  }
}
