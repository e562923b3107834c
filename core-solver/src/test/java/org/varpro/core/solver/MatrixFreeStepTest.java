package org.varpro.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.varpro.core.solver.SolverOptions.STEP;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.varpro.core.Fixtures;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.StatsKind;

/** The matrix-free step (DESIGN §2.3) against the dense factor step and finite differences. */
class MatrixFreeStepTest {
  private final Perceptron net = Perceptron.of(Activation.TANH, 2, 6);
  private final double[] theta = net.initialParams(5);

  private RowBlock data(int m, int k) {
    return Fixtures.rows(9, m, 2, k, -1, 1,
        (x, j) -> Math.sin(2 * x[0] + j) * Math.cos(x[1]) + 0.1 * j, true);
  }

  private static SolverOptions convergedCg() {
    return SolverOptions.builder().cgTolerance(1e-14).cgMaxIterations(1000).build();
  }

  /**
   * With CG run to convergence, the step and gradient equal the dense factor step's, to within
   * what the conditioning of the two solves allows. Both paths compute δ from (H_K + μI)δ = −g,
   * but form H_K differently: the dense one from the TSQR factors, the matrix-free one through
   * a solve with G_λ = AᵀWA + λI in every product. That solve perturbs H_K by a relative
   * ε·κ(G_λ) (ε the unit roundoff), and CG stops at a relative residual cgTolerance; a
   * perturbation of relative size η in the system moves its solution by at most κ(H_K + μI)·η
   * relatively (first-order perturbation bound for linear systems). So
   * ‖δ_dense − δ_mf‖ ≤ κ(H_K + μI)·(ε·κ(G_λ) + cgTolerance)·‖δ‖₂, with both condition numbers
   * computed here from the eigenvalues of the matrices. (At λ = 0 this fixture has κ(G) ≈ 2e5
   * and κ(H_K + 1e-3·I) ≈ 1e4: differences of 1e-8 are expected there, and of 1e-14 at λ = 0.05.)
   */
  @ParameterizedTest
  @CsvSource({"0, QR", "0.05, QR", "0.05, GRAM"})
  void stepEqualsDenseFactorStep(double lambda, String projectionKind) {
    RowBlock rows = data(40, 2);
    LocalEvaluator ev = LocalEvaluator.ofRows(net, rows, 16);
    InnerSolution inner = InnerSolver.solve(ev.project(theta, StatsKind.QR), lambda);
    JacobianStats js = ev.jacobian(theta, inner.c(), lambda, null, StatsKind.QR, false);
    StepSolver dense = StepSystems.build(js, HessianKind.KAUFMAN, false);
    SolverOptions options = convergedCg();
    MatrixFreeStepSolver mf = MatrixFreeStepSolver.at(ev, theta, inner.c(),
        ev.project(theta, StatsKind.valueOf(projectionKind)), lambda, options);
    assertClose(dense.gradient(), mf.gradient(), 1e-10, "gradient");
    double[] h = eigenvalues(hessian(mf, net.numParams()), net.numParams());
    double[] g = eigenvalues(gram(rows, lambda), net.numFeatures());
    double perturbation = EPS * g[g.length - 1] / g[0] + options.cgTolerance();
    for (double mu : new double[] {1e-3, 0.1}) {
      double[] d = dense.step(mu);
      double[] x = mf.step(mu);
      double kappa = (h[h.length - 1] + mu) / (h[0] + mu);
      double bound = kappa * perturbation * StepSystem.Trial.norm(d);
      double diff = maxDiff(d, x);
      assertTrue(diff <= bound, "step at mu " + mu + ": max difference " + diff + " > bound " + bound
          + " (κ(H+μI) " + kappa + ", ε·κ(G_λ) + cg tolerance " + perturbation + ")");
      assertEquals(dense.predictedReduction(d, mu), mf.predictedReduction(x, mu),
          1e-8 * Math.abs(dense.predictedReduction(d, mu)), "predicted reduction");
    }
  }

