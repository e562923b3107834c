package org.varpro.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.varpro.core.Fixtures;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.linalg.Svd;
import org.varpro.core.model.Activation;
import org.varpro.core.model.ExponentialSum;
import org.varpro.core.model.Initialization;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.stats.StatsKind;

/** Problems whose answer is known in closed form. */
class ConvergenceOracleTest {

  /**
   * Deep linear oracle (DESIGN §2.7): features W2·W1·x of rank r; the best rank-r fit of Y by
   * X·W is the truncated SVD of the least-squares fit Ŷ (Eckart-Young, Y − Ŷ ⟂ col X), so
   * f* = ½(‖Y − Ŷ‖² + Σ_{i>r} σ_i(Ŷ)²).
   */
  @Test
  void deepLinearReachesTruncatedSvdOptimum() {
    int m = 60;
    int d = 6;
    int k = 5;
    int r = 2;
    int reached = 0;
    StringBuilder log = new StringBuilder();
    for (int seed = 1; seed <= 20; seed++) {
      SplittableRandom rng = new SplittableRandom(100 + seed);
      double[] x = new double[m * d];
      double[] y = new double[m * k];
      for (int i = 0; i < x.length; i++) {
        x[i] = rng.nextGaussian();
      }
      for (int i = 0; i < y.length; i++) {
        y[i] = rng.nextGaussian();
      }
      RowBlock rows = RowBlock.regression(m, d, k, x, y);
      double optimum = truncatedSvdOptimum(x, y, m, d, k, r);
      Perceptron net = Perceptron.deepLinear(d, 4, r);
      // The solver stops on its own criteria; the oracle is only used to judge the result.
      SolverOptions o = SolverOptions.builder().maxIterations(400).build();
      SolverResult res = new VarProSolver(o).solve(LocalEvaluator.ofRows(net, rows, 32), net.initialParams(seed));
      double rel = (res.loss() - optimum) / optimum;
      log.append(String.format("seed %d: rel %.2e it %d %s%n", seed, rel, res.iterations(), res.stopReason()));
      // No iterate can beat the global optimum by more than rounding: this checks the oracle too.
      assertTrue(rel > -1e-12, "loss below the closed-form optimum: " + rel);
      if (rel <= 1e-10) {
        reached++;
      }
    }
    System.out.println("deep linear optimum reached to 1e-10 in " + reached + "/20 seeds\n" + log);
    assertTrue(reached >= 19, "deep linear optimum reached in " + reached + "/20 seeds\n" + log);
  }

  static double truncatedSvdOptimum(double[] x, double[] y, int m, int d, int k, int r) {
    // Ŷ = Q Qᵀ Y with Q from the QR of X (Householder reflectors, no normal equations).
    double[] q = x.clone();
    double[] tau = Lapack.householder(q, m, d);
    double[] qty = y.clone();
    Lapack.applyQ(true, q, m, d, tau, qty, k);
    double residual = 0;
    for (int j = 0; j < k; j++) {
      for (int i = d; i < m; i++) {
        residual += qty[i + j * m] * qty[i + j * m];
      }
    }
    double[] top = new double[d * k];
    for (int j = 0; j < k; j++) {
      System.arraycopy(qty, j * m, top, j * d, d);
    }
    Svd svd = Lapack.svd(top, d, k);
    double tail = 0;
    for (int i = r; i < svd.s().length; i++) {
      tail += svd.s()[i] * svd.s()[i];
    }
    return 0.5 * (residual + tail);
  }

  /** Classical VarPro: two exponentials plus a constant, noise-free, from a rough start. */
  @Test
  void exponentialsRecoverDecayRates() {
    int m = 80;
    double[] x = new double[m];
    double[] y = new double[m];
    for (int i = 0; i < m; i++) {
      x[i] = 6.0 * i / (m - 1);
      y[i] = 2.0 * Math.exp(-1.3 * x[i]) + 0.5 * Math.exp(-0.4 * x[i]) + 0.3;
    }
    RowBlock rows = RowBlock.regression(m, 1, 1, x, y);
    ExponentialSum model = new ExponentialSum(2.0, 0.1);
    SolverOptions o = SolverOptions.builder().maxIterations(200).build();
    SolverResult res = new VarProSolver(o).solve(LocalEvaluator.ofRows(model, rows, 32), model.initialParams(0));
    double[] rates = res.theta().clone();
    Arrays.sort(rates);
    assertEquals(0.4, rates[0], 1e-8 * 0.4, "slow rate, stop: " + res.stopReason());
    assertEquals(1.3, rates[1], 1e-8 * 1.3, "fast rate");
  }

