package org.varpro.core.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.varpro.core.Fixtures;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.Deadline;

/**
 * (b) The inner Newton solve on multinomial logistic regression with fixed features, against an
 * independent Newton implementation (per-row loops, parameters ordered class-fastest, Gaussian
 * elimination), and the reduction's algebra.
 */
class SoftmaxNewtonTest {
  private static final int M = 240;
  private static final int N = 6;
  private static final int K = 4;
  private static final double LAMBDA = 1e-2;

  private final RowBlock rows = ClassifyFixtures.rows(21, M, 3, K);
  private final double[] a = features();

  /** Fixed features: a few nonlinear functions of the inputs and a constant column. */
  private double[] features() {
    double[] f = new double[M * N];
    for (int i = 0; i < M; i++) {
      double x0 = rows.input(i, 0);
      double x1 = rows.input(i, 1);
      double x2 = rows.input(i, 2);
      double[] r = {3 * x0, 2 * x1 - x2, x0 * x1 * 2, Math.sin(3 * x2), x0 * x0 - x2, 1.0};
      for (int l = 0; l < N; l++) {
        f[i + l * M] = r[l];
      }
    }
    return f;
  }

  private SoftmaxStats pass(double[] c, SoftmaxStats.Level level, int blockRows) {
    SoftmaxStats total = new SoftmaxStats(N, K, level);
    for (int from = 0; from < M; from += blockRows) {
      int to = Math.min(M, from + blockRows);
      RowBlock b = rows.slice(from, to);
      double[] ab = new double[(to - from) * N];
      for (int l = 0; l < N; l++) {
        System.arraycopy(a, l * M + from, ab, l * (to - from), to - from);
      }
      total.merge(new SoftmaxStats(N, K, level).add(ab, 0, b, c));
    }
    return total;
  }

  @Test
  void newtonReachesToleranceAndAgreesWithIndependentSolve() {
    SoftmaxNewton.Result r = new SoftmaxNewton().absoluteTolerance(1e-10)
        .solve((c, level) -> pass(c, level, 50), N, K, LAMBDA, null);
    assertTrue(r.converged(), "not converged: ‖∇‖ = " + r.gradientNorm());
    assertTrue(r.gradientNorm() <= 1e-10, "‖∇‖ = " + r.gradientNorm());
    double[] ref = independentNewton();
    double diff = maxDifference(r.c(), ref);
    System.out.printf("inner Newton: %d iterations, %d passes, |grad| = %.2e, max |C - C_ref| = %.2e%n",
        r.iterations(), r.passes(), r.gradientNorm(), diff);
    assertTrue(diff <= 1e-8, "max |C − C_ref| = " + diff);
    assertEquals(objectiveClassFastest(ref), r.objective(), 1e-12 * Math.abs(r.objective()));
  }

  /** Warm start from the solution: converged at once, no iteration. */
  @Test
  void warmStartFromSolutionIsImmediate() {
    SoftmaxNewton newton = new SoftmaxNewton().absoluteTolerance(1e-10);
    SoftmaxNewton.Result r = newton.solve((c, level) -> pass(c, level, M), N, K, LAMBDA, null);
    SoftmaxNewton.Result again = newton.solve((c, level) -> pass(c, level, M), N, K, LAMBDA, r.c());
    assertEquals(0, again.iterations());
    assertEquals(1, again.passes());
  }

  /**
   * Lazy curvature: started with the Hessian of a distant C (and later the Hessians it sums
   * itself only when the stale one does badly), the solve reaches the same tolerance and the
   * same C as the reference, summing fewer Hessians than it takes steps.
   */
  @Test
  void staleCurvatureReachesTheSameSolutionWithFewerHessians() {
    double[] ref = independentNewton();
    double[] far = ClassifyFixtures.gaussian(8, N * K, 0.8);
    double[] stale = pass(far, SoftmaxStats.Level.HESSIAN, M).hessian(0);
    int[] byLevel = new int[3];
    SoftmaxNewton.Result r = new SoftmaxNewton().absoluteTolerance(1e-10).solve((c, level) -> {
      byLevel[level.ordinal()]++;
      return pass(c, level, M);
    }, N, K, LAMBDA, null, stale, Deadline.NONE);
    assertTrue(r.converged() && r.gradientNorm() <= 1e-10, "‖∇‖ = " + r.gradientNorm());
    double diff = maxDifference(r.c(), ref);
    // ‖C − C*‖ ≤ ‖∇‖/λ_min ≤ 1e-10/λ = 1e-8 (strong convexity from the ridge).
    assertTrue(diff <= 1e-8, "max |C − C_ref| = " + diff);
    int hessians = byLevel[SoftmaxStats.Level.HESSIAN.ordinal()];
    System.out.printf("stale-curvature Newton: %d iterations, passes by level %s%n", r.iterations(),
        java.util.Arrays.toString(byLevel));
    assertTrue(hessians < r.iterations(), hessians + " Hessians for " + r.iterations() + " steps");
    assertEquals(r.passes(), byLevel[0] + byLevel[1] + byLevel[2]);
    // The curvature handed on is a Hessian the solve summed (it had to refresh the distant one).
    assertTrue(hessians > 0 && r.curvature() != stale);
  }

