package org.varpro.sweep;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.varpro.io.Location;
import org.varpro.job.LocalFit;
import org.varpro.job.Plots;

/**
 * What a finished sweep found: counts by status, the best configurations per metric (lowest
 * value among the {@code ok} rows, highest for an accuracy; ties by index), the {@code train} command that reruns the best
 * one, and the plots of the main metric against each varied key.
 */
final class SweepSummary {
  private SweepSummary() {}

  /** One configuration with its row. */
  record Entry(Configuration configuration, SweepRow row) {}

  /** The metrics to rank by: loss, then those of the problem with a finite value in some ok row. */
  static List<String> rankedMetrics(List<String> metricNames, List<Entry> entries) {
    List<String> out = new ArrayList<>();
    for (String m : metricNames) {
      if (!best(entries, m, 1).isEmpty()) {
        out.add(m);
      }
    }
    out.add("loss");
    return out;
  }

  /**
   * The {@code n} ok rows with the best finite value of {@code metric}, best first: the lowest,
   * or the highest for a metric where higher is better ({@link LocalFit#higherIsBetter}).
   */
  static List<Entry> best(List<Entry> entries, String metric, int n) {
    double sign = LocalFit.higherIsBetter(metric) ? -1 : 1;
    return entries.stream()
        .filter(e -> e.row().status().equals(SweepRow.OK))
        .filter(e -> e.row().value(metric) != null && Double.isFinite(e.row().value(metric)))
        .sorted(Comparator.comparingDouble((Entry e) -> sign * e.row().value(metric))
            .thenComparingInt(e -> e.configuration().index()))
        .limit(n).toList();
  }

  /** The number of rows per status (ok, diverged, failed). */
  static Map<String, Long> counts(List<Entry> entries) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String s : List.of(SweepRow.OK, SweepRow.DIVERGED, SweepRow.FAILED)) {
      counts.put(s, entries.stream().filter(e -> e.row().status().equals(s)).count());
    }
    return counts;
  }

  /** "ok 61, diverged 1, failed 2". */
  static String describeCounts(Map<?, ?> counts) {
    List<String> parts = new ArrayList<>();
    counts.forEach((k, v) -> parts.add(k + " " + v));
    return String.join(", ", parts);
  }

  /** {@code varpro train CONFIG --set …} for a configuration of the sweep. */
  static String trainCommand(SweepConfig sweep, Configuration c) {
    StringBuilder sb = new StringBuilder("varpro train ").append(sweep.file());
    List<String> sets = new ArrayList<>();
    for (String o : sweep.overrides()) {
      // train ignores the sweep section: its overrides need not be repeated.
      if (!com.typesafe.config.ConfigFactory.parseString(o).root().keySet().equals(java.util.Set.of(SweepConfig.SECTION))) {
        sets.add(o);
      }
    }
    sets.addAll(c.overrides());
    for (String s : sets) {
      sb.append(" --set ").append(shellQuote(s));
    }
    return sb.toString();
  }

  private static String shellQuote(String s) {
    return s.matches("[A-Za-z0-9._=+,:/@-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }

  /** What the sweep is: sweep.json, and the head of summary.json. */
  static Map<String, Object> header(SweepConfig sweep, List<String> columns, int configurations) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", sweep.name());
    m.put("config", sweep.file().toString());
    m.put("overrides", sweep.overrides());
    m.put("keys", columns);
    m.put("configurations", configurations);
    return m;
  }

  /** The summary document (summary.json); {@code files} lists the plots written. */
  static Map<String, Object> summary(SweepConfig sweep, List<String> columns, List<String> metricNames,
      List<Entry> entries, int ran, int reused, double wallSeconds, List<String> files) {
    Map<String, Object> m = header(sweep, columns, entries.size());
    m.put("distinct_configurations", entries.stream().map(e -> e.configuration().hash()).distinct().count());
    m.put("status", counts(entries));
    m.put("ran", ran);
    m.put("reused", reused);
    m.put("wall_seconds", wallSeconds);
    List<String> ranked = rankedMetrics(metricNames, entries);
    m.put("main_metric", ranked.get(0));
    Map<String, Object> best = new LinkedHashMap<>();
    for (String metric : ranked) {
      List<Map<String, Object>> list = new ArrayList<>();
      for (Entry e : best(entries, metric, sweep.best())) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("index", e.configuration().index());
        b.put("hash", e.configuration().hash());
        b.put(metric, e.row().value(metric));
        if (!metric.equals("loss")) {
          b.put("loss", e.row().loss());
        }
        Map<String, Object> values = new LinkedHashMap<>();
        for (int k = 0; k < columns.size(); k++) {
          values.put(columns.get(k), e.configuration().values().get(k));
        }
        b.put("values", values);
        b.put("overrides", e.configuration().overrides());
        list.add(b);
      }
      best.put(metric, list);
    }
    m.put("best", best);
    List<Entry> top = best(entries, ranked.get(0), 1);
    m.put("train_command", top.isEmpty() ? null : trainCommand(sweep, top.get(0).configuration()));
    m.put("files", files);
    return m;
  }

  /** plots/METRIC-vs-KEY.png for each varied key; returns the paths relative to the folder. */
  static List<String> plots(Location folder, String name, List<String> columns, String metric, List<Entry> entries)
      throws IOException {
    List<Entry> ok = entries.stream().filter(e -> e.row().status().equals(SweepRow.OK)).toList();
    double[] y = new double[ok.size()];
    for (int i = 0; i < y.length; i++) {
      Double v = ok.get(i).row().value(metric);
      y[i] = v == null ? Double.NaN : v;
    }
    List<String> out = new ArrayList<>();
    for (int k = 0; k < columns.size(); k++) {
      String key = columns.get(k);
      List<Object> x = new ArrayList<>();
      for (Entry e : ok) {
        x.add(e.configuration().values().get(k));
      }
      String file = "plots/" + metric + "-vs-" + key.replaceAll("[^A-Za-z0-9_-]+", "_") + ".png";
      String title = name + ": " + metric + " against " + key + " (" + ok.size() + " ok of " + entries.size() + ")";
      folder.child(file).writeAtomically(Plots.againstKey(title, key, x, metric, y));
      out.add(file);
    }
    return out;
  }
}
