package org.varpro.model;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.varpro.config.ModelConfig;
import org.varpro.core.model.Activation;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.Initialization;
import org.varpro.core.model.Perceptron;

/**
 * The feature network of a fitted model: everything needed to rebuild its feature map a(x; θ).
 * {@code widths} = input dimension then the hidden widths; {@code activation} is the one used
 * (identity for deep-linear). The classifier's network (GNvpro) computes the same features bit
 * for bit as the perceptron built here, so one description serves every kind.
 */
public record Network(String type, int[] widths, Activation activation, boolean bias,
    boolean constant, double alpha, Initialization init, double boxLow, double boxHigh,
    double boxSlope, long seed) implements Serializable {

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
}
