package org.varpro.core.solver;

import org.varpro.core.linalg.Lapack;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.StatsKind;
import org.varpro.core.stats.Triangular;

/**
 * The matrix-free Levenberg-Marquardt step of DESIGN §2.3: (H_K + μI)δ = −g by truncated
 * conjugate gradients ({@link TruncatedCg}, no trust region: μ is the damping), every product
 * H_K v two passes over the rows (the tangent pass for s = AᵀW D v, then the transpose pass,
 * {@link org.varpro.core.stats.ReducedProductStats}), and no p×p matrix anywhere. The n×n
 * G_λ = AᵀWA + λI comes from the pass-1 summary at θ, factored once per iteration.
 *
 * <p>CG stops early (tolerance, cap), so the predicted decrease is the model's −gᵀδ − ½δᵀH_Kδ
 * with the H_Kδ CG tracked, not the closed form of an exact solve. No diagonal scaling: diag(H_K)
 * is not available without a pass per parameter.
 */
final class MatrixFreeStepSolver extends StepSolver {
  private final Evaluator evaluator;
  private final double[] theta;
  private final double[] c;
  private final int features;
  private final int outputs;
  /** Upper factor U with UᵀU = G_λ (n×n). */
  private final double[] gramFactor;
  private final double cgTolerance;
  private final int cgMaxIterations;
  private TruncatedCg.Result last;
  private int products;

  private MatrixFreeStepSolver(Evaluator evaluator, double[] theta, double[] c, double[] gradient,
      double[] gramFactor, double cgTolerance, int cgMaxIterations) {
    super(gradient, new double[gradient.length], false);
    this.evaluator = evaluator;
    this.theta = theta;
    this.c = c;
    this.features = evaluator.featureMap().numFeatures();
    this.outputs = evaluator.outputs();
    this.gramFactor = gramFactor;
    this.cgTolerance = cgTolerance;
    this.cgMaxIterations = cgMaxIterations;
  }

  /** The step at (θ, C(θ)); one transpose pass for the gradient g = Σ_j D_jᵀW(A c_j − y_j). */
  static MatrixFreeStepSolver at(Evaluator evaluator, double[] theta, double[] c,
      ProjectionStats projection, double lambda, SolverOptions options) {
    double[] minusC = new double[c.length];
    for (int q = 0; q < c.length; q++) {
      minusC[q] = -c[q];
    }
    double[] g = evaluator.transposeProduct(theta, c, null, minusC, 1.0).vector();
    return new MatrixFreeStepSolver(evaluator, theta, c, g,
        ridgeFactor(projection, evaluator.featureMap().numFeatures(), lambda),
        options.cgTolerance(), options.cgMaxIterations());
  }

  /**
   * U with UᵀU = G + λI from the pass-1 summary: the QR of [R11; √λI] when it holds a factor
   * (no squared conditioning), else the Cholesky of the Gram block.
   */
  static double[] ridgeFactor(ProjectionStats projection, int n, double lambda) {
    if (projection.stats.kind() != StatsKind.GRAM) {
      Triangular t = projection.stats.triangular();
      int rr = Math.min(t.rows(), n);
      double[] stacked = new double[(rr + n) * n];
      double[] r11 = t.block(0, rr, 0, n);
      for (int j = 0; j < n; j++) {
        System.arraycopy(r11, j * rr, stacked, j * (rr + n), rr);
        stacked[rr + j + j * (rr + n)] = Math.sqrt(lambda);
      }
      double[] r = Lapack.qrFactor(stacked, rr + n, n);
      return upperSquare(r, Math.min(rr + n, n), n);
    }
    double[] m = projection.stats.gram();
    int cols = projection.stats.cols();
    double[] u = new double[n * n];
    for (int j = 0; j < n; j++) {
      System.arraycopy(m, j * cols, u, j * n, n);
      u[j + j * n] += lambda;
    }
    if (!Lapack.cholesky(u, n)) {
      throw new ArithmeticException("G + λI is not positive definite: the features are rank "
          + "deficient; use lambda > 0");
    }
    return u;
  }

  private static double[] upperSquare(double[] r, int rows, int n) {
    double[] u = new double[n * n];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i <= j && i < rows; i++) {
        u[i + j * n] = r[i + j * rows];
      }
    }
    return u;
  }

  /** H_K v: the tangent pass, z = G_λ⁻¹ s, then the transpose pass. */
  double[] product(double[] v) {
    products++;
    double[] z = evaluator.tangentProduct(theta, c, v).vector();
    Lapack.triangularSolve(true, gramFactor, 0, features, features, z, 0, features, outputs);
    Lapack.triangularSolve(false, gramFactor, 0, features, features, z, 0, features, outputs);
    return evaluator.transposeProduct(theta, c, v, z, 0.0).vector();
  }

  /** Products (each two passes) used so far at this iterate. */
  int products() {
    return products;
  }

  /** A curvature scale for μ₀ without diag(H): ‖H g‖/‖g‖ (one product). */
  @Override
  public double maxHessianDiagonal() {
    double gg = 0;
    for (double x : gradient) {
      gg += x * x;
    }
    if (gg == 0) {
      return 1;
    }
    double[] hg = product(gradient);
    double s = 0;
    for (double x : hg) {
      s += x * x;
    }
    return Math.sqrt(s / gg);
  }

  @Override
  protected double[] solveScaled(double mu) {
    last = new TruncatedCg(cgTolerance, cgMaxIterations).solve(this::product, mu, gradient,
        Double.POSITIVE_INFINITY);
    return last.step();
  }

  @Override
  public double predictedReduction(double[] delta, double mu) {
    return last != null && last.step() == delta ? last.predictedReduction(gradient)
        : super.predictedReduction(delta, mu);
  }
}
