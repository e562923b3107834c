package org.varpro.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Where a fit's time went on Spark, from the listener bus: the Spark jobs of a span grouped by
 * what they computed (the evaluators label every pass "pass N: WHAT"; the N is dropped), with
 * their count and wall seconds (submission to end, scheduling included). What no job accounts
 * for is the driver's own work (Newton and CG arithmetic, merges of the partition sums after
 * the job). Open it when the span starts, {@link #close} it when it ends.
 */
final class PassProfile extends SparkListener implements AutoCloseable {
  private static final String DESCRIPTION = "spark.job.description";
  /** How long {@link #close} waits for the listener bus to deliver the queued events. */
  private static final long LISTENER_WAIT_MILLIS = 10_000;

  private final SparkContext sc;
  private final Map<Integer, String> kindOfJob = new HashMap<>();
  private final Map<Integer, Long> startOfJob = new HashMap<>();
  /** Per kind: jobs, milliseconds. */
  private final Map<String, long[]> byKind = new TreeMap<>();

  PassProfile(SparkContext sc) {
    this.sc = sc;
    sc.addSparkListener(this);
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart start) {
    String d = start.properties() == null ? null : start.properties().getProperty(DESCRIPTION);
    kindOfJob.put(start.jobId(), d == null ? "other jobs" : d.replaceFirst("^pass \\d+: ", ""));
    startOfJob.put(start.jobId(), start.time());
  }

  @Override
  public synchronized void onJobEnd(SparkListenerJobEnd end) {
    String kind = kindOfJob.remove(end.jobId());
    Long started = startOfJob.remove(end.jobId());
    if (kind == null || started == null) {
      return;
    }
    long[] s = byKind.computeIfAbsent(kind, k -> new long[2]);
    s[0]++;
    s[1] += end.time() - started;
  }

  @Override
  public void close() {
    try {
      sc.listenerBus().waitUntilEmpty(LISTENER_WAIT_MILLIS);
    } catch (java.util.concurrent.TimeoutException e) {
      // Counted what arrived.
    }
    sc.removeSparkListener(this);
  }

  /** Seconds in jobs of every kind. */
  synchronized double jobSeconds() {
    long ms = 0;
    for (long[] s : byKind.values()) {
      ms += s[1];
    }
    return ms * 1e-3;
  }

  /** One line per kind, the most expensive first: "KIND: N jobs, S s (M ms each)". */
  synchronized List<String> lines() {
    List<Map.Entry<String, long[]>> kinds = new ArrayList<>(byKind.entrySet());
    kinds.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, long[]> e : kinds) {
      long[] s = e.getValue();
      out.add(String.format(Locale.ROOT, "%s: %d jobs, %.1f s (%.0f ms each)", e.getKey(), s[0], s[1] * 1e-3,
          (double) s[1] / s[0]));
    }
    return out;
  }
}
