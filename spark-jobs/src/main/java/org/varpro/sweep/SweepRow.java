package org.varpro.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one configuration: what its task sends back and what {@code rows/HASH.json}
 * keeps.
 *
 * @param status {@link #OK}, {@link #DIVERGED} (the loss or an error figure is NaN or infinite)
 *     or {@link #FAILED} (an exception, or the task time limit)
 * @param error why it diverged or failed (one line), else null
 * @param stopReason the solver's stop reason in lower case, {@link #TIME_LIMIT} or {@link #EXCEPTION}
 * @param loss the final reduced loss (null when the fit did not finish)
 * @param metrics the fit's error figures ({@link org.varpro.job.LocalFit#metricNames}), null values
 *     when the problem has no such figure or the fit did not finish
 * @param iterations solver iterations (null when the fit did not finish)
 * @param solverSeconds seconds in the solver (null when the fit did not finish)
 * @param wallSeconds seconds of the whole task: rows, fit and error figures
 * @param executor where it ran: {@code executor-id@host}, or {@code serial} outside Spark
 */
public record SweepRow(String hash, String status, String error, String stopReason, Double loss,
    Map<String, Double> metrics, Integer iterations, Double solverSeconds, double wallSeconds, String executor)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final String OK = "ok";
  public static final String DIVERGED = "diverged";
  public static final String FAILED = "failed";
  public static final String TIME_LIMIT = "time_limit";
  public static final String EXCEPTION = "exception";

  static final ObjectMapper JSON = new ObjectMapper();

  public SweepRow {
    metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
  }

  /** A metric, or the loss for "loss"; null when absent. */
  public Double value(String metric) {
    return metric.equals("loss") ? loss : metrics.get(metric);
  }

  /** The JSON document of rows/HASH.json (non-finite numbers as strings). */
  Map<String, Object> toMap(Configuration c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hash", hash);
    m.put("index", c.index());
    m.put("overrides", c.overrides());
    m.put("status", status);
    m.put("error", error);
    m.put("stop_reason", stopReason);
    m.put("loss", number(loss));
    Map<String, Object> mm = new LinkedHashMap<>();
    metrics.forEach((k, v) -> mm.put(k, number(v)));
    m.put("metrics", mm);
    m.put("iterations", iterations);
    m.put("solver_seconds", number(solverSeconds));
    m.put("wall_seconds", wallSeconds);
    m.put("executor", executor);
    return m;
  }

  private static Object number(Double v) {
    return v == null || Double.isFinite(v) ? v : v.toString();
  }

  /** Reads rows/HASH.json. */
  static SweepRow parse(String text) throws IOException {
    JsonNode n = JSON.readTree(text);
    Map<String, Double> metrics = new LinkedHashMap<>();
    JsonNode mn = n.get("metrics");
    if (mn != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = mn.fields(); it.hasNext();) {
        Map.Entry<String, JsonNode> e = it.next();
        metrics.put(e.getKey(), doubleOrNull(e.getValue()));
      }
    }
    JsonNode it = n.get("iterations");
    return new SweepRow(text(n, "hash"), text(n, "status"), text(n, "error"), text(n, "stop_reason"),
        doubleOrNull(n.get("loss")), metrics, it == null || it.isNull() ? null : it.asInt(),
        doubleOrNull(n.get("solver_seconds")), doubleOrNull(n.get("wall_seconds")), text(n, "executor"));
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Double doubleOrNull(JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    return v.isTextual() ? Double.valueOf(v.asText()) : v.asDouble();
  }
}
