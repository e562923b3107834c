package org.varpro.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.varpro.config.ModelConfig;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.spark.Standardization;

/**
 * What a fitted VarPro model holds, and its saved form ({@code data/model.json}, format version
 * {@link StageIO#FORMAT_VERSION}): the run configuration's {@code model} and {@code solver}
 * sections the fit used (the network is rebuilt from them by the same code as the fit's), the
 * hidden parameters θ, the output weights C (n×k column-major), the standardization, and the
 * training summary. Numbers are written in Java's shortest round-trip form, so a loaded model
 * predicts bit for bit what the saved one did.
 *
 * @param kind "regression" or "classification"
 * @param inputs features per row d
 * @param outputs label columns k (regression) or classes K (classification)
 * @param vectorLabel whether the regression label (and so the prediction) is a Vector
 * @param config the model and solver sections, as JSON
 */
record FittedModel(String kind, int inputs, int outputs, boolean vectorLabel, String config, double[] theta,
    double[] c, double lambda, Standardization standardization, TrainingSummary summary) implements Serializable {

  static String render(Config config) {
    return config.root().render(ConfigRenderOptions.concise());
  }

  ModelConfig modelConfig() {
    return ModelConfig.parse(ConfigFactory.parseString(config), null);
  }

  /** What a UDF needs to evaluate this model on one row (serializable, no configuration text). */
  RowOutputs rowOutputs(FeatureMap map) {
    return new RowOutputs(map, theta, c, standardization, outputs);
  }

  /** The model a(x; θ)·C on one row of raw features (standardized first). */
  record RowOutputs(FeatureMap map, double[] theta, double[] c, Standardization std, int k) implements Serializable {
    /** The outputs in model units (logits for a classifier, standardized labels for a regressor). */
    double[] of(double[] raw) {
      double[] x = std.features(raw);
      return map.outputs(theta, c, RowBlock.regression(1, x.length, k, x, new double[k]));
    }

    /** The outputs mapped back to label units. */
    double[] labels(double[] raw) {
      return std.rawLabels(of(raw));
    }
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", "varpro-ml-model");
    m.put("version", StageIO.FORMAT_VERSION);
    m.put("kind", kind);
    m.put("inputs", inputs);
    m.put("outputs", outputs);
    m.put("vector_label", vectorLabel);
    m.put("config", StageIO.parse(config));
    m.put("lambda", lambda);
    m.put("theta", theta);
    m.put("c", c);
    m.put("standardization", standardization.toMap());
    m.put("summary", summary.toMap());
    return m;
  }

  @SuppressWarnings("unchecked")
  static FittedModel fromJson(JsonNode n, String expectedKind) {
    if (!"varpro-ml-model".equals(n.path("format").asText()) || !expectedKind.equals(n.path("kind").asText())) {
      throw new IllegalArgumentException("data/model.json is not a VarPro " + expectedKind + " model");
    }
    if (n.path("version").asInt() > StageIO.FORMAT_VERSION) {
      throw new IllegalArgumentException("model format version " + n.path("version") + " is newer than this "
          + "library reads (" + StageIO.FORMAT_VERSION + ")");
    }
    FittedModel f = new FittedModel(expectedKind, n.path("inputs").asInt(), n.path("outputs").asInt(),
        n.path("vector_label").asBoolean(), n.path("config").toString(), doubles(n.path("theta")),
        doubles(n.path("c")), n.path("lambda").asDouble(),
        Standardization.fromMap(StageIO.JSON.convertValue(n.path("standardization"), Map.class)),
        TrainingSummary.fromJson(n.path("summary")));
    f.modelConfig(); // the sections must parse
    return f;
  }

  private static double[] doubles(JsonNode a) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).doubleValue();
    }
    return out;
  }
}
