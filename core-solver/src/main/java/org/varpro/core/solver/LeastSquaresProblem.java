package org.varpro.core.solver;

import org.varpro.core.linalg.Lapack;
import org.varpro.core.linalg.Svd;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.StatsKind;
import org.varpro.core.stats.Triangular;

/**
 * VarPro least squares as a {@link ReducedProblem} (DESIGN §2.2–§2.4): an iterate is θ with the
 * pass-1 summary of [W½A | W½Y] and the rank-revealing inner solve from it; the local model is
 * pass 2 at θ (factor, Gram or dual step systems, {@link StepSystems}) or the matrix-free
 * products ({@link MatrixFreeStepSolver}). λ continuation re-solves the inner problem from the
 * stored pass-1 summary, so it costs no pass.
 */
public final class LeastSquaresProblem implements ReducedProblem {
  private final Evaluator evaluator;
  private final SolverOptions options;
  private final StepMethod method;
  private final StatsKind pass1;
  private final StatsKind pass2;
  private final boolean golubPereyra;
  private final boolean survivesRankLoss;

  /** θ, its pass-1 summary and the inner solution from it. */
  record Point(double[] theta, ProjectionStats projection, InnerSolution inner) implements Iterate {}

  public LeastSquaresProblem(Evaluator evaluator, SolverOptions options) {
    this.evaluator = evaluator;
    this.options = options;
    int n = evaluator.featureMap().numFeatures();
    int p = evaluator.featureMap().numParams();
    this.method = options.step.resolve(evaluator.rows(), evaluator.outputs(), n, p, options.statistics,
        options.matrixFreeThreshold, options.hessian == HessianKind.KAUFMAN && !options.diagonalScaling);
    this.pass2 = method.statistics();
    this.pass1 = options.statistics;
    this.golubPereyra = options.hessian == HessianKind.GOLUB_PEREYRA;
    this.survivesRankLoss = survivesRankLoss(method, golubPereyra);
    evaluator.planJacobianAtAcceptedTrials(method != StepMethod.MATRIX_FREE && pass1 == StatsKind.QR
        && pass2 == StatsKind.QR && !golubPereyra && !options.principalAngles);
  }

  private LeastSquaresProblem(LeastSquaresProblem base, Evaluator redrawn) {
    this.evaluator = redrawn;
    this.options = base.options;
    this.method = base.method;
    this.pass1 = base.pass1;
    this.pass2 = base.pass2;
    this.golubPereyra = base.golubPereyra;
    this.survivesRankLoss = base.survivesRankLoss;
  }

  @Override
  public int numParams() {
    return evaluator.featureMap().numParams();
  }

  @Override
  public int numFeatures() {
    return evaluator.featureMap().numFeatures();
  }

  @Override
  public Iterate evaluate(double[] theta, double lambda, Iterate from) {
    ProjectionStats projection = evaluator.project(theta, pass1);
    return new Point(theta, projection, innerSolve(projection, lambda));
  }

  @Override
  public Iterate atLambda(Iterate at, double lambda) {
    Point pt = (Point) at;
    return new Point(pt.theta(), pt.projection(), innerSolve(pt.projection(), lambda));
  }

  @Override
  public StepSystem linearize(Iterate at, double lambda, double[] previousTheta) {
    Point pt = (Point) at;
    if (method == StepMethod.MATRIX_FREE) {
      return MatrixFreeStepSolver.at(evaluator, pt.theta(), pt.inner().c(), pt.projection(), lambda, options);
    }
    JacobianStats js = evaluator.jacobian(pt.theta(), pt.inner().c(), lambda, previousTheta, pass2, golubPereyra);
    StepSolver step = StepSystems.build(js, options.hessian, options.diagonalScaling);
    if (js.subspace != null && previousTheta != null) {
      step.principalAngle = largestPrincipalAngle(js.subspace.triangular(), numFeatures());
    }
    return step;
  }

  @Override
  public boolean stopsOnRankLoss(Iterate at) {
    return at.inner().rankDeficient() && !survivesRankLoss;
  }

  @Override
  public boolean canRedraw() {
    return evaluator.canRedraw();
  }

  @Override
  public ReducedProblem redraw(int round) {
    return new LeastSquaresProblem(this, evaluator.redraw(round));
  }

  @Override
  public String stepName() {
    return method.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  /** The rank-revealing inner solve with the configured cut-off. */
  private InnerSolution innerSolve(ProjectionStats projection, double lambda) {
    return InnerSolver.solve(projection, lambda, options.rankTolerance);
  }

  /**
   * Whether the step can be formed when W½A has lost rank at λ = 0 (C the minimum-norm
   * solution): the Householder forms (factor, dual) only need P⊥, which the factorization of a
   * rank-deficient A still gives; Cholesky of G (gram), the projected products of the
   * matrix-free step and the Golub-Pereyra term need G or R11 invertible, so they stop with
   * RANK_DEFICIENT instead.
   */
  static boolean survivesRankLoss(StepMethod method, boolean golubPereyra) {
    return !golubPereyra && (method == StepMethod.FACTOR || method == StepMethod.DUAL);
  }

  /**
   * Largest principal angle between span(A_prev) and span(A) from the factor of
   * [A_prev | A] = Q[[Ra, Rab], [0, Rb]]: the part of A outside span(A_prev) is Q2·Rb, so the
   * sines of the angles are the singular values of Rb·R'⁻¹ with R' the factor of [Rab; Rb].
   */
  static double largestPrincipalAngle(Triangular t, int n) {
    double[] stacked = t.block(0, t.rows(), n, 2 * n);
    double[] rPrime = Lapack.qrFactor(stacked.clone(), t.rows(), n);
    int rr = Math.min(t.rows(), n);
    if (rr < n) {
      return Double.NaN;
    }
    double[] rb = t.block(n, Math.max(n, t.rows()), n, 2 * n);
    int hb = Math.max(0, t.rows() - n);
    if (hb == 0) {
      return 0;
    }
    // (Rb R'⁻¹)ᵀ = R'⁻ᵀ Rbᵀ.
    double[] x = new double[n * hb];
    for (int i = 0; i < hb; i++) {
      for (int j = 0; j < n; j++) {
        x[j + i * n] = rb[i + j * hb];
      }
    }
    Lapack.triangularSolve(true, rPrime, 0, rr, n, x, 0, n, hb);
    Svd svd = Lapack.svd(x, n, hb);
    double s = svd.s().length == 0 ? 0 : svd.s()[0];
    return Double.isFinite(s) ? Math.asin(Math.min(1, s)) : Double.NaN;
  }
}