  /**
   * Hessians from a row sample (every third row, weight ×3: an estimate of the full Hessian),
   * the gradient from every row: the same solution to the tolerance, and no full Hessian pass.
   */
  @Test
  void sampledCurvatureReachesTheSameSolution() {
    double[] ref = independentNewton();
    int[] sample = java.util.stream.IntStream.range(0, M).filter(i -> i % 3 == 0).toArray();
    RowBlock picked = rows.select(sample);
    double[] scaledWeights = picked.weight.clone();
    for (int i = 0; i < scaledWeights.length; i++) {
      scaledWeights[i] *= 3;
    }
    RowBlock sub = new RowBlock(picked.rows, picked.inputDim, picked.outputs, picked.x, picked.y, scaledWeights,
        picked.channels, picked.coef);
    double[] subA = new double[sample.length * N];
    for (int l = 0; l < N; l++) {
      for (int i = 0; i < sample.length; i++) {
        subA[i + l * sample.length] = a[sample[i] + l * M];
      }
    }
    int[] byLevel = new int[3];
    int[] sampled = new int[1];
    SoftmaxNewton.Result r = new SoftmaxNewton().absoluteTolerance(1e-10).solve((c, level) -> {
      byLevel[level.ordinal()]++;
      return pass(c, level, M);
    }, c -> {
      sampled[0]++;
      return new SoftmaxStats(N, K, SoftmaxStats.Level.HESSIAN).add(subA, 0, sub, c).hessian(0);
    }, N, K, LAMBDA, null, null, Deadline.NONE);
    assertTrue(r.converged() && r.gradientNorm() <= 1e-10, "‖∇‖ = " + r.gradientNorm());
    double diff = maxDifference(r.c(), ref);
    // As above: ‖C − C*‖ ≤ ‖∇‖/λ.
    assertTrue(diff <= 1e-8, "max |C − C_ref| = " + diff);
    assertEquals(0, byLevel[SoftmaxStats.Level.HESSIAN.ordinal()]);
    assertTrue(sampled[0] >= 1);
    System.out.printf("sampled-curvature Newton: %d iterations, passes by level %s, %d sample Hessians%n",
        r.iterations(), java.util.Arrays.toString(byLevel), sampled[0]);
  }

  /**
   * A deadline already passed: one Newton step and no more, and the objective returned is the
   * true objective at the C returned (a pass there recomputes it).
   */
  @Test
  void deadlineStopsAfterOneStepWithAnHonestObjective() {
    SoftmaxNewton.Result r = new SoftmaxNewton().absoluteTolerance(1e-10)
        .solve((c, level) -> pass(c, level, M), N, K, LAMBDA, null, null, Deadline.after(System.nanoTime(), 0));
    assertEquals(1, r.iterations());
    assertTrue(!r.converged());
    assertEquals(pass(r.c(), SoftmaxStats.Level.LOSS, M).objective(LAMBDA, r.c()), r.objective(), 0.0);
    assertTrue(r.objective() < pass(new double[N * K], SoftmaxStats.Level.LOSS, M).objective(LAMBDA, new double[N * K]));
  }

  /** Gradient and Hessian sums against the per-row loops; block splits do not matter. */
  @Test
  void sumsMatchPerRowLoopsAndAnySplit() {
    double[] c = ClassifyFixtures.gaussian(4, N * K, 0.5);
    SoftmaxStats whole = pass(c, SoftmaxStats.Level.HESSIAN, M);
    SoftmaxStats split = pass(c, SoftmaxStats.Level.HESSIAN, 37);
    assertEquals(whole.loss(), split.loss(), 1e-13 * whole.loss());
    assertArrayEquals(whole.gradient(LAMBDA, c), split.gradient(LAMBDA, c), 1e-14);
    assertArrayEquals(whole.hessian(LAMBDA), split.hessian(LAMBDA), 1e-14);

    double[] cf = new double[N * K];
    for (int l = 0; l < N; l++) {
      for (int k = 0; k < K; k++) {
        cf[k + l * K] = c[l + k * N];
      }
    }
    double[][] gh = gradientHessianClassFastest(cf);
    double[] g = whole.gradient(LAMBDA, c);
    double[] h = whole.hessian(LAMBDA);
    int nk = N * K;
    for (int l = 0; l < N; l++) {
      for (int k = 0; k < K; k++) {
        assertEquals(gh[0][k + l * K], g[l + k * N], 1e-14);
        for (int l2 = 0; l2 < N; l2++) {
          for (int k2 = 0; k2 < K; k2++) {
            assertEquals(gh[1][(k + l * K) + (k2 + l2 * K) * nk], h[(l + k * N) + (l2 + k2 * N) * nk], 1e-14);
          }
        }
      }
    }
    // The gradient is the derivative of the objective (central differences).
    double hstep = 1e-6;
    for (int q = 0; q < nk; q += 5) {
      double[] cp = c.clone();
      double[] cm = c.clone();
      cp[q] += hstep;
      cm[q] -= hstep;
      double fd = (pass(cp, SoftmaxStats.Level.LOSS, M).objective(LAMBDA, cp)
          - pass(cm, SoftmaxStats.Level.LOSS, M).objective(LAMBDA, cm)) / (2 * hstep);
      assertEquals(fd, g[q], 1e-8);
    }
  }

