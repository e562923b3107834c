package org.varpro.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.varpro.config.ConfigError;
import org.varpro.config.ModelConfig;
import org.varpro.core.model.Activation;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.Initialization;
import org.varpro.core.model.Perceptron;
import org.varpro.io.Location;
import org.varpro.spark.DataError;
import org.varpro.spark.Standardization;

/**
 * A fitted model as written to {@code model.json}: the feature network (everything needed to
 * rebuild it), the hidden parameters θ, the output weights C, the input and output names, the
 * standardization of tabular data, and the resolved run configuration (which holds the PDE and
 * its test grid, or the data columns).
 *
 * <p>Numbers are written in Java's shortest round-trip form, so θ and C read back bit for bit.
 *
 * @param kind "pde" or "regression"
 * @param network the feature network
 * @param theta hidden parameters (length p)
 * @param c output weights, n×k column-major
 * @param outputs k
 * @param standardization raw ↔ model units for tabular data (identity for PDEs and generated data)
 * @param config the resolved run configuration as a JSON object
 */
public record SavedModel(String kind, List<String> inputs, List<String> outputNames, Network network,
    double[] theta, double[] c, int outputs, double lambda, Standardization standardization,
    JsonNode config) {

  public static final String FORMAT = "varpro-model";
  public static final int VERSION = 1;
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * The perceptron: {@code widths} = input dimension then the hidden widths;
   * {@code activation} is the one used (identity for deep-linear).
   */
  public record Network(String type, int[] widths, Activation activation, boolean bias,
      boolean constant, double alpha, Initialization init, double boxLow, double boxHigh,
      double boxSlope, long seed) {

    public static Network of(ModelConfig m, int inputDim) {
      int[] widths = new int[m.hidden().length + 1];
      widths[0] = inputDim;
      System.arraycopy(m.hidden(), 0, widths, 1, m.hidden().length);
      Activation act = m.type().equals("deep-linear") ? Activation.IDENTITY : m.activation();
      return new Network(m.type(), widths, act, m.bias(), m.constant(), m.alpha(), m.init(),
          m.boxLow(), m.boxHigh(), m.boxSlope(), m.seed());
    }

    public FeatureMap featureMap() {
      return new Perceptron(widths, activation, bias, constant, alpha, init, boxLow, boxHigh, boxSlope);
    }

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("type", type);
      m.put("widths", widths);
      m.put("activation", activation.name().toLowerCase());
      m.put("bias", bias);
      m.put("constant", constant);
      m.put("alpha", alpha);
      m.put("init", init.name().toLowerCase());
      m.put("box", new double[] {boxLow, boxHigh});
      m.put("box_slope", boxSlope);
      m.put("seed", seed);
      FeatureMap map = featureMap();
      m.put("features", map.numFeatures());
      m.put("parameters", map.numParams());
      m.put("description", map.describe());
      return m;
    }

    static Network fromJson(JsonNode n, String file) {
      int[] widths = ints(req(n, "widths", file), file, "network.widths");
      JsonNode box = req(n, "box", file);
      return new Network(req(n, "type", file).asText(), widths,
          Activation.parse(req(n, "activation", file).asText()), req(n, "bias", file).asBoolean(),
          req(n, "constant", file).asBoolean(), req(n, "alpha", file).asDouble(),
          Initialization.parse(req(n, "init", file).asText()), box.get(0).asDouble(),
          box.get(1).asDouble(), req(n, "box_slope", file).asDouble(), req(n, "seed", file).asLong());
    }
  }

  public FeatureMap featureMap() {
    return network.featureMap();
  }

  /** The JSON document. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", FORMAT);
    m.put("version", VERSION);
    m.put("kind", kind);
    m.put("inputs", inputs);
    m.put("outputs", outputNames);
    m.put("network", network.toMap());
    m.put("lambda", lambda);
    m.put("theta", theta);
    Map<String, Object> cm = new LinkedHashMap<>();
    cm.put("rows", c.length / outputs);
    cm.put("columns", outputs);
    cm.put("layout", "column-major");
    cm.put("values", c);
    m.put("c", cm);
    m.put("standardization", standardization == null ? null : standardization.toMap());
    m.put("config", config);
    return m;
  }

  /** The text of model.json. */
  public String toJson() throws JsonProcessingException {
    return JSON.writeValueAsString(toMap()) + "\n";
  }

  /** Reads a local model.json. */
  public static SavedModel read(Path file) {
    try {
      return read(Location.local(file));
    } catch (IOException e) {
      throw new DataError(file.toString(), 0, "cannot read: " + RunFolder.describe(e), e);
    }
  }

  /** Reads a model.json on any file system; a missing or malformed file is a {@link DataError} naming it. */
  public static SavedModel read(Location file) {
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
      throw new DataError(f, 0, "cannot read: " + RunFolder.describe(e), e);
    }
    if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").asText())) {
      throw new DataError(f, 0, "not a varpro model file (no \"format\": \"" + FORMAT + "\")");
    }
    if (root.path("version").asInt() != VERSION) {
      throw new DataError(f, 0, "model format version " + root.path("version") + " is not supported (expected "
          + VERSION + ")");
    }
    try {
      Network network = Network.fromJson(req(root, "network", f), f);
      double[] theta = doubles(req(root, "theta", f), f, "theta");
      JsonNode cn = req(root, "c", f);
      int rows = req(cn, "rows", f).asInt();
      int cols = req(cn, "columns", f).asInt();
      double[] c = doubles(req(cn, "values", f), f, "c.values");
      FeatureMap map = network.featureMap();
      if (theta.length != map.numParams()) {
        throw new DataError(f, 0, "theta has " + theta.length + " values, the network has "
            + map.numParams() + " parameters");
      }
      if (rows != map.numFeatures() || cols < 1 || c.length != rows * cols) {
        throw new DataError(f, 0, "c is " + rows + "×" + cols + " with " + c.length
            + " values; the network has " + map.numFeatures() + " features");
      }
      Standardization std = null;
      JsonNode sn = root.get("standardization");
      if (sn != null && !sn.isNull()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> sm = JSON.convertValue(sn, Map.class);
        std = Standardization.fromMap(sm);
      }
      return new SavedModel(req(root, "kind", f).asText(), strings(req(root, "inputs", f)),
          strings(req(root, "outputs", f)), network, theta, c, cols, root.path("lambda").asDouble(),
          std, root.get("config"));
    } catch (DataError e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new DataError(f, 0, e.getMessage(), e);
    }
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

  private static int[] ints(JsonNode n, String file, String what) {
    double[] d = doubles(n, file, what);
    return Arrays.stream(d).mapToInt(x -> (int) x).toArray();
  }

  private static List<String> strings(JsonNode n) {
    List<String> out = new ArrayList<>();
    for (JsonNode v : (ArrayNode) n) {
      out.add(v.asText());
    }
    return out;
  }

  /** Parses JSON text into a tree (for the configuration echo). */
  static ObjectNode parseObject(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Reads the configuration echo back as a Typesafe Config. */
  public com.typesafe.config.Config configAsHocon() {
    if (config == null || !config.isObject()) {
      throw new ConfigError("config", "the model file has no configuration");
    }
    return com.typesafe.config.ConfigFactory.parseString(config.toString(),
        com.typesafe.config.ConfigParseOptions.defaults().setOriginDescription("model.json config"));
  }
}
