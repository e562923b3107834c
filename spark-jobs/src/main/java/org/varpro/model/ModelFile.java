package org.varpro.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.varpro.core.classify.LabelIndex;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Initialization;
import org.varpro.io.Location;
import org.varpro.spark.DataError;
import org.varpro.spark.Standardization;

/**
 * {@code model.json}, the one file format of a fitted model of every kind ({@value #FORMAT},
 * version {@value #VERSION}):
 *
 * <pre>
 * format, version, kind        "varpro-model", 2, "regression" | "pde" | "classification"
 * inputs, outputs              input names; label names, or class names in index order
 * label_index                  classification: the label index ({@code LabelIndex}: type, labels)
 * network, lambda, theta, c    the feature network, λ, θ, C {rows, columns, layout, values}
 * standardization              raw ↔ model units (feature and label means and scales)
 * config                       the configuration of the fit
 * </pre>
 *
 * A Spark ML model stores the same document in its {@code data/model.json} with its own extra
 * keys. Numbers are written in Java's shortest round-trip form, so θ and C read back bit for bit.
 * Version 1 files (regression and PDE runs) read as they are; the first classification layout
 * (no format, no version) and newer versions are refused with a message naming them.
 */
public final class ModelFile {
  public static final String FORMAT = "varpro-model";
  public static final int VERSION = 2;
  /** The JSON mapper of run outputs (indented). */
  public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelFile() {}

