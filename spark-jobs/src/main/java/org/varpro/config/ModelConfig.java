package org.varpro.config;

import com.typesafe.config.Config;
import java.util.List;
import org.varpro.core.classify.JvpPerceptron;
import org.varpro.core.model.Activation;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.Initialization;
import org.varpro.core.model.Perceptron;

/**
 * The {@code model} section: the feature network whose linear output layer VarPro eliminates.
 *
 * <pre>
 * model {
 *   type = perceptron      # perceptron | deep-linear
 *   hidden = [64]          # hidden widths; the last one gives the features
 *   activation = tanh      # tanh | sin | softplus | gelu | relu | identity
 *   init = xavier          # xavier | he | box
 *   alpha = 1.0            # output scaling: features × alpha/√(last width)
 *   bias = true            # biases in the hidden layers
 *   constant = true        # a constant feature (the output bias)
 *   box = [0, 1]           # input box of the box initialization (default: the PDE domain, else [-1, 1])
 *   box-slope = 2.0        # box initialization: pre-activation change across the box
 *   seed = 1               # seed of the initial parameters
 *   init-from = runs/a/model.json  # start from this saved model's θ (a path or URI; same network)
 * }
 * </pre>
 */
public record ModelConfig(String type, int[] hidden, Activation activation, Initialization init,
    double alpha, boolean bias, boolean constant, double boxLow, double boxHigh, double boxSlope,
    long seed, String initFrom) {

  public static final List<String> KEYS = List.of("type", "hidden", "activation", "init", "alpha",
      "bias", "constant", "box", "box-slope", "seed", "init-from");

  /**
   * Reads the section (every key optional).
   *
   * @param defaultBox the box to use when {@code model.box} is absent (e.g. the PDE domain)
   */
  public static ModelConfig parse(Config root, double[] defaultBox) {
    String p = "model";
    StrictConfig.requireOnly(root, p, KEYS);
    String type = root.hasPath(p + ".type") ? StrictConfig.getString(root, p + ".type") : "perceptron";
    if (!type.equals("perceptron") && !type.equals("deep-linear")) {
      throw new ConfigError(p + ".type", "must be perceptron or deep-linear, got '" + type + "'"
          + StrictConfig.where(root, p + ".type"));
    }
    int[] hidden = {64};
    if (root.hasPath(p + ".hidden")) {
      List<Double> h = StrictConfig.getDoubleList(root, p + ".hidden");
      if (h.isEmpty()) {
        throw new ConfigError(p + ".hidden", "needs at least one hidden layer" + StrictConfig.where(root, p + ".hidden"));
      }
      hidden = new int[h.size()];
      for (int i = 0; i < h.size(); i++) {
        double w = h.get(i);
        if (w != Math.rint(w) || w < 1 || w > 1_000_000) {
          throw new ConfigError(p + ".hidden", "widths must be positive integers, got " + h
              + StrictConfig.where(root, p + ".hidden"));
        }
        hidden[i] = (int) w;
      }
    }
    Activation act = Activation.TANH;
    if (root.hasPath(p + ".activation")) {
      act = parseEnum(root, p + ".activation", Activation::parse);
    }
    Initialization init = Initialization.XAVIER;
    if (root.hasPath(p + ".init")) {
      init = parseEnum(root, p + ".init", Initialization::parse);
    }
    double alpha = optDouble(root, p + ".alpha", 1.0);
    if (alpha <= 0) {
      throw new ConfigError(p + ".alpha", "must be > 0" + StrictConfig.where(root, p + ".alpha"));
    }
    double[] box = defaultBox == null ? new double[] {-1, 1} : defaultBox.clone();
    if (root.hasPath(p + ".box")) {
      List<Double> b = StrictConfig.getDoubleList(root, p + ".box");
      if (b.size() != 2 || !(b.get(1) > b.get(0))) {
        throw new ConfigError(p + ".box", "must be [low, high] with low < high" + StrictConfig.where(root, p + ".box"));
      }
      box = new double[] {b.get(0), b.get(1)};
    }
    double slope = optDouble(root, p + ".box-slope", 2.0);
    if (slope <= 0) {
      throw new ConfigError(p + ".box-slope", "must be > 0" + StrictConfig.where(root, p + ".box-slope"));
    }
    boolean bias = root.hasPath(p + ".bias") ? StrictConfig.getBoolean(root, p + ".bias") : !type.equals("deep-linear");
    boolean constant = root.hasPath(p + ".constant") ? StrictConfig.getBoolean(root, p + ".constant") : !type.equals("deep-linear");
    long seed = root.hasPath(p + ".seed") ? StrictConfig.getLong(root, p + ".seed") : 1;
    String initFrom = null;
    if (root.hasPath(p + ".init-from")) {
      String f = StrictConfig.getString(root, p + ".init-from").trim();
      if (f.isEmpty()) {
        throw new ConfigError(p + ".init-from", "must name a model.json" + StrictConfig.where(root, p + ".init-from"));
      }
      initFrom = f;
    }
    return new ModelConfig(type, hidden, act, init, alpha, bias, constant, box[0], box[1], slope, seed, initFrom);
  }

  /** The feature map for inputs of dimension {@code inputDim}. */
  /** The layer widths: the input dimension, then the hidden widths. */
  public int[] widths(int inputDim) {
    int[] widths = new int[hidden.length + 1];
    widths[0] = inputDim;
    System.arraycopy(hidden, 0, widths, 1, hidden.length);
    return widths;
  }

  public FeatureMap featureMap(int inputDim) {
    int[] widths = widths(inputDim);
    if (type.equals("deep-linear")) {
      return new Perceptron(widths, Activation.IDENTITY, bias, constant, alpha, init, boxLow, boxHigh, boxSlope);
    }
    return new Perceptron(widths, activation, bias, constant, alpha, init, boxLow, boxHigh, boxSlope);
  }

  /**
   * The classifier's feature network (GNvpro), with the forward-mode products the matrix-free
   * step needs; a network that cannot be built is a ConfigError on {@code model}.
   */
  public JvpPerceptron classifierNetwork(int inputDim) {
    try {
      return new JvpPerceptron(widths(inputDim), activation, bias, constant, alpha, init, boxLow, boxHigh, boxSlope);
    } catch (IllegalArgumentException e) {
      throw new ConfigError("model", e.getMessage(), e);
    }
  }

  static double optDouble(Config root, String path, double fallback) {
    return root.hasPath(path) ? StrictConfig.getDouble(root, path) : fallback;
  }

  static <T> T parseEnum(Config root, String path, java.util.function.Function<String, T> parser) {
    try {
      return parser.apply(StrictConfig.getString(root, path));
    } catch (ConfigError e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ConfigError(path, e.getMessage() + StrictConfig.where(root, path), e);
    }
  }
}