  /** One-hot targets (K columns) give the same sums as class indices (one column). */
  @Test
  void oneHotTargetsEqualIndexTargets() {
    double[] y = ClassLabels.targets(rows, K);
    RowBlock oneHot = RowBlock.regression(M, 3, K, rows.x, y, rows.weight);
    double[] c = ClassifyFixtures.gaussian(6, N * K, 0.5);
    SoftmaxStats s1 = new SoftmaxStats(N, K, SoftmaxStats.Level.HESSIAN).add(a, 0, rows, c);
    SoftmaxStats s2 = new SoftmaxStats(N, K, SoftmaxStats.Level.HESSIAN).add(a, 0, oneHot, c);
    assertEquals(s1.loss(), s2.loss(), 0.0);
    assertEquals(s1.accuracy(), s2.accuracy(), 0.0);
    assertArrayEquals(s1.gradient(0, c), s2.gradient(0, c), 0.0);
    assertArrayEquals(s1.hessian(0), s2.hessian(0), 0.0);
  }

  /** max |C[l, k] − β[k + l·K]|: C (n×K) against the reference's class-fastest parameters. */
  private static double maxDifference(double[] c, double[] beta) {
    double diff = 0;
    for (int l = 0; l < N; l++) {
      for (int k = 0; k < K; k++) {
        diff = Math.max(diff, Math.abs(c[l + k * N] - beta[k + l * K]));
      }
    }
    return diff;
  }

  // ---- the independent reference: parameters β[k + l·K] = C[l, k], plain loops ----

  private double[] probabilities(double[] beta, int i) {
    double[] z = new double[K];
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < K; k++) {
      for (int l = 0; l < N; l++) {
        z[k] += a[i + l * M] * beta[k + l * K];
      }
      max = Math.max(max, z[k]);
    }
    double s = 0;
    for (int k = 0; k < K; k++) {
      z[k] = Math.exp(z[k] - max);
      s += z[k];
    }
    for (int k = 0; k < K; k++) {
      z[k] /= s;
    }
    return z;
  }

  private double objectiveClassFastest(double[] beta) {
    double f = 0;
    for (int i = 0; i < M; i++) {
      double[] p = probabilities(beta, i);
      f -= rows.weight[i] * Math.log(p[(int) rows.y[i]]);
    }
    for (double b : beta) {
      f += 0.5 * LAMBDA * b * b;
    }
    return f;
  }

  private double[][] gradientHessianClassFastest(double[] beta) {
    int nk = N * K;
    double[] g = new double[nk];
    double[] h = new double[nk * nk];
    for (int i = 0; i < M; i++) {
      double[] p = probabilities(beta, i);
      int y = (int) rows.y[i];
      double w = rows.weight[i];
      for (int l = 0; l < N; l++) {
        double al = a[i + l * M];
        for (int k = 0; k < K; k++) {
          g[k + l * K] += w * al * (p[k] - (k == y ? 1 : 0));
          for (int l2 = 0; l2 < N; l2++) {
            double al2 = a[i + l2 * M];
            for (int k2 = 0; k2 < K; k2++) {
              double d = (k == k2 ? p[k] : 0) - p[k] * p[k2];
              h[(k + l * K) + (k2 + l2 * K) * nk] += w * al * al2 * d;
            }
          }
        }
      }
    }
    for (int q = 0; q < nk; q++) {
      g[q] += LAMBDA * beta[q];
      h[q + q * nk] += LAMBDA;
    }
    return new double[][] {g, h};
  }

  private double[] independentNewton() {
    int nk = N * K;
    double[] beta = new double[nk];
    for (int it = 0; it < 100; it++) {
      double[][] gh = gradientHessianClassFastest(beta);
      double[] g = gh[0];
      if (ClassifyFixtures.norm(g) < 1e-13) {
        break;
      }
      double[] neg = new double[nk];
      for (int q = 0; q < nk; q++) {
        neg[q] = -g[q];
      }
      double[] d = Fixtures.solveDense(gh[1], neg, nk);
      double f = objectiveClassFastest(beta);
      double t = 1;
      double slope = ClassifyFixtures.dot(g, d);
      double[] next = beta;
      for (int ls = 0; ls < 50; ls++) {
        next = beta.clone();
        for (int q = 0; q < nk; q++) {
          next[q] += t * d[q];
        }
        if (objectiveClassFastest(next) <= f + 1e-4 * t * slope || -slope < 1e-20) {
          break;
        }
        t *= 0.5;
      }
      beta = next;
    }
    return beta;
  }
}
