package org.varpro.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.varpro.core.solver.InnerSolution;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverState;
import org.varpro.core.solver.StopReason;
import org.varpro.io.Location;
import org.varpro.spark.DataError;

/**
 * checkpoint.json: a stopped {@code train} run, enough to continue it bit for bit
 * ({@code train --resume}). Written into the run's temporary folder; version 1 is
 *
 * <pre>
 * { "format": "varpro-checkpoint", "version": 1,
 *   "name": run name, "run_folder": the final folder (absolute), "overwrite": bool,
 *   "config": the resolved run configuration (the one model.json echoes),
 *   "state": { "iteration", "round", "seconds", "stopped": null or a stop reason,
 *              "loss", "lambda", "mu", "nu", "slow_steps",
 *              "theta": [..], "c": [..] (n×k column-major), "previous_theta": [..] or null,
 *              "best": null or { "score", "iteration", "last_iteration", "misses", "lambda",
 *                                "theta", "inner": { "c", "features", "outputs", "lambda", "loss",
 *                                "gram_eigenvalues", "effective_rank", "rank_deficient" } },
 *              "history": { "columns": [..], "rows": [[values in column order.., {extra metrics}], ..] } } }
 * </pre>
 *
 * <p>Doubles are JSON numbers in Java's round-trip form ({@link Double#toString}), so every bit
 * reads back; NaN and ±Infinity are the strings "NaN", "Infinity", "-Infinity".
 *
 * @param config the resolved configuration as a JSON object
 */
