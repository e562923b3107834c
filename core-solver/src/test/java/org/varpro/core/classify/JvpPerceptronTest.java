package org.varpro.core.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Initialization;
import org.varpro.core.model.RowBlock;

/** (c) The forward-mode JVP is the exact transpose of the perceptron's reverse-mode product. */
class JvpPerceptronTest {
  static Stream<Arguments> networks() {
    return Stream.of(
        Arguments.of(JvpPerceptron.of(Activation.TANH, 3, 7)),
        Arguments.of(JvpPerceptron.of(Activation.TANH, 4, 6, 5)),
        Arguments.of(JvpPerceptron.of(Activation.GELU, 2, 5, 4, 6)),
        Arguments.of(new JvpPerceptron(new int[] {3, 6, 4}, Activation.SOFTPLUS, false, false, 2.0,
            Initialization.HE, 0, 1, 2)),
        Arguments.of(new JvpPerceptron(new int[] {5, 8}, Activation.SIN, true, false, 0.7,
            Initialization.XAVIER, 0, 1, 2)));
  }

  private static RowBlock inputs(int m, int d) {
    return ClassLabels.block(ClassifyFixtures.gaussian(3, m * d, 1.0), m, d, new int[m], null);
  }

  @ParameterizedTest
  @MethodSource("networks")
  void transposeIdentity(JvpPerceptron net) {
    int m = 23;
    RowBlock b = inputs(m, net.inputDim());
    double[] theta = net.initialParams(11);
    int n = net.numFeatures();
    int p = net.numParams();
    for (int trial = 0; trial < 3; trial++) {
      double[] u = ClassifyFixtures.gaussian(100 + trial, m * n, 1.0);
      double[] v = ClassifyFixtures.gaussian(200 + trial, p, 1.0);
      double[] jv = new double[m * n];
      double[] a = new double[m * n];
      net.jacobianVectorProduct(theta, b, v, a, 0, jv, 0);
      double left = ClassifyFixtures.dot(u, jv);
      double[] jtu = net.sumJacobianProduct(theta, b, u);
      double right = ClassifyFixtures.dot(jtu, v);
      double scale = ClassifyFixtures.norm(u) * ClassifyFixtures.norm(jv)
          + ClassifyFixtures.norm(jtu) * ClassifyFixtures.norm(v);
      assertEquals(right, left, 1e-12 * scale, net.describe());
      assertTrue(Math.abs(left - right) <= 1e-12 * Math.abs(right) + 1e-14 * scale,
          () -> net.describe() + ": " + left + " vs " + right);
    }
  }

  /** The features written alongside the JVP are the perceptron's, bit for bit. */
  @ParameterizedTest
  @MethodSource("networks")
  void featuresMatchPerceptron(JvpPerceptron net) {
    int m = 17;
    RowBlock b = inputs(m, net.inputDim());
    double[] theta = net.initialParams(4);
    double[] a = new double[m * net.numFeatures()];
    double[] jv = new double[m * net.numFeatures()];
    net.jacobianVectorProduct(theta, b, new double[net.numParams()], a, 0, jv, 0);
    double[] ref = new double[a.length];
    net.perceptron().features(theta, b, ref, 0);
    assertArrayEquals(ref, a, 0.0);
    assertArrayEquals(new double[jv.length], jv, 0.0);
  }

  /** Against central differences of the features (a sanity check of the scale, 1e-7). */
  @ParameterizedTest
  @MethodSource("networks")
  void finiteDifferences(JvpPerceptron net) {
    int m = 9;
    RowBlock b = inputs(m, net.inputDim());
    double[] theta = net.initialParams(8);
    double[] v = ClassifyFixtures.gaussian(5, net.numParams(), 1.0);
    int len = m * net.numFeatures();
    double[] jv = new double[len];
    net.jacobianVectorProduct(theta, b, v, null, 0, jv, 0);
    double h = 1e-5;
    double[] plus = new double[len];
    double[] minus = new double[len];
    double[] tp = theta.clone();
    double[] tm = theta.clone();
    for (int q = 0; q < theta.length; q++) {
      tp[q] += h * v[q];
      tm[q] -= h * v[q];
    }
    net.features(tp, b, plus, 0);
    net.features(tm, b, minus, 0);
    double[] fd = new double[len];
    for (int i = 0; i < len; i++) {
      fd[i] = (plus[i] - minus[i]) / (2 * h);
    }
    assertTrue(ClassifyFixtures.relativeDifference(fd, jv) < 1e-7,
        () -> "relative difference " + ClassifyFixtures.relativeDifference(fd, jv));
  }
}
