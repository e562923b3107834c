package org.varpro.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Time to accuracy: when an error trace first reaches each target error, and the median and
 * worst of that over several runs (seeds). A run that never reaches a target counts as taking
 * forever (+∞), so the median is "not reached" once half the runs or more miss it, and the worst
 * is "not reached" as soon as one run misses it.
 */
public final class TimeToTarget {
  /** The targets of the PDE benchmark's report (relative L2 on the test grid). */
  public static final List<Double> DEFAULT_TARGETS = List.of(1e-6, 1e-7, 1e-8, 3e-9, 1e-9);

  private TimeToTarget() {}

  /**
   * One checked iterate: its iteration, the solver seconds at which it was available (checks
   * excluded) and its error.
   */
  public record Point(int iteration, double seconds, double error) {}

  /**
   * The first point of a trace (in solver-time order) whose error is at or below the target, or
   * null when none is.
   */
  public static Point first(List<Point> trace, double target) {
    for (Point p : trace) {
      if (p.error() <= target) {
        return p;
      }
    }
    return null;
  }

  /** {@link #first} for every target, in the targets' order (null entries: not reached). */
  public static List<Point> crossings(List<Point> trace, List<Double> targets) {
    List<Point> out = new ArrayList<>(targets.size());
    for (double t : targets) {
      out.add(first(trace, t));
    }
    return out;
  }

  /**
   * Median and worst over runs of the time and iteration to one target; +∞ means not reached.
   * Median and worst of the seconds and of the iterations are taken separately.
   */
  public record Spread(double medianSeconds, double worstSeconds, double medianIteration,
      double worstIteration, int reached, int runs) {

    public boolean medianReached() {
      return Double.isFinite(medianSeconds);
    }

    public boolean worstReached() {
      return Double.isFinite(worstSeconds);
    }
  }

  /** The spread of per-run crossings; a null entry is a run that never reached the target. */
  public static Spread spread(List<Point> perRun) {
    if (perRun.isEmpty()) {
      throw new IllegalArgumentException("no runs");
    }
    int n = perRun.size();
    double[] seconds = new double[n];
    double[] iterations = new double[n];
    int reached = 0;
    for (int i = 0; i < n; i++) {
      Point p = perRun.get(i);
      seconds[i] = p == null ? Double.POSITIVE_INFINITY : p.seconds();
      iterations[i] = p == null ? Double.POSITIVE_INFINITY : p.iteration();
      reached += p == null ? 0 : 1;
    }
    return new Spread(median(seconds), max(seconds), median(iterations), max(iterations), reached, n);
  }

  /**
   * The median, +∞ allowed (sorted last): the middle value, or for an even count the mean of the
   * two middle values (+∞ when either is).
   */
  public static double median(double[] values) {
    if (values.length == 0) {
      throw new IllegalArgumentException("median of nothing");
    }
    double[] v = values.clone();
    Arrays.sort(v);
    int mid = v.length / 2;
    if (v.length % 2 == 1) {
      return v[mid];
    }
    return Double.isInfinite(v[mid]) ? v[mid] : 0.5 * (v[mid - 1] + v[mid]);
  }

  /** The largest value (the worst time, error or iteration). */
  public static double max(double[] values) {
    return Arrays.stream(values).max().orElseThrow();
  }
}