record Checkpoint(String name, String target, boolean overwrite, JsonNode config, SolverState state) {
  static final String FILE = "checkpoint.json";
  static final String FORMAT = "varpro-checkpoint";
  static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  byte[] toJson() throws JsonProcessingException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("version", VERSION);
    m.put("name", name);
    m.put("run_folder", target);
    m.put("overwrite", overwrite);
    m.put("config", config);
    m.put("state", state(state));
    return JSON.writeValueAsBytes(m);
  }

  private static Map<String, Object> state(SolverState s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("iteration", s.iteration());
    m.put("round", s.round());
    m.put("seconds", s.seconds());
    m.put("stopped", s.stopped() == null ? null : s.stopped().name().toLowerCase(Locale.ROOT));
    m.put("loss", s.loss());
    m.put("lambda", s.lambda());
    m.put("mu", s.mu());
    m.put("nu", s.nu());
    m.put("slow_steps", s.slowSteps());
    m.put("theta", s.theta());
    m.put("c", s.c());
    m.put("previous_theta", s.previousTheta());
    SolverState.BestIterate b = s.best();
    if (b == null) {
      m.put("best", null);
    } else {
      Map<String, Object> bm = new LinkedHashMap<>();
      bm.put("score", b.score());
      bm.put("iteration", b.iteration());
      bm.put("last_iteration", b.lastIteration());
      bm.put("misses", b.misses());
      bm.put("lambda", b.lambda());
      bm.put("theta", b.theta());
      InnerSolution in = b.inner();
      Map<String, Object> im = null;
      if (in != null) {
        im = new LinkedHashMap<>();
        im.put("c", in.c());
        im.put("features", in.features());
        im.put("outputs", in.outputs());
        im.put("lambda", in.lambda());
        im.put("loss", in.loss());
        im.put("gram_eigenvalues", in.gramEigenvalues());
        im.put("effective_rank", in.effectiveRank());
        im.put("rank_deficient", in.rankDeficient());
      }
      bm.put("inner", im);
      m.put("best", bm);
    }
    List<Object> rows = new ArrayList<>();
    for (IterationRecord r : s.history()) {
      List<Object> row = new ArrayList<>(Arrays.asList(r.values()));
      row.add(r.extra() == null ? Map.of() : r.extra());
      rows.add(row);
    }
    m.put("history", Map.of("columns", IterationRecord.COLUMNS, "rows", rows));
    return m;
  }

  /** Reads {@code dir}/checkpoint.json; a missing, malformed or foreign file is a {@link DataError} naming it. */
  static Checkpoint read(Location dir) {
    Location file = dir.child(FILE);
    String f = file.toString();
    JsonNode root;
    try (InputStream in = file.open()) {
      root = JSON.readTree(in);
    } catch (FileNotFoundException e) {
      throw new DataError(f, 0, "no such checkpoint file");
    } catch (JsonProcessingException e) {
      throw new DataError(f, e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
          "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new DataError(f, 0, "cannot read: " + RunFolder.describe(e), e);
    }
    if (root == null || !FORMAT.equals(root.path("format").asText())) {
      throw new DataError(f, 0, "not a varpro checkpoint (no \"format\": \"" + FORMAT + "\")");
    }
    if (root.path("version").asInt() != VERSION) {
      throw new DataError(f, 0, "checkpoint version " + root.path("version") + " is not supported (expected "
          + VERSION + ")");
    }
    Reader r = new Reader(f);
    JsonNode config = r.req(root, "config");
    if (!config.isObject()) {
      throw new DataError(f, 0, "\"config\" must be an object");
    }
    return new Checkpoint(r.req(root, "name").asText(), r.req(root, "run_folder").asText(),
        r.req(root, "overwrite").asBoolean(), config, r.state(r.req(root, "state")));
  }

  /** Field access with errors naming the file. */
  private record Reader(String file) {
    JsonNode req(JsonNode n, String key) {
      JsonNode v = n.get(key);
      if (v == null || v.isNull()) {
        throw new DataError(file, 0, "missing \"" + key + "\"");
      }
      return v;
    }

    int integer(JsonNode n, String key) {
      JsonNode v = req(n, key);
      if (!v.canConvertToInt()) {
        throw new DataError(file, 0, "\"" + key + "\" must be an integer");
      }
      return v.intValue();
    }

    double number(JsonNode v, String what) {
      if (v != null && v.isNumber()) {
        return v.doubleValue();
      }
      if (v != null && v.isTextual() && List.of("NaN", "Infinity", "-Infinity").contains(v.asText())) {
        return Double.parseDouble(v.asText());
      }
      throw new DataError(file, 0, what + " must be a number");
    }

    double[] numbers(JsonNode n, String key) {
      JsonNode v = n.get(key);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isArray()) {
        throw new DataError(file, 0, "\"" + key + "\" must be an array of numbers");
      }
      double[] out = new double[v.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = number(v.get(i), key + "[" + i + "]");
      }
      return out;
    }

    SolverState state(JsonNode s) {
      String stopped = s.path("stopped").isNull() || s.path("stopped").isMissingNode() ? null : s.get("stopped").asText();
      StopReason reason = null;
      if (stopped != null) {
        try {
          reason = StopReason.valueOf(stopped.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new DataError(file, 0, "unknown stop reason \"" + stopped + "\"");
        }
      }
      double[] theta = numbers(s, "theta");
      double[] c = numbers(s, "c");
      if (theta == null || c == null) {
        throw new DataError(file, 0, "the state needs \"theta\" and \"c\"");
      }
      return new SolverState(integer(s, "iteration"), integer(s, "round"), number(s.get("seconds"), "seconds"),
          theta, c, number(s.get("loss"), "loss"), number(s.get("lambda"), "lambda"), number(s.get("mu"), "mu"),
          number(s.get("nu"), "nu"), integer(s, "slow_steps"), numbers(s, "previous_theta"), best(s.get("best")),
          reason, history(req(s, "history")));
    }

    SolverState.BestIterate best(JsonNode b) {
      if (b == null || b.isNull()) {
        return null;
      }
      JsonNode in = b.get("inner");
      InnerSolution inner = in == null || in.isNull() ? null : new InnerSolution(numbers(in, "c"),
          integer(in, "features"), integer(in, "outputs"), number(in.get("lambda"), "best.inner.lambda"),
          number(in.get("loss"), "best.inner.loss"), numbers(in, "gram_eigenvalues"),
          integer(in, "effective_rank"), req(in, "rank_deficient").asBoolean());
      return new SolverState.BestIterate(number(b.get("score"), "best.score"), numbers(b, "theta"), inner,
          number(b.get("lambda"), "best.lambda"), integer(b, "iteration"), integer(b, "last_iteration"),
          integer(b, "misses"));
    }

    List<IterationRecord> history(JsonNode h) {
      List<String> columns = new ArrayList<>();
      req(h, "columns").forEach(v -> columns.add(v.asText()));
      if (!columns.equals(List.of(IterationRecord.COLUMNS))) {
        throw new DataError(file, 0, "history columns " + columns + " differ from this version's "
            + List.of(IterationRecord.COLUMNS) + " (written by another version of varpro)");
      }
      List<IterationRecord> out = new ArrayList<>();
      for (JsonNode row : req(h, "rows")) {
        if (!row.isArray() || row.size() != columns.size() + 1) {
          throw new DataError(file, 0, "history row " + (out.size() + 1) + " must have " + (columns.size() + 1)
              + " entries");
        }
        Map<String, Double> extra = new LinkedHashMap<>();
        row.get(columns.size()).fields().forEachRemaining(e -> extra.put(e.getKey(),
            e.getValue().isNull() ? null : number(e.getValue(), "history extra " + e.getKey())));
        out.add(new IterationRecord(row.get(0).asInt(), number(row.get(1), "seconds"), number(row.get(2), "loss"),
            number(row.get(3), "gradient_norm"), number(row.get(4), "rayleigh"), number(row.get(5), "mu"),
            number(row.get(6), "lambda"), number(row.get(7), "step_norm"), number(row.get(8), "gain_ratio"),
            row.get(9).asBoolean(), row.get(10).asInt(), number(row.get(11), "sigma_min_g"), row.get(12).asInt(),
            number(row.get(13), "principal_angle"), extra));
      }
      return out;
    }
  }
}
