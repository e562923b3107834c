package org.varpro.core.solver;

/**
 * The moment a run's time budget ends, on the {@link System#nanoTime} clock. The
 * {@link LevenbergMarquardt} driver hands it to its problem, whose long inner loops (the
 * truncated CG of a matrix-free step, the inner Newton solve) stop there instead of finishing,
 * so a run ends within a CG product or an inner pass of its budget, not a whole outer iteration
 * after it.
 */
public final class Deadline {
  /** No budget: never passes. */
  public static final Deadline NONE = new Deadline(Long.MAX_VALUE, false);

  private final long nanos;
  private final boolean finite;

  private Deadline(long nanos, boolean finite) {
    this.nanos = nanos;
    this.finite = finite;
  }

  /** {@code seconds} after {@code startNanos} (infinite or NaN seconds: {@link #NONE}). */
  public static Deadline after(long startNanos, double seconds) {
    if (!(seconds < Double.POSITIVE_INFINITY)) {
      return NONE;
    }
    return new Deadline(startNanos + Math.round(Math.max(0, seconds) * 1e9), true);
  }

  /** Whether the budget is spent. */
  public boolean passed() {
    // nanoTime differences, not comparisons of values, are what the clock guarantees.
    return finite && System.nanoTime() - nanos >= 0;
  }
}
