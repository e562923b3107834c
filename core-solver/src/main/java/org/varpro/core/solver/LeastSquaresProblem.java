package org.varpro.core.solver;

import java.util.Locale;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.linalg.Svd;
import org.varpro.core.model.FeatureMap;
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
  private final Plan plan;

  /** θ, its pass-1 summary and the inner solution from it. */
  record Point(double[] theta, ProjectionStats projection, InnerSolution inner) implements Iterate {}

  /** The step method and the statistics of both passes, fixed for the run. */
  private record Plan(StepMethod method, StatsKind pass1, StatsKind pass2, boolean golubPereyra,
      boolean survivesRankLoss) {}

  public LeastSquaresProblem(Evaluator evaluator, SolverOptions options) {
    this(evaluator, options, plan(evaluator, options));
    evaluator.planJacobianAtAcceptedTrials(plan.method != StepMethod.MATRIX_FREE && plan.pass1 == StatsKind.QR
        && plan.pass2 == StatsKind.QR && !plan.golubPereyra && !options.principalAngles());
  }

  private LeastSquaresProblem(Evaluator evaluator, SolverOptions options, Plan plan) {
    this.evaluator = evaluator;
    this.options = options;
    this.plan = plan;
  }

  private static Plan plan(Evaluator evaluator, SolverOptions options) {
    int n = evaluator.featureMap().numFeatures();
    int p = evaluator.featureMap().numParams();
    HessianKind hessian = options.get(SolverOptions.HESSIAN);
    StepMethod method = options.get(SolverOptions.STEP).resolve(evaluator.rows(), evaluator.outputs(), n, p,
        options.statistics(), options.matrixFreeThreshold(),
        hessian == HessianKind.KAUFMAN && !options.get(SolverOptions.DIAGONAL_SCALING));
    boolean gp = hessian == HessianKind.GOLUB_PEREYRA;
    return new Plan(method, options.statistics(), method.statistics(), gp, survivesRankLoss(method, gp));
  }

  @Override
  public FeatureMap featureMap() {
    return evaluator.featureMap();
  }

  @Override
  public Iterate evaluate(double[] theta, double lambda, Iterate from) {
    ProjectionStats projection = evaluator.project(theta, plan.pass1);
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
    if (plan.method == StepMethod.MATRIX_FREE) {
      return MatrixFreeStepSolver.at(evaluator, pt.theta(), pt.inner().c(), pt.projection(), lambda, options);
    }
    JacobianStats js = evaluator.jacobian(pt.theta(), pt.inner().c(), lambda, previousTheta, plan.pass2,
        plan.golubPereyra);
    StepSolver step =
        StepSystems.build(js, options.get(SolverOptions.HESSIAN), options.get(SolverOptions.DIAGONAL_SCALING));
    if (js.subspace != null && previousTheta != null) {
      step.principalAngle = largestPrincipalAngle(js.subspace.triangular(), numFeatures());
    }
    return step;
  }

  @Override
  public boolean stopsOnRankLoss(Iterate at) {
    return at.inner().rankDeficient() && !plan.survivesRankLoss;
  }

  /**
   * The tolerance of the acceptance test in units of {@link #roundingLevel}: the estimate was
   * up to 8× below the measured spread of the loss (conf/heat.conf, seed 3, iteration 400).
   */
  static final double ROUNDING_MARGIN = 10;

  @Override
  public double roundingTolerance(Iterate at) {
    Point pt = (Point) at;
    return ROUNDING_MARGIN * roundingLevel(pt.projection(), pt.inner());
  }

  /**
   * The rounding level ε_f of a computed reduced loss f = ½‖r‖², r = W½(AC − y): the loss of
   * a nearby θ (one ulp away) differs from it by about this much for rounding alone, so smaller
   * actual decreases carry no information. Model: each residual r_i is a sum of products
   * a_ij·c_ij with independent relative rounding errors of size u (unit roundoff), so
   * δr_i ≈ u·(Σ_j a_ij²c_j²)^½ and δf = Σ_i r_i·δr_i ≈ u·‖r‖·(Σ_j G_jj c_j² / m)^½ with
   * G_jj = ‖column j of W½A‖² and m rows (summed over the outputs). With PINN features the
   * output weights are large and cancel (‖C‖ ~ 10⁵–10⁷), which lifts ε_f to ~1e-3·f at losses
   * near 1e-16. Measured on conf/heat.conf (seed 3) as the largest change of f over four
   * one-ulp perturbations of θ, the spread was 1–8× this estimate over 400 iterations (the
   * ratio growing with ‖C‖), hence {@link #ROUNDING_MARGIN}.
   */
  static double roundingLevel(ProjectionStats projection, InnerSolution inner) {
    int n = projection.features;
    double[] columnSquares = projection.featureColumnSquares();
    double weighted = 0;
    double[] c = inner.c();
    for (int o = 0; o < projection.outputs; o++) {
      for (int j = 0; j < n; j++) {
        weighted += columnSquares[j] * c[j + o * n] * c[j + o * n];
      }
    }
    double rows = Math.max(1, projection.stats.count());
    return 0.5 * Math.ulp(1.0) * Math.sqrt(2 * inner.loss()) * Math.sqrt(weighted / rows);
  }

  @Override
  public boolean canRedraw() {
    return evaluator.canRedraw();
  }

  @Override
  public ReducedProblem redraw(int round) {
    return new LeastSquaresProblem(evaluator.redraw(round), options, plan);
  }

  @Override
  public String stepName() {
    return plan.method.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The rank-revealing inner solve with the configured cut-off. */
  private InnerSolution innerSolve(ProjectionStats projection, double lambda) {
    return InnerSolver.solve(projection, lambda, options.get(SolverOptions.RANK_TOLERANCE));
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
