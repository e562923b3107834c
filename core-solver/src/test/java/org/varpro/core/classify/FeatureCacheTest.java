package org.varpro.core.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.varpro.core.model.Activation;
import org.varpro.core.model.RowBlock;

/** The executor-side features are A(θ) bit for bit, reused at the same θ and recomputed at another. */
class FeatureCacheTest {
  @Test
  void cachedFeaturesAreTheFeaturesOfTheThetaAsked() {
    JvpPerceptron net = JvpPerceptron.of(Activation.TANH, 3, 5);
    RowBlock block = ClassifyFixtures.rows(3, 50, 3, 2);
    double[] theta = net.initialParams(1);
    double[] fresh = new double[block.rows * net.numFeatures()];
    net.features(theta, block, fresh, 0);
    double[] first = FeatureCache.features(net, theta, block);
    assertArrayEquals(fresh, first, 0.0);
    // The same θ (another array with equal values): the same features, not recomputed.
    assertSame(first, FeatureCache.features(net, theta.clone(), block));
    // Another θ: its own features.
    double[] other = theta.clone();
    other[0] += 0.5;
    double[] expected = new double[fresh.length];
    net.features(other, block, expected, 0);
    double[] second = FeatureCache.features(net, other, block);
    assertArrayEquals(expected, second, 0.0);
    assertFalse(Arrays.equals(first, second));
    // Another block with the same contents is another key: its features are computed for it.
    RowBlock copy = block.slice(0, block.rows);
    assertArrayEquals(fresh, FeatureCache.features(net, theta, copy), 0.0);
  }
}