  /**
   * Two identical hidden units. λ > 0 converges with effective rank n − 1. At λ = 0 the
   * rank-revealing inner solve takes the minimum-norm C, reports rank n − 1 in the iteration
   * record and the run goes on (the factor step needs only P⊥; rounding lets the copies drift
   * apart, and the rank comes back) to the same reduction as with λ > 0; the Gram
   * step needs G invertible, so there the solver stops with RANK_DEFICIENT.
   */
  @Test
  void duplicatedUnitsAreHandledByRegularizationAndSurvivedWithout() {
    Perceptron net = new Perceptron(new int[] {1, 5}, Activation.TANH, true, true, 1.0,
        Initialization.XAVIER, -1, 1, 2);
    double[] theta = net.initialParams(3);
    // Weights W (5×1) then biases: make unit 1 a copy of unit 0.
    theta[1] = theta[0];
    theta[5 + 1] = theta[5];
    RowBlock rows = Fixtures.rows(2, 200, 1, 1, -1, 1, (p, j) -> Math.sin(3 * p[0]), false);
    int n = net.numFeatures();
    double initial = initialLoss(net, rows, theta);

    SolverOptions reg = SolverOptions.builder().lambda(1e-8).maxIterations(60).build();
    SolverResult ok = new VarProSolver(reg).solve(LocalEvaluator.ofRows(net, rows, 64), theta);
    assertEquals(n - 1, ok.effectiveRank(), "effective rank with a duplicated unit");
    assertTrue(Double.isFinite(ok.loss()) && ok.loss() < 1e-3 * initial,
        "regularized run converges: " + ok.loss());
    assertTrue(Arrays.stream(ok.c()).allMatch(Double::isFinite));

    SolverOptions plain = SolverOptions.builder().lambda(0).maxIterations(60).build();
    SolverResult minNorm = new VarProSolver(plain).solve(LocalEvaluator.ofRows(net, rows, 64), theta);
    assertEquals(n - 1, minNorm.history().get(0).effectiveRank(), "the lost rank is reported");
    assertTrue(minNorm.stopReason() != StopReason.RANK_DEFICIENT && minNorm.iterations() == 60,
        "the factor step survives the rank loss: " + minNorm.stopReason());
    assertTrue(minNorm.loss() < 1e-3 * initial, "λ = 0 run converges: " + minNorm.loss());
    assertTrue(Arrays.stream(minNorm.c()).allMatch(Double::isFinite), "no NaN weights");

    SolverOptions gram = plain.toBuilder().statistics(StatsKind.GRAM).build();
    SolverResult bad = new VarProSolver(gram).solve(LocalEvaluator.ofRows(net, rows, 64), theta);
    assertEquals(StopReason.RANK_DEFICIENT, bad.stopReason());
    assertEquals(n - 1, bad.effectiveRank());
    assertTrue(Arrays.stream(bad.c()).allMatch(Double::isFinite), "no NaN weights");
    assertTrue(Arrays.stream(bad.theta()).allMatch(Double::isFinite));
  }

  private static double initialLoss(Perceptron net, RowBlock rows, double[] theta) {
    return InnerSolver.solve(LocalEvaluator.ofRows(net, rows, 64).project(theta, StatsKind.QR), 0).loss();
  }

  /**
   * Why TSQR is the default: on tanh features with cond(A) ≥ 1e8 the Gram path's squared
   * condition number stalls the iteration far above where the factor path goes. Both final
   * iterates are scored by the same exact (TSQR) reduced loss.
   */
  @Test
  void factorPathBeatsGramSumsOnIllConditionedFeatures() {
    Perceptron net = new Perceptron(new int[] {1, 8}, Activation.TANH, true, true, 1.0,
        Initialization.XAVIER, -1, 1, 2);
    RowBlock rows = Fixtures.rows(6, 400, 1, 1, -1, 1, (p, j) -> Math.sin(2 * p[0]) + 0.5 * p[0] * p[0], false);
    double[] theta0 = net.initialParams(1);
    LocalEvaluator ev = LocalEvaluator.ofRows(net, rows, 128);
    double[] sv = singularValues(net, theta0, rows);
    double cond = sv[0] / sv[sv.length - 1];
    assertTrue(cond >= 1e8, "the problem must be ill-conditioned, cond(A) = " + cond);

    SolverOptions qr = SolverOptions.builder().maxIterations(300).build();
    SolverOptions gram = qr.toBuilder().statistics(StatsKind.GRAM).build();
    SolverResult a = new VarProSolver(qr).solve(ev, theta0);
    SolverResult b = new VarProSolver(gram).solve(ev, theta0);
    double lossQr = InnerSolver.solve(ev.project(a.theta(), StatsKind.QR), 0).loss();
    double lossGram = InnerSolver.solve(ev.project(b.theta(), StatsKind.QR), 0).loss();
    System.out.printf("conditioning: cond(A0) %.2e, TSQR loss %.3e, Gram loss %.3e%n", cond, lossQr, lossGram);
    assertTrue(lossQr * 1e6 <= lossGram, String.format(
        "TSQR loss %.3e vs Gram loss %.3e (cond %.1e)", lossQr, lossGram, cond));
  }

  private static double[] singularValues(Perceptron net, double[] theta, RowBlock rows) {
    double[] a = Fixtures.features(net, theta, rows);
    return Lapack.svd(a, rows.rows, net.numFeatures()).s();
  }
}