  /**
   * Kaufman's J_K v is P⊥ applied to the derivative of the residual [W½(A(θ)C − y); √λC] at C
   * held fixed; its columns by central differences give H_K = J_KᵀJ_K, and the tangent pass
   * must give Ãᵀ(J v) = AᵀW Ȧ C.
   */
  @Test
  void productsMatchFiniteDifferencesOfTheResidual() {
    int k = 2;
    RowBlock rows = data(30, k);
    double lambda = 0.02;
    int m = rows.rows;
    int n = net.numFeatures();
    int p = net.numParams();
    LocalEvaluator ev = LocalEvaluator.ofRows(net, rows, 8);
    double[] c = InnerSolver.solve(ev.project(theta, StatsKind.QR), lambda).c();
    double[] a = Fixtures.features(net, theta, rows);
    double[] g = gram(rows, lambda);
    int len = k * (m + n);
    double[] jk = new double[len * p];
    double[][] tangents = new double[p][];
    double h = 1e-5;
    for (int q = 0; q < p; q++) {
      double[] tp = theta.clone();
      double[] tm = theta.clone();
      tp[q] += h;
      tm[q] -= h;
      double[] ap = Fixtures.features(net, tp, rows);
      double[] am = Fixtures.features(net, tm, rows);
      tangents[q] = new double[n * k];
      for (int j = 0; j < k; j++) {
        double[] u = new double[m];
        for (int r = 0; r < m; r++) {
          double s = 0;
          for (int l = 0; l < n; l++) {
            s += (ap[r + l * m] - am[r + l * m]) / (2 * h) * c[l + j * n];
          }
          u[r] = s;
        }
        // s_j = AᵀW u; the projection subtracts Ã G_λ⁻¹ s_j from [W½u; 0].
        double[] sj = new double[n];
        for (int l = 0; l < n; l++) {
          for (int r = 0; r < m; r++) {
            sj[l] += rows.weight[r] * a[r + l * m] * u[r];
          }
        }
        System.arraycopy(sj, 0, tangents[q], j * n, n);
        double[] z = Fixtures.solveDense(g.clone(), sj, n);
        for (int r = 0; r < m; r++) {
          double az = 0;
          for (int l = 0; l < n; l++) {
            az += a[r + l * m] * z[l];
          }
          jk[j * (m + n) + r + q * len] = Math.sqrt(rows.weight[r]) * (u[r] - az);
        }
        for (int l = 0; l < n; l++) {
          jk[j * (m + n) + m + l + q * len] = -Math.sqrt(lambda) * z[l];
        }
      }
    }
    MatrixFreeStepSolver mf = MatrixFreeStepSolver.at(ev, theta, c, ev.project(theta, StatsKind.QR),
        lambda, convergedCg());
    SplittableRandom rng = new SplittableRandom(3);
    double[] v = new double[p];
    for (int q = 0; q < p; q++) {
      v[q] = rng.nextDouble(-1, 1);
    }
    double[] expectedTangent = new double[n * k];
    double[] jv = new double[len];
    for (int q = 0; q < p; q++) {
      for (int i = 0; i < n * k; i++) {
        expectedTangent[i] += tangents[q][i] * v[q];
      }
      for (int i = 0; i < len; i++) {
        jv[i] += jk[i + q * len] * v[q];
      }
    }
    double[] hv = new double[p];
    for (int q = 0; q < p; q++) {
      for (int i = 0; i < len; i++) {
        hv[q] += jk[i + q * len] * jv[i];
      }
    }
    assertClose(expectedTangent, ev.tangentProduct(theta, c, v).vector(), 1e-7, "tangent pass");
    assertClose(hv, mf.product(v), 1e-7, "H_K v");
  }

  /** A short MATRIX_FREE solve reaches the factor step's loss (same damping rule); AUTO picks it above the threshold. */
  @Test
  void shortSolveReachesTheFactorLoss() {
    RowBlock rows = data(60, 1);
    LocalEvaluator ev = LocalEvaluator.ofRows(net, rows, 16);
    // μ = κ‖r‖: the same damping sequence for both (μ₀ from diag H needs the dense matrix).
    LmOptions.Builder<SolverOptions> o = convergedCg().toBuilder().lambda(1e-6).maxIterations(15)
        .damping(Damping.RESIDUAL).residualKappa(0.1);
    SolverResult dense = new VarProSolver(o.set(STEP, StepMethod.FACTOR).build()).solve(ev, theta);
    SolverResult mf = new VarProSolver(o.set(STEP, StepMethod.MATRIX_FREE).build()).solve(ev, theta);
    assertTrue(dense.loss() < 0.5 * dense.history().get(0).loss(), "the factor solve made progress");
    assertEquals(dense.loss(), mf.loss(), 1e-6 * dense.loss());
    int p = net.numParams();
    assertEquals(StepMethod.MATRIX_FREE, StepMethod.AUTO.resolve(60, 1, 7, p, StatsKind.QR, p - 1, true));
    assertEquals(StepMethod.FACTOR, StepMethod.AUTO.resolve(60, 1, 7, p, StatsKind.QR, p, true));
    assertEquals(StepMethod.FACTOR, StepMethod.AUTO.resolve(60, 1, 7, p, StatsKind.QR, p - 1, false));
  }

  /** Unit roundoff of double precision. */
  static final double EPS = Math.ulp(1.0) / 2;

  static double maxDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  /** G_λ = AᵀWA + λI (n×n), dense. */
  private double[] gram(RowBlock rows, double lambda) {
    int m = rows.rows;
    int n = net.numFeatures();
    double[] a = Fixtures.features(net, theta, rows);
    double[] g = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = i == j ? lambda : 0;
        for (int r = 0; r < m; r++) {
          s += rows.weight[r] * a[r + i * m] * a[r + j * m];
        }
        g[i + j * n] = s;
      }
    }
    return g;
  }

  /** H_K (p×p), column by column from the matrix-free products, symmetrized. */
  private static double[] hessian(MatrixFreeStepSolver mf, int p) {
    double[] h = new double[p * p];
    for (int q = 0; q < p; q++) {
      double[] e = new double[p];
      e[q] = 1;
      System.arraycopy(mf.product(e), 0, h, q * p, p);
    }
    for (int i = 0; i < p; i++) {
      for (int j = 0; j < i; j++) {
        double sym = 0.5 * (h[i + j * p] + h[j + i * p]);
        h[i + j * p] = sym;
        h[j + i * p] = sym;
      }
    }
    return h;
  }

  /** Eigenvalues, ascending, of a symmetric n×n matrix. */
  private static double[] eigenvalues(double[] symmetric, int n) {
    return Lapack.symmetricEigen(symmetric.clone(), n);
  }

  private static void assertClose(double[] expected, double[] actual, double tol, String what) {
    double scale = 0;
    double diff = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(diff <= tol * Math.max(scale, 1e-300), what + ": max difference " + diff + " (scale " + scale + ")");
  }
}
