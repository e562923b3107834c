package org.varpro.model;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.varpro.config.ConfigError;
import org.varpro.core.classify.LabelIndex;
import org.varpro.core.classify.ClassifierModel;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.spark.Standardization;

/**
 * A fitted model of any kind: the feature network, the hidden parameters θ, the output weights
 * C (n×k column-major), the standardization between raw and model units, the names of the inputs
 * and of the outputs (the label columns, or the classes in index order), and the configuration
 * of the fit. It predicts: the model outputs u(x) = a(x; θ)·C (DESIGN §2; computed by
 * {@link FeatureMap#outputs}, the one place of that product), mapped back to label units for
 * regression and PDEs, or turned into class probabilities softmax(u(x)) for classification.
 *
 * <p>Written to and read from {@code model.json} by {@link ModelFile}; serializable, so a Spark
 * task can predict with it.
 */
public final class FittedModel implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What the outputs mean. */
  public enum Kind {
    /** Outputs are labels (standardized in model units). */
    REGRESSION,
    /** One output, the solution u of a PDE at the input point. */
    PDE,
    /** Outputs are the logits of K ≥ 2 classes. */
    CLASSIFICATION;

    /** The name in model.json and summary.json. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Kind parse(String key) {
      for (Kind k : values()) {
        if (k.key().equals(key)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown model kind '" + key + "' (regression, pde or classification)");
    }
  }

  private final Kind kind;
  private final List<String> inputs;
  private final List<String> outputs;
  private final Network network;
  private final double[] theta;
  private final double[] c;
  private final double lambda;
  private final Standardization standardization;
  private final LabelIndex labelIndex;
  private final String config;
  /** Rebuilt from {@link #network} on first use (after deserialization too). */
  private transient FeatureMap map;

  /**
   * @param outputs the label column names (regression, PDE), or the class names in index order
   * @param standardization raw ↔ model units (the identity for PDEs and generated data)
   * @param labelIndex how raw labels map to classes 0..K−1 (classification only, else null)
   * @param config the configuration of the fit as JSON text, or null
   * @throws IllegalArgumentException when the parts do not fit together
   */
  public FittedModel(Kind kind, List<String> inputs, List<String> outputs, Network network, double[] theta,
      double[] c, double lambda, Standardization standardization, LabelIndex labelIndex, String config) {
    this.kind = kind;
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
    this.network = network;
    this.theta = theta.clone();
    this.c = c.clone();
    this.lambda = lambda;
    this.standardization = standardization;
    this.labelIndex = labelIndex;
    this.config = config;
    FeatureMap fm = featureMap();
    if (theta.length != fm.numParams()) {
      throw new IllegalArgumentException("theta has " + theta.length + " values, the network has "
          + fm.numParams() + " parameters");
    }
    int n = fm.numFeatures();
    if (c.length == 0 || c.length != n * this.outputs.size()) {
      throw new IllegalArgumentException("c has " + c.length + " values; the network has " + n + " features and the "
          + "model " + this.outputs.size() + " output(s) " + this.outputs);
    }
    if (inputs.size() != fm.inputDim() || standardization.features() != fm.inputDim()) {
      throw new IllegalArgumentException("the network takes " + fm.inputDim() + " inputs, the model names "
          + inputs.size() + " and standardizes " + standardization.features());
    }
    if ((kind == Kind.CLASSIFICATION) != (labelIndex != null)) {
      throw new IllegalArgumentException(kind == Kind.CLASSIFICATION ? "a classification model needs its label index"
          : "only a classification model has a label index");
    }
    if (kind == Kind.CLASSIFICATION && (this.outputs.size() < 2 || labelIndex.classes() != this.outputs.size())) {
      throw new IllegalArgumentException("a classifier needs ≥ 2 classes and one name per class, got "
          + this.outputs.size() + " outputs and " + labelIndex.classes() + " classes");
    }
  }

  public Kind kind() {
    return kind;
  }

  /** The input (feature) names, in the network's order. */
  public List<String> inputs() {
    return inputs;
  }

  /** The label column names, or the class names in index order. */
  public List<String> outputs() {
    return outputs;
  }

  /** k: outputs per row (K, the number of classes, for a classifier). */
  public int outputCount() {
    return outputs.size();
  }

  public Network network() {
    return network;
  }

  /** θ (a copy). */
  public double[] theta() {
    return theta.clone();
  }

  /** C, n×k column-major (a copy). */
  public double[] c() {
    return c.clone();
  }

  public double lambda() {
    return lambda;
  }

  public Standardization standardization() {
    return standardization;
  }

  /** How raw labels map to class indices; null unless a classifier. */
  public LabelIndex labelIndex() {
    return labelIndex;
  }

  /** The configuration of the fit, JSON text (null when not recorded). */
  public String config() {
    return config;
  }

  /** The configuration of the fit as a Typesafe Config. */
  public Config configAsHocon() {
    if (config == null) {
      throw new ConfigError("config", "the model file has no configuration");
    }
    return ConfigFactory.parseString(config, ConfigParseOptions.defaults().setOriginDescription("model.json config"));
  }

  public FeatureMap featureMap() {
    if (map == null) {
      map = network.featureMap();
    }
    return map;
  }

  /** The model outputs u(x_i) = a(x_i; θ)·C of rows in model units, rows×k column-major. */
  public double[] outputs(RowBlock modelUnits) {
    return featureMap().outputs(theta, c, modelUnits);
  }

  /** Raw feature rows (rows×d column-major) in model units, as value rows without targets. */
  public RowBlock modelRows(double[] rawX, int rows) {
    int d = inputs.size();
    if (rawX.length != rows * d) {
      throw new IllegalArgumentException("expected " + rows + " rows × " + d + " features, got " + rawX.length
          + " values");
    }
    RowBlock raw = RowBlock.regression(rows, d, standardization.labels(), rawX,
        new double[rows * standardization.labels()]);
    return standardization.apply(raw);
  }

  /**
   * Predictions for raw feature rows (rows×d column-major) in raw label units, rows×k
   * column-major: u = a(x; θ)·C, then y = u·labelStd + labelMean per output.
   */
  public double[] predict(double[] rawX, int rows) {
    if (kind == Kind.CLASSIFICATION) {
      throw new IllegalStateException("a classifier predicts probabilities (probabilities(x, rows))");
    }
    double[] u = outputs(modelRows(rawX, rows));
    int k = outputCount();
    for (int j = 0; j < k; j++) {
      double s = standardization.labelStd()[j];
      double mu = standardization.labelMean()[j];
      for (int i = 0; i < rows; i++) {
        u[i + j * rows] = u[i + j * rows] * s + mu;
      }
    }
    return u;
  }

  /** Class probabilities softmax(a(x; θ)·C) of raw feature rows, rows×K column-major. */
  public double[] probabilities(double[] rawX, int rows) {
    return probabilities(modelRows(rawX, rows));
  }

  /** Class probabilities of rows already in model units, rows×K column-major. */
  public double[] probabilities(RowBlock modelUnits) {
    if (kind != Kind.CLASSIFICATION) {
      throw new IllegalStateException("a " + kind.key() + " model has no class probabilities");
    }
    return new ClassifierModel(featureMap(), theta, c, outputCount()).probabilities(modelUnits);
  }

  @Override
  public String toString() {
    return kind.key() + " model " + network.type() + Arrays.toString(network.widths()) + " → " + outputs;
  }
}
