package org.varpro.sweep;

import java.io.PrintWriter;
import java.util.Collection;
import java.util.Locale;

/**
 * The progress log of a sweep: one line per finished configuration with its outcome, the counts
 * so far (rows reused from an earlier run included), the configurations remaining and an
 * estimate of the time left (the mean time per configuration finished in this run, over the
 * task slots, times the number remaining: elapsed / done × remaining).
 */
final class Progress {
  private final PrintWriter log;
  private final int total;
  private final String metric;
  private final long start = System.nanoTime();
  private int ok;
  private int diverged;
  private int failed;
  private int doneNow;
  private final int pendingAtStart;

  /**
   * @param total distinct configurations of the sweep
   * @param earlier rows finished by an earlier run (counted as done)
   * @param pending configurations this run has to do
   * @param metric the figure to show for each row (e.g. relative_l2_error), or "loss"
   */
  Progress(PrintWriter log, int total, Collection<SweepRow> earlier, int pending, String metric) {
    this.log = log;
    this.total = total;
    this.metric = metric;
    this.pendingAtStart = pending;
    for (SweepRow r : earlier) {
      count(r);
    }
  }

  private void count(SweepRow r) {
    switch (r.status()) {
      case SweepRow.OK -> ok++;
      case SweepRow.DIVERGED -> diverged++;
      default -> failed++;
    }
  }

  synchronized void finished(Configuration c, SweepRow r) {
    count(r);
    doneNow++;
    int remaining = pendingAtStart - doneNow;
    double elapsed = (System.nanoTime() - start) * 1e-9;
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "varpro: sweep [%d/%d] #%d %s", ok + diverged
        + failed, total, c.index(), r.status()));
    String name = metric;
    Double v = r.value(metric);
    if (v == null) {
      name = "loss";
      v = r.loss();
    }
    if (r.iterations() != null) {
      sb.append(String.format(Locale.ROOT, "  %s %.3e  %d it", name, v, r.iterations()));
    }
    if (r.error() != null) {
      sb.append("  ").append(r.error());
    }
    sb.append(String.format(Locale.ROOT, "  %.2f s on %s  | ok %d, diverged %d, failed %d, remaining %d, ETA %s",
        r.wallSeconds(), r.executor(), ok, diverged, failed, remaining, duration(elapsed / doneNow * remaining)));
    log.println(sb);
    log.flush();
  }

  synchronized String counts() {
    return String.format(Locale.ROOT, "ok %d, diverged %d, failed %d", ok, diverged, failed);
  }

  /** "42 s", "3m05s", "1h02m". */
  static String duration(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return "?";
    }
    long s = Math.round(seconds);
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", s / 3600, (s % 3600) / 60);
  }
}
