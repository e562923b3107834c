package org.varpro.core.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.varpro.core.classify.ClassifierOptions.INNER_TOLERANCE;
import static org.varpro.core.classify.ClassifierOptions.STEP;

import org.junit.jupiter.api.Test;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.Activation;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.ReducedProblem;
import org.varpro.core.solver.StepSystem;
import org.varpro.core.solver.TruncatedCg;
import org.varpro.core.stats.StatsKind;

/**
 * (a) The reduced cross-entropy gradient against central differences of f(θ) (each an inner
 * solve), and the outer Gauss-Newton matrix in all its forms (dense Gram and TSQR, products by
 * forward mode and by the row-wise fallback) against a per-row reference.
 */
class ReducedProblemTest {
  private static final int K = 3;
  private static final double LAMBDA = 1e-3;

  private final JvpPerceptron net = JvpPerceptron.of(Activation.TANH, 3, 5, 4);
  private final RowBlock rows = ClassifyFixtures.rows(7, 60, 3, K);
  private final double[] theta = net.initialParams(3);

  private ClassifierSolver solver() {
    ClassifierOptions o = ClassifierOptions.builder().lambda(LAMBDA).set(INNER_TOLERANCE, 1e-13).build();
    return new ClassifierSolver(o);
  }

  private LocalClassifyEvaluator evaluator(FeatureMap map) {
    return LocalClassifyEvaluator.ofRows(map, K, rows, 17);
  }

  @Test
  void reducedGradientMatchesFiniteDifferences() {
    LocalClassifyEvaluator ev = evaluator(net);
    ClassifierSolver s = solver();
    SoftmaxNewton.Result at = s.inner(ev, theta, null);
    assertTrue(at.converged());
    double[] g = ev.gradient(theta, at.c()).vector();
    int p = theta.length;
    double[] fd = new double[p];
    double h = 1e-5;
    for (int q = 0; q < p; q++) {
      double[] tp = theta.clone();
      double[] tm = theta.clone();
      tp[q] += h;
      tm[q] -= h;
      SoftmaxNewton.Result rp = s.inner(ev, tp, at.c());
      SoftmaxNewton.Result rm = s.inner(ev, tm, at.c());
      assertTrue(rp.converged() && rm.converged());
      fd[q] = (rp.objective() - rm.objective()) / (2 * h);
    }
    double rel = ClassifyFixtures.relativeDifference(fd, g);
    System.out.printf("reduced CE gradient vs central differences: relative difference %.2e (|g| = %.3e, p = %d)%n",
        rel, ClassifyFixtures.norm(g), p);
    assertTrue(rel <= 1e-6, "relative difference " + rel);
  }

  @Test
  void gaussNewtonFormsAgree() {
    LocalClassifyEvaluator ev = evaluator(net);
    double[] c = solver().inner(ev, theta, null).c();
    int p = theta.length;
    int n = net.numFeatures();
    // Reference: per row, J_i (K×p) from the K row-wise products, H = Σ w_i J_iᵀ(diag p − ppᵀ)J_i.
    double[] href = new double[p * p];
    double[] gref = new double[p];
    int m = rows.rows;
    double[][] d = new double[K][m * p];
    double[][] cot = new double[K][m * n];
    for (int k = 0; k < K; k++) {
      for (int l = 0; l < n; l++) {
        for (int i = 0; i < m; i++) {
          cot[k][i + l * m] = c[l + k * n];
        }
      }
    }
    double[] a = new double[m * n];
    net.rowJacobianProducts(theta, rows, cot, a, 0, d, new int[K]);
    double[] prob = new double[m * K];
    Lapack.gemm(false, false, m, K, n, 1.0, a, 0, m, c, 0, n, 0.0, prob, 0, m);
    Softmax.probabilities(prob, m, K, null);
    for (int i = 0; i < m; i++) {
      double w = rows.weight[i];
      int y = (int) rows.y[i];
      for (int k = 0; k < K; k++) {
        double pk = prob[i + k * m];
        for (int q = 0; q < p; q++) {
          gref[q] += w * (pk - (k == y ? 1 : 0)) * d[k][i + q * m];
        }
        for (int l = 0; l < K; l++) {
          double hk = w * ((k == l ? pk : 0) - pk * prob[i + l * m]);
          for (int q2 = 0; q2 < p; q2++) {
            double t = hk * d[l][i + q2 * m];
            for (int q = 0; q < p; q++) {
              href[q + q2 * p] += d[k][i + q * m] * t;
            }
          }
        }
      }
    }
    double hscale = ClassifyFixtures.norm(href);
    for (StatsKind kind : new StatsKind[] {StatsKind.GRAM, StatsKind.QR}) {
      GaussNewtonStats gn = ev.gaussNewton(theta, c, kind);
      assertTrue(ClassifyFixtures.relativeDifference(gn.gradient(), gref) < 1e-12);
      double hd = ClassifyFixtures.relativeDifference(gn.hessian(), href);
      assertTrue(hd < 1e-12, kind + ": H relative difference " + hd);
    }
    assertTrue(ClassifyFixtures.relativeDifference(ev.gradient(theta, c).vector(), gref) < 1e-12);
    // H v by forward mode (JvpPerceptron) and by the row-wise fallback (plain Perceptron).
    Perceptron plain = net.perceptron();
    LocalClassifyEvaluator ev2 = evaluator(plain);
    for (int t = 0; t < 3; t++) {
      double[] v = ClassifyFixtures.gaussian(50 + t, p, 1.0);
      double[] hv = new double[p];
      Lapack.gemm(false, false, p, 1, p, 1.0, href, 0, p, v, 0, p, 0.0, hv, 0, p);
      double e1 = ClassifyFixtures.relativeDifference(ev.product(theta, c, v).vector(), hv);
      double e2 = ClassifyFixtures.relativeDifference(ev2.product(theta, c, v).vector(), hv);
      assertTrue(e1 < 1e-12 && e2 < 1e-12, "Hv relative differences " + e1 + ", " + e2);
    }
    assertTrue(hscale > 0);
  }

