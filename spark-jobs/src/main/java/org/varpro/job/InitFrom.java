package org.varpro.job;

import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.varpro.config.ConfigError;
import org.varpro.config.ModelConfig;
import org.varpro.core.model.FeatureMap;
import org.varpro.io.Location;
import org.varpro.model.FittedModel;
import org.varpro.model.ModelFile;
import org.varpro.model.Network;
import org.varpro.spark.DataError;

/**
 * {@code model.init-from}: a new run starts from the hidden parameters θ of a saved model
 * (model.json) instead of the seeded initialization, e.g. to train a finished run further. The
 * saved network must be the configured one: same layer widths, outputs, activation, biases and
 * constant feature. C is re-solved from θ and the solver settings (λ, damping) are the new run's.
 */
final class InitFrom {
  static final String KEY = "model.init-from";

  private InitFrom() {}

  /**
   * θ₀ of a run: the saved model's θ when model.init-from is set, else the seeded initialization.
   *
   * @param outputs the run's number of outputs k
   * @throws ConfigError naming model.init-from when the file cannot be read or its network differs
   */
  static double[] initialParams(ModelConfig model, FeatureMap map, int outputs) {
    if (model.initFrom() == null) {
      return map.initialParams(model.seed());
    }
    FittedModel saved;
    try {
      saved = ModelFile.read(Location.of(model.initFrom()));
    } catch (DataError e) {
      throw new ConfigError(KEY, e.getMessage(), e);
    } catch (IOException e) {
      throw new ConfigError(KEY, "cannot read " + model.initFrom() + ": " + RunFolder.describe(e), e);
    }
    Network want = Network.of(model, map.inputDim());
    Network have = saved.network();
    boolean sameShape = Arrays.equals(want.widths(), have.widths()) && outputs == saved.outputCount();
    boolean sameKind = want.type().equals(have.type()) && want.activation() == have.activation()
        && want.bias() == have.bias() && want.constant() == have.constant();
    if (!sameShape || !sameKind) {
      String haveText = shape(have, saved.outputCount());
      String wantText = shape(want, outputs);
      if (sameShape) {
        haveText += " (" + kind(have) + ")";
        wantText += " (" + kind(want) + ")";
      }
      throw new ConfigError(KEY, "network " + haveText + " in " + model.initFrom() + " does not match model " + wantText);
    }
    return saved.theta().clone();
  }

  /** "2→64→1": inputs, hidden widths, outputs. */
  private static String shape(Network n, int outputs) {
    return Arrays.stream(n.widths()).mapToObj(Integer::toString).collect(Collectors.joining("→")) + "→" + outputs;
  }

  private static String kind(Network n) {
    return n.type() + ", " + n.activation().name().toLowerCase() + (n.bias() ? ", biases" : ", no biases")
        + (n.constant() ? ", constant feature" : ", no constant feature");
  }
}
