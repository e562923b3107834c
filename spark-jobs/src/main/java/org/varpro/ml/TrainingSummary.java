package org.varpro.ml;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverResult;

/**
 * How a VarPro fit went: one entry per outer iteration (objective, gradient norm, seconds since
 * the start) and why it stopped. Saved with the model and read back by {@code load}.
 */
public final class TrainingSummary implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One outer iteration. */
  public record Iteration(int iteration, double loss, double gradientNorm, double seconds) implements Serializable {}

  private final List<Iteration> history;
  private final String stopReason;
  private final int iterations;
  private final double loss;
  private final double seconds;

  TrainingSummary(List<Iteration> history, String stopReason, int iterations, double loss, double seconds) {
    this.history = List.copyOf(history);
    this.stopReason = stopReason;
    this.iterations = iterations;
    this.loss = loss;
    this.seconds = seconds;
  }

  static TrainingSummary of(SolverResult r) {
    List<Iteration> h = new ArrayList<>();
    for (IterationRecord i : r.history()) {
      h.add(new Iteration(i.iteration(), i.loss(), i.gradientNorm(), i.seconds()));
    }
    return new TrainingSummary(h, name(r.stopReason()), r.iterations(), r.loss(), r.seconds());
  }

  private static String name(Enum<?> reason) {
    return reason.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The iterations, in order. */
  public List<Iteration> history() {
    return history;
  }

  /** The objective after each iteration (MLlib's {@code objectiveHistory}). */
  public double[] objectiveHistory() {
    return history.stream().mapToDouble(Iteration::loss).toArray();
  }

  /** Why the fit stopped, e.g. "max-iterations", "relative-tolerance", "time-budget". */
  public String stopReason() {
    return stopReason;
  }

  /** Outer iterations run. */
  public int totalIterations() {
    return iterations;
  }

  /** The final objective. */
  public double loss() {
    return loss;
  }

  /** Solver wall-clock seconds. */
  public double seconds() {
    return seconds;
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stop_reason", stopReason);
    m.put("iterations", iterations);
    m.put("loss", loss);
    m.put("seconds", seconds);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Iteration i : history) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("iteration", i.iteration());
      r.put("loss", i.loss());
      r.put("gradient_norm", i.gradientNorm());
      r.put("seconds", i.seconds());
      rows.add(r);
    }
    m.put("history", rows);
    return m;
  }

  static TrainingSummary fromJson(JsonNode n) {
    List<Iteration> h = new ArrayList<>();
    for (JsonNode r : n.path("history")) {
      h.add(new Iteration(r.path("iteration").asInt(), r.path("loss").asDouble(), r.path("gradient_norm").asDouble(),
          r.path("seconds").asDouble()));
    }
    return new TrainingSummary(h, n.path("stop_reason").asText(), n.path("iterations").asInt(),
        n.path("loss").asDouble(), n.path("seconds").asDouble());
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%d iterations (%s), objective %.6e, %.2f s", iterations, stopReason, loss,
        seconds);
  }
}
