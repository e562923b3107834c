package org.varpro.core.solver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.varpro.core.Fixtures;
import org.varpro.core.model.Activation;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.StatsKind;

/** The identities of DESIGN §2.2–§2.3, each against an independent dense computation. */
class IdentityTest {
  private final Perceptron net = Perceptron.of(Activation.TANH, 2, 6);
  private final double[] theta = net.initialParams(5);

  private RowBlock data(int m, int k) {
    return Fixtures.rows(9, m, 2, k, -1, 1,
        (x, j) -> Math.sin(2 * x[0] + j) * Math.cos(x[1]) + 0.1 * j, true);
  }

  /** f_λ = ½λ yᵀ(AAᵀ + λI)⁻¹y for one output and unit weights, from both summaries. */
  @ParameterizedTest
  @ValueSource(strings = {"QR", "GRAM"})
  void regularizedObjectiveIdentity(String kind) {
    int m = 25;
    RowBlock rows = Fixtures.rows(4, m, 2, 1, -1, 1, (x, j) -> Math.exp(x[0]) - x[1], false);
    double lambda = 0.3;
    LocalEvaluator ev = LocalEvaluator.ofRows(net, rows, 7);
    double loss = InnerSolver.solve(ev.project(theta, StatsKind.valueOf(kind)), lambda).loss();
    double[] a = Fixtures.features(net, theta, rows);
    int n = net.numFeatures();
    double[] k = new double[m * m];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < m; j++) {
        double s = i == j ? lambda : 0;
        for (int l = 0; l < n; l++) {
          s += a[i + l * m] * a[j + l * m];
        }
        k[i + j * m] = s;
      }
    }
    double[] z = Fixtures.solveDense(k, rows.y, m);
    double expected = 0;
    for (int i = 0; i < m; i++) {
      expected += 0.5 * lambda * rows.y[i] * z[i];
    }
    assertEquals(expected, loss, 1e-12 * expected);
  }

  /**
   * The full Golub-Pereyra Jacobian is the derivative of the regularized residual
   * R(θ) = [W½(A C(θ) − y); √λ C(θ)]; finite differences of R give H = JᵀJ and g = JᵀR, against
   * which every step form is checked. Kaufman has the same gradient.
   */
  @ParameterizedTest
  @ValueSource(strings = {"FACTOR", "GRAM", "DUAL"})
  void golubPereyraStepMatchesFiniteDifferenceJacobian(String method) {
    int k = 2;
    RowBlock rows = data(40, k);
    double lambda = 0.05;
    double mu = 0.01;
    int p = net.numParams();
    double[] r0 = residual(rows, theta, lambda);
    int len = r0.length;
    double[] j = new double[len * p];
    double h = 1e-6;
    for (int q = 0; q < p; q++) {
      double[] tp = theta.clone();
      double[] tm = theta.clone();
      tp[q] += h;
      tm[q] -= h;
      double[] rp = residual(rows, tp, lambda);
      double[] rm = residual(rows, tm, lambda);
      for (int i = 0; i < len; i++) {
        j[i + q * len] = (rp[i] - rm[i]) / (2 * h);
      }
    }
    double[] hm = new double[p * p];
    double[] g = new double[p];
    for (int a = 0; a < p; a++) {
      for (int i = 0; i < len; i++) {
        g[a] += j[i + a * len] * r0[i];
      }
      for (int b = 0; b < p; b++) {
        double s = a == b ? mu : 0;
        for (int i = 0; i < len; i++) {
          s += j[i + a * len] * j[i + b * len];
        }
        hm[a + b * p] = s;
      }
    }
    double[] minusG = g.clone();
    for (int q = 0; q < p; q++) {
      minusG[q] = -g[q];
    }
    double[] expectedStep = Fixtures.solveDense(hm, minusG, p);

    StepSolver gp = stepSolver(rows, lambda, HessianKind.GOLUB_PEREYRA, StepMethod.valueOf(method));
    StepSolver kaufman = stepSolver(rows, lambda, HessianKind.KAUFMAN, StepMethod.valueOf(method));
    assertTrue(Fixtures.relativeError(gp.gradient(), g) < 1e-7, "gradient vs finite differences");
    assertTrue(Fixtures.relativeError(kaufman.gradient(), gp.gradient()) < 1e-12, "Kaufman and GP gradients");
    assertTrue(Fixtures.relativeError(gp.step(mu), expectedStep) < 1e-6,
        "GP step vs FD Gauss-Newton: " + Fixtures.relativeError(gp.step(mu), expectedStep));
  }

  /**
   * H_K is the Schur complement of the full Gauss-Newton matrix of (θ, C): with J_full =
   * [I⊗W½A | W½D] plus the √λ rows, eliminating C gives H_K; checked through the damped step.
   */
  @ParameterizedTest
  @ValueSource(strings = {"FACTOR", "GRAM", "DUAL"})
  void kaufmanIsSchurComplementOfFullGaussNewton(String method) {
    int k = 2;
    RowBlock rows = data(30, k);
    double lambda = 0.02;
    double mu = 0.1;
    int n = net.numFeatures();
    int p = net.numParams();
    int m = rows.rows;
    InnerSolution inner = InnerSolver.solve(LocalEvaluator.ofRows(net, rows, 64).project(theta, StatsKind.QR), lambda);
    double[] a = Fixtures.features(net, theta, rows);
    int size = n * k + p;
    double[] full = new double[size * size];
    double[] grad = new double[size];
    for (int j = 0; j < k; j++) {
      double[] u = new double[m * n];
      for (int l = 0; l < n; l++) {
        java.util.Arrays.fill(u, l * m, (l + 1) * m, inner.c()[l + j * n]);
      }
      double[] d = new double[m * p];
      net.rowJacobianProducts(theta, rows, new double[][] {u}, null, 0, new double[][] {d}, new int[] {0});
      for (int i = 0; i < m; i++) {
        double w = rows.weight[i];
        double[] rowJ = new double[size];
        for (int l = 0; l < n; l++) {
          rowJ[j * n + l] = a[i + l * m];
        }
        for (int q = 0; q < p; q++) {
          rowJ[n * k + q] = d[i + q * m];
        }
        double fit = -rows.target(i, j);
        for (int l = 0; l < n; l++) {
          fit += a[i + l * m] * inner.c()[l + j * n];
        }
        for (int x = 0; x < size; x++) {
          grad[x] += w * rowJ[x] * fit;
          for (int y = 0; y < size; y++) {
            full[x + y * size] += w * rowJ[x] * rowJ[y];
          }
        }
      }
    }
    for (int x = 0; x < n * k; x++) {
      full[x + x * size] += lambda;
    }
    // Damp θ only, then the θ part of the full damped GN step is the reduced Kaufman step.
    for (int q = 0; q < p; q++) {
      full[n * k + q + (n * k + q) * size] += mu;
    }
    double[] rhs = new double[size];
    for (int q = 0; q < p; q++) {
      rhs[n * k + q] = -grad[n * k + q];
    }
    // The C-block of the gradient is zero at C(θ), so eliminating C is exact.
    double[] fullStep = Fixtures.solveDense(full, rhs, size);
    double[] expected = java.util.Arrays.copyOfRange(fullStep, n * k, size);
    StepSolver s = stepSolver(rows, lambda, HessianKind.KAUFMAN, StepMethod.valueOf(method));
    assertTrue(Fixtures.relativeError(s.step(mu), expected) < 1e-9,
        "Kaufman step vs Schur complement: " + Fixtures.relativeError(s.step(mu), expected));
  }

  @Test
  void threeStepFormsAgreeOnWellConditionedProblem() {
    RowBlock rows = data(50, 2);
    for (double lambda : new double[] {0, 1e-3}) {
      for (HessianKind hk : HessianKind.values()) {
        for (boolean diag : new boolean[] {false, true}) {
          double[] ref = stepSolver(rows, lambda, hk, StepMethod.FACTOR, diag).step(0.01);
          for (StepMethod m : new StepMethod[] {StepMethod.GRAM, StepMethod.DUAL}) {
            double[] other = stepSolver(rows, lambda, hk, m, diag).step(0.01);
            assertTrue(Fixtures.relativeError(other, ref) < 1e-8,
                m + " vs FACTOR, λ=" + lambda + " " + hk + " diag=" + diag + ": " + Fixtures.relativeError(other, ref));
          }
        }
      }
    }
  }

  @Test
  void mergeOrderAgreesAndFixedOrderIsBitIdentical() {
    RowBlock rows = data(120, 2);
    RowBlock[] blocks = rows.split(15);
    FeatureMap map = net;
    double[] c = InnerSolver.solve(new LocalEvaluator(map, blocks).project(theta, StatsKind.QR), 0).c();
    for (StatsKind kind : StatsKind.values()) {
      // Left fold in order.
      JacobianStats seq = new JacobianStats(map.numFeatures(), map.numParams(), 2, kind, true, false);
      for (RowBlock b : blocks) {
        seq.add(map, theta, c, null, b);
      }
      // A balanced tree over a shuffled order.
      JacobianStats tree = tree(map, c, kind, new int[] {5, 2, 7, 0, 3, 6, 1, 4});
      JacobianStats again = tree(map, c, kind, new int[] {5, 2, 7, 0, 3, 6, 1, 4});
      // Every summary stands for MᵀM of the same rows (and E is a plain sum): compare those.
      for (int j = 0; j < 2; j++) {
        double err = Fixtures.relativeError(tree.perOutput[j].gram(), seq.perOutput[j].gram());
        assertTrue(err < 1e-12, kind + " merge orders, MᵀM: " + err);
        double errE = Fixtures.relativeError(tree.golubPereyraE[j], seq.golubPereyraE[j]);
        assertTrue(errE < 1e-12, kind + " merge orders, E: " + errE);
      }
      double[] g2 = StepSystems.build(tree.addRidge(1e-4), HessianKind.GOLUB_PEREYRA, false).step(1e-3);
      double[] g3 = StepSystems.build(again.addRidge(1e-4), HessianKind.GOLUB_PEREYRA, false).step(1e-3);
      assertArrayEquals(g2, g3, kind + " fixed order must be bit-identical");
      ProjectionStats p1 = new ProjectionStats(map.numFeatures(), 2, kind);
      ProjectionStats p2 = new ProjectionStats(map.numFeatures(), 2, kind);
      for (int i = 0; i < blocks.length; i++) {
        p1.add(map, theta, blocks[i]);
        p2.add(map, theta, blocks[blocks.length - 1 - i]);
      }
      double l1 = InnerSolver.solve(p1, 0).loss();
      double l2 = InnerSolver.solve(p2, 0).loss();
      assertEquals(l1, l2, 1e-12 * l1);
    }
  }

  private JacobianStats tree(FeatureMap map, double[] c, StatsKind kind, int[] order) {
    RowBlock[] blocks = data(120, 2).split(15);
    JacobianStats[] parts = new JacobianStats[order.length];
    for (int i = 0; i < order.length; i++) {
      parts[i] = new JacobianStats(map.numFeatures(), map.numParams(), 2, kind, true, false)
          .add(map, theta, c, null, blocks[order[i]]);
    }
    int len = parts.length;
    while (len > 1) {
      int half = (len + 1) / 2;
      for (int i = 0; i + half < len; i++) {
        parts[i] = parts[i].merge(parts[i + half]);
      }
      len = half;
    }
    return parts[0];
  }

  private StepSolver stepSolver(RowBlock rows, double lambda, HessianKind hk, StepMethod method) {
    return stepSolver(rows, lambda, hk, method, false);
  }

  private StepSolver stepSolver(RowBlock rows, double lambda, HessianKind hk, StepMethod method, boolean diag) {
    LocalEvaluator ev = LocalEvaluator.ofRows(net, rows, 16);
    InnerSolution inner = InnerSolver.solve(ev.project(theta, StatsKind.QR), lambda);
    JacobianStats js = ev.jacobian(theta, inner.c(), lambda, null, method.statistics(), hk == HessianKind.GOLUB_PEREYRA);
    return StepSystems.build(js, hk, diag);
  }

  /** The regularized residual vector [W½(A C(θ) − Y); √λ C(θ)] with C(θ) from the inner solve. */
  private double[] residual(RowBlock rows, double[] th, double lambda) {
    InnerSolution inner = InnerSolver.solve(LocalEvaluator.ofRows(net, rows, 64).project(th, StatsKind.QR), lambda);
    double[] a = Fixtures.features(net, th, rows);
    int m = rows.rows;
    int n = net.numFeatures();
    int k = rows.outputs;
    double[] r = new double[k * (m + n)];
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < m; i++) {
        double fit = -rows.target(i, j);
        for (int l = 0; l < n; l++) {
          fit += a[i + l * m] * inner.c()[l + j * n];
        }
        r[j * (m + n) + i] = Math.sqrt(rows.weight[i]) * fit;
      }
      for (int l = 0; l < n; l++) {
        r[j * (m + n) + m + l] = Math.sqrt(lambda) * inner.c()[l + j * n];
      }
    }
    return r;
  }
}
