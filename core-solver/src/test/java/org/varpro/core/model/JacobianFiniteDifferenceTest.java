package org.varpro.core.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.varpro.core.Fixtures;

/**
 * Central finite differences against the exact derivatives: the parameter Jacobian of every
 * feature (row-wise products with unit cotangents), and the Taylor-mode input derivatives.
 */
class JacobianFiniteDifferenceTest {
  private static final double TOLERANCE = 1e-6;

  static Stream<Arguments> perceptrons() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (Activation act : Activation.values()) {
      b.add(Arguments.of(act, new int[] {2, 5}));
      b.add(Arguments.of(act, new int[] {2, 4, 3}));
      b.add(Arguments.of(act, new int[] {3, 4, 3, 3}));
    }
    return b.build();
  }

  /** Every derivative channel a PDE row may use, mixed ones included. */
  private static Channels allChannels(int d) {
    List<int[]> ds = new java.util.ArrayList<>();
    for (int i = 0; i < d; i++) {
      ds.add(new int[] {i});
      for (int j = i; j < d; j++) {
        ds.add(new int[] {i, j});
      }
    }
    return Channels.of(d, ds);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("perceptrons")
  void parameterJacobianOfOperatorRows(Activation act, int[] widths) {
    Perceptron net = new Perceptron(widths, act, true, true, 1.3, Initialization.XAVIER, 0, 1, 2);
    RowBlock rows = Fixtures.operatorRows(7, 6, allChannels(widths[0]), 1);
    checkParameterJacobian(net, net.initialParams(3), rows);
    RowBlock valueRows = Fixtures.operatorRows(8, 6, Channels.valueOnly(widths[0]), 1);
    checkParameterJacobian(net, net.initialParams(4), valueRows);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("perceptrons")
  void taylorModeInputDerivatives(Activation act, int[] widths) {
    if (act == Activation.RELU) {
      return; // second derivatives of ReLU networks vanish almost everywhere; nothing to compare
    }
    Perceptron net = new Perceptron(widths, act, true, false, 1.0, Initialization.XAVIER, 0, 1, 2);
    double[] theta = net.initialParams(11);
    int d = widths[0];
    Channels ch = allChannels(d);
    RowBlock base = Fixtures.operatorRows(5, 4, Channels.valueOnly(d), 1);
    double h = 1e-5;
    double worst = 0;
    for (int c = 1; c < ch.count(); c++) {
      double[] exact = features(net, theta, base, ch, c);
      double[] fd;
      int dir = ch.order(c) == 1 ? ch.firstIndex(c) : ch.secondIndex(c);
      // A first derivative differences the value; a second differences the first derivative.
      int lower = ch.order(c) == 1 ? 0 : ch.channelOfFirst(ch.firstIndex(c));
      double[] plus = features(net, theta, shift(base, dir, h), ch, lower);
      double[] minus = features(net, theta, shift(base, dir, -h), ch, lower);
      fd = new double[plus.length];
      for (int i = 0; i < fd.length; i++) {
        fd[i] = (plus[i] - minus[i]) / (2 * h);
      }
      worst = Math.max(worst, Fixtures.relativeError(fd, exact));
    }
    assertTrue(worst <= TOLERANCE, "input-derivative FD error " + worst);
  }

  @org.junit.jupiter.api.Test
  void deepLinearJacobian() {
    Perceptron net = Perceptron.deepLinear(4, 3, 2);
    RowBlock rows = Fixtures.operatorRows(2, 7, Channels.valueOnly(4), 1);
    checkParameterJacobian(net, net.initialParams(1), rows);
  }

  @org.junit.jupiter.api.Test
  void exponentialSumJacobian() {
    ExponentialSum model = new ExponentialSum(0.7, 2.1, 0.05);
    RowBlock rows = Fixtures.rows(3, 9, 1, 1, 0, 4, (x, j) -> 1.0, true);
    checkParameterJacobian(model, model.initialParams(0), rows);
  }

  /** Features of single-channel rows picking channel c with coefficient 1. */
  private static double[] features(FeatureMap map, double[] theta, RowBlock base, Channels ch, int c) {
    double[] coef = new double[base.rows * ch.count()];
    java.util.Arrays.fill(coef, c * base.rows, (c + 1) * base.rows, 1.0);
    RowBlock b = new RowBlock(base.rows, base.inputDim, base.outputs, base.x, base.y, base.weight, ch, coef);
    return Fixtures.features(map, theta, b);
  }

  private static RowBlock shift(RowBlock b, int dim, double h) {
    double[] x = b.x.clone();
    for (int i = 0; i < b.rows; i++) {
      x[i + dim * b.rows] += h;
    }
    return new RowBlock(b.rows, b.inputDim, b.outputs, x, b.y, b.weight, b.channels, b.coef);
  }

  static void checkParameterJacobian(FeatureMap map, double[] theta, RowBlock rows) {
    int n = map.numFeatures();
    int p = map.numParams();
    int r = rows.rows;
    double h = 1e-6;
    double worst = 0;
    for (int l = 0; l < n; l++) {
      double[] u = new double[r * n];
      java.util.Arrays.fill(u, l * r, (l + 1) * r, 1.0);
      double[] exact = new double[r * p];
      map.rowJacobianProducts(theta, rows, new double[][] {u}, null, 0, new double[][] {exact}, new int[] {0});
      double[] fd = new double[r * p];
      for (int q = 0; q < p; q++) {
        double[] tp = theta.clone();
        double[] tm = theta.clone();
        tp[q] += h;
        tm[q] -= h;
        double[] ap = Fixtures.features(map, tp, rows);
        double[] am = Fixtures.features(map, tm, rows);
        for (int i = 0; i < r; i++) {
          fd[i + q * r] = (ap[i + l * r] - am[i + l * r]) / (2 * h);
        }
      }
      worst = Math.max(worst, Fixtures.relativeError(fd, exact));
      // The summed product must be the row sums of the row-wise one.
      double[] sum = map.sumJacobianProduct(theta, rows, u);
      double[] rowSums = new double[p];
      for (int q = 0; q < p; q++) {
        for (int i = 0; i < r; i++) {
          rowSums[q] += exact[i + q * r];
        }
      }
      worst = Math.max(worst, Fixtures.relativeError(sum, rowSums));
    }
    assertTrue(worst <= TOLERANCE, map.describe() + ": parameter Jacobian FD error " + worst);
  }
}