  /**
   * (d) The matrix-free step (truncated CG on Hv products, trust region inactive) equals the
   * dense step (H + μI)δ = −g solved by Cholesky.
   */
  @Test
  void matrixFreeStepEqualsDenseStep() {
    LocalClassifyEvaluator ev = evaluator(net);
    double[] c = solver().inner(ev, theta, null).c();
    GaussNewtonStats gn = ev.gaussNewton(theta, c, StatsKind.GRAM);
    ClassifierOptions denseOptions = ClassifierOptions.builder().set(STEP, ClassifierStep.DENSE)
        .statistics(StatsKind.GRAM).lambda(LAMBDA).set(INNER_TOLERANCE, 1e-13).build();
    CrossEntropyProblem problem = new CrossEntropyProblem(ev, denseOptions, null);
    StepSystem dense = problem.linearize(problem.evaluate(theta, denseOptions.lambda(), (ReducedProblem.Iterate) null),
        denseOptions.lambda(), null);
    double[] g = gn.gradient();
    int p = g.length;
    for (double tau : new double[] {1e-2, 1e-4}) {
      double mu = tau * dense.curvatureScale();
      StepSystem.Trial ds = dense.solve(mu);
      TruncatedCg.Result cg = new TruncatedCg(1e-14, 20 * p)
          .solve(v -> ev.product(theta, c, v).vector(), mu, g, Double.POSITIVE_INFINITY);
      double rel = ClassifyFixtures.relativeDifference(cg.step(), ds.delta());
      System.out.printf("CG vs dense step: tau=%.0e, %d products, stop=%s, relative difference %.2e%n",
          tau, cg.iterations(), cg.stop(), rel);
      assertTrue(rel <= 1e-8, "relative difference " + rel);
      assertEquals(ds.predicted(), cg.predictedReduction(g), 1e-8 * ds.predicted());
      // A large radius that the step does not reach leaves it unchanged.
      double norm = ClassifyFixtures.norm(ds.delta());
      TruncatedCg.Result inactive = new TruncatedCg(1e-14, 20 * p)
          .solve(v -> ev.product(theta, c, v).vector(), mu, g, 10 * norm);
      assertTrue(ClassifyFixtures.relativeDifference(inactive.step(), ds.delta()) <= 1e-8);
      // An active trust region: the step lands on the boundary and still lowers the model.
      TruncatedCg.Result active = new TruncatedCg(1e-14, 20 * p)
          .solve(v -> ev.product(theta, c, v).vector(), mu, g, 0.3 * norm);
      assertEquals(TruncatedCg.Stop.TRUST_REGION, active.stop());
      assertEquals(0.3 * norm, active.stepNorm(), 1e-12 * norm);
      assertTrue(active.predictedReduction(g) > 0);
    }
    // The QR form of the dense step agrees with the Gram form.
    denseOptions = denseOptions.toBuilder().statistics(StatsKind.QR).build();
    CrossEntropyProblem qrProblem = new CrossEntropyProblem(ev, denseOptions, null);
    StepSystem qr = qrProblem.linearize(qrProblem.evaluate(theta, LAMBDA, (ReducedProblem.Iterate) null), LAMBDA, null);
    double mu = 1e-3 * dense.curvatureScale();
    assertTrue(ClassifyFixtures.relativeDifference(qr.solve(mu).delta(), dense.solve(mu).delta()) < 1e-9);
  }

  /** Truncated CG on an explicit SPD matrix: the exact solve, and negative curvature handling. */
  @Test
  void truncatedCgOnExplicitMatrices() {
    int p = 12;
    double[] g = ClassifyFixtures.gaussian(10, p, 1.0);
    TruncatedCg.Operator op = ClassifyFixtures.operator(ClassifyFixtures.spd(9, p), p);
    TruncatedCg.Result r = new TruncatedCg(1e-13, 200).solve(op, 0.5, g, Double.POSITIVE_INFINITY);
    assertEquals(TruncatedCg.Stop.CONVERGED, r.stop());
    double[] res = op.apply(r.step());
    for (int q = 0; q < p; q++) {
      res[q] += 0.5 * r.step()[q] + g[q];
    }
    assertTrue(ClassifyFixtures.norm(res) < 1e-10 * ClassifyFixtures.norm(g));
    // An indefinite operator: the step goes to the boundary along negative curvature.
    TruncatedCg.Operator neg = v -> {
      double[] out = op.apply(v);
      for (int q = 0; q < p; q++) {
        out[q] -= 1e3 * v[q];
      }
      return out;
    };
    TruncatedCg.Result nr = new TruncatedCg(1e-13, 200).solve(neg, 0, g, 2.0);
    assertEquals(2.0, nr.stepNorm(), 1e-12);
    assertTrue(nr.predictedReduction(g) > 0);
  }
}