  /** The JSON document of a model. */
  public static Map<String, Object> toMap(FittedModel model) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("version", VERSION);
    m.put("kind", model.kind().key());
    m.put("inputs", model.inputs());
    m.put("outputs", model.outputs());
    if (model.labelIndex() != null) {
      m.put("label_index", model.labelIndex().toMap());
    }
    m.put("network", model.network().toMap());
    m.put("lambda", model.lambda());
    m.put("theta", model.theta());
    Map<String, Object> cm = new LinkedHashMap<>();
    cm.put("rows", model.featureMap().numFeatures());
    cm.put("columns", model.outputCount());
    cm.put("layout", "column-major");
    cm.put("values", model.c());
    m.put("c", cm);
    m.put("standardization", model.standardization().toMap());
    m.put("config", model.config() == null ? null : parse(model.config()));
    return m;
  }

  /** The text of model.json. */
  public static String toJson(FittedModel model) {
    return toJson(toMap(model));
  }

  /** Indented JSON text of a document, with a final newline. */
  public static String toJson(Object document) {
    try {
      return JSON.writeValueAsString(document) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses JSON text into a tree. */
  public static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
  }

  /** Reads a local model.json. */
  public static FittedModel read(Path file) {
    try {
      return read(Location.local(file));
    } catch (IOException e) {
      throw new DataError(file.toString(), 0, "cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * Reads a model.json on any file system; a missing, malformed or unsupported file is a
   * {@link DataError} naming it.
   */
  public static FittedModel read(Location file) {
    String f = file.toString();
    JsonNode root;
    try {
      root = JSON.readTree(file.readString());
    } catch (FileNotFoundException e) {
      throw new DataError(f, 0, "no such model file");
    } catch (JsonProcessingException e) {
      long line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new DataError(f, line, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new DataError(f, 0, "cannot read: " + e.getClass().getSimpleName() + " " + e.getMessage(), e);
    }
    return fromJson(root, f);
  }

  /** The model of a parsed document; {@code where} names it in errors. */
  public static FittedModel fromJson(JsonNode root, String where) {
    checkVersion(root, where);
    String f = where;
    try {
      FittedModel.Kind kind = FittedModel.Kind.parse(req(root, "kind", f).asText());
      Network network = network(req(root, "network", f), f);
      JsonNode cn = req(root, "c", f);
      int rows = req(cn, "rows", f).asInt();
      int cols = req(cn, "columns", f).asInt();
      double[] c = doubles(req(cn, "values", f), f, "c.values");
      if (rows * cols != c.length) {
        throw new DataError(f, 0, "c is " + rows + "×" + cols + " but has " + c.length + " values");
      }
      List<String> inputs = strings(req(root, "inputs", f));
      List<String> outputs = strings(req(root, "outputs", f));
      Standardization std = standardization(root.get("standardization"), inputs, outputs, kind);
      LabelIndex classes = null;
      if (kind == FittedModel.Kind.CLASSIFICATION) {
        JsonNode cl = req(root, "label_index", f);
        @SuppressWarnings("unchecked")
        Map<String, Object> index = JSON.convertValue(cl, Map.class);
        classes = LabelIndex.fromMap(index);
      }
      JsonNode config = root.get("config");
      return new FittedModel(kind, inputs, outputs, network, doubles(req(root, "theta", f), f, "theta"), c,
          root.path("lambda").asDouble(), std, classes, config == null || config.isNull() ? null : config.toString());
    } catch (DataError e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new DataError(f, 0, e.getMessage(), e);
    }
  }

  /** Accepts versions 1 (regression and PDE) and 2; refuses every other layout by name. */
  private static void checkVersion(JsonNode root, String f) {
    if (root == null || !root.isObject()) {
      throw new DataError(f, 0, "not a varpro model file (not a JSON object)");
    }
    String format = root.path("format").asText();
    if (format.isEmpty() && "classification".equals(root.path("kind").asText())) {
      throw new DataError(f, 0, "a classification model in the first, unversioned layout (no \"format\", no "
          + "\"version\"; written before model format version " + VERSION + "): train it again to use it");
    }
    if (format.equals("varpro-ml-model")) {
      throw new DataError(f, 0, "a Spark ML model in the former layout (varpro-ml-model version "
          + root.path("version") + ", before " + FORMAT + " version " + VERSION + "): fit and save it again");
    }
    if (!FORMAT.equals(format)) {
      throw new DataError(f, 0, "not a varpro model file (no \"format\": \"" + FORMAT + "\")");
    }
    int version = root.path("version").asInt(-1);
    if (version < 1 || version > VERSION) {
      throw new DataError(f, 0, "model format version " + root.path("version") + " is not supported (this varpro "
          + "reads 1 to " + VERSION + ")");
    }
    if (version == 1 && "classification".equals(root.path("kind").asText())) {
      throw new DataError(f, 0, "model format version 1 has no classification models");
    }
  }

  private static Network network(JsonNode n, String file) {
    int[] widths = java.util.Arrays.stream(doubles(req(n, "widths", file), file, "network.widths"))
        .mapToInt(x -> (int) x).toArray();
    JsonNode box = req(n, "box", file);
    return new Network(req(n, "type", file).asText(), widths,
        Activation.parse(req(n, "activation", file).asText()), req(n, "bias", file).asBoolean(),
        req(n, "constant", file).asBoolean(), req(n, "alpha", file).asDouble(),
        Initialization.parse(req(n, "init", file).asText()), box.get(0).asDouble(),
        box.get(1).asDouble(), req(n, "box_slope", file).asDouble(), req(n, "seed", file).asLong());
  }

  /** The saved standardization; version 1 PDE files may have none (the identity then). */
  @SuppressWarnings("unchecked")
  private static Standardization standardization(JsonNode sn, List<String> inputs, List<String> outputs,
      FittedModel.Kind kind) {
    if (sn == null || sn.isNull()) {
      if (kind == FittedModel.Kind.PDE) {
        return Standardization.identity(inputs.toArray(String[]::new), outputs.toArray(String[]::new));
      }
      throw new IllegalArgumentException("missing \"standardization\"");
    }
    return Standardization.fromMap(JSON.convertValue(sn, Map.class));
  }

  private static JsonNode req(JsonNode n, String key, String file) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      throw new DataError(file, 0, "missing \"" + key + "\"");
    }
    return v;
  }

  private static double[] doubles(JsonNode n, String file, String what) {
    if (!n.isArray()) {
      throw new DataError(file, 0, what + " must be an array of numbers");
    }
    double[] out = new double[n.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = n.get(i);
      if (!v.isNumber()) {
        throw new DataError(file, 0, what + "[" + i + "] is not a number");
      }
      out[i] = v.doubleValue();
    }
    return out;
  }

  private static List<String> strings(JsonNode n) {
    if (!n.isArray()) {
      throw new IllegalArgumentException("expected an array of names, got " + n);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode v : n) {
      out.add(v.asText());
    }
    return out;
  }
}
