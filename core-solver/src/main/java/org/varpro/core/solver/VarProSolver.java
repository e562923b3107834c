package org.varpro.core.solver;

import java.util.List;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.linalg.Svd;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.StatsKind;
import org.varpro.core.stats.Triangular;

/**
 * Variable Projection with Levenberg-Marquardt on the reduced problem (DESIGN §2.2–§2.5).
 *
 * <p>Each iteration: pass 2 at the current iterate gives the gradient and the Gauss-Newton
 * system with C eliminated; trial steps δ(μ) are each checked by a pass 1 at θ + δ, which gives
 * the exact reduced loss; the gain ratio ρ = actual / predicted decrease decides acceptance and
 * the damping update. λ continuation re-solves the inner problem from the accepted pass-1
 * summary, so it costs no extra pass.
 */
public final class VarProSolver {
  private final SolverOptions options;
  private final SolverListener listener;

  public VarProSolver(SolverOptions options, SolverListener listener) {
    options.validate();
    this.options = options.copy();
    this.listener = listener == null ? SolverListener.NONE : listener;
  }

  public VarProSolver(SolverOptions options) {
    this(options, SolverListener.NONE);
  }

  public SolverResult solve(Evaluator evaluator, double[] theta0) {
    return solve(evaluator, theta0, null);
  }

  /**
   * Solves from θ₀. With a {@link Validation} (and {@code validationEvery > 0}) the iterate with
   * the best held-out score is returned, and the run stops once {@code validationPatience}
   * scores in a row have not improved on it.
   */
  public SolverResult solve(Evaluator evaluator, double[] theta0, Validation validation) {
    int p = evaluator.featureMap().numParams();
    if (theta0.length != p) {
      throw new IllegalArgumentException("initial parameters have length " + theta0.length + ", expected " + p);
    }
    return run(evaluator, theta0, null, validation);
  }

  /**
   * Continues a run from a state its listener was handed ({@link SolverListener#onCompleted}):
   * with the run's options, an evaluator over the run's rows (round 0; the state's round is
   * redrawn here) and its validation, the result is the uninterrupted run's bit for bit (the
   * history's clock excepted).
   */
  public SolverResult resume(Evaluator evaluator, SolverState from, Validation validation) {
    int p = evaluator.featureMap().numParams();
    if (from.theta().length != p) {
      throw new IllegalArgumentException("the state's parameters have length " + from.theta().length
          + ", expected " + p);
    }
    return run(evaluator, from.theta(), from, validation);
  }

  private SolverResult run(Evaluator evaluator, double[] theta0, SolverState from, Validation validation) {
    long start = System.nanoTime() - (from == null ? 0 : Math.round(from.seconds() * 1e9));
    int n = evaluator.featureMap().numFeatures();
    int p = evaluator.featureMap().numParams();
    if (options.resampleEvery > 0 && !evaluator.canRedraw()) {
      throw new IllegalArgumentException("resample-every needs rows that can be redrawn (PDE collocation points); "
          + "these rows are fixed data");
    }
    StepMethod method = options.step.resolve(evaluator.rows(), evaluator.outputs(), n, p, options.statistics,
        options.matrixFreeThreshold, options.hessian == HessianKind.KAUFMAN && !options.diagonalScaling);
    StatsKind pass2 = method.statistics();
    StatsKind pass1 = options.statistics;
    boolean gp = options.hessian == HessianKind.GOLUB_PEREYRA;
    boolean survivesRankLoss = survivesRankLoss(method, gp);
    evaluator.planJacobianAtAcceptedTrials(method != StepMethod.MATRIX_FREE && pass1 == StatsKind.QR
        && pass2 == StatsKind.QR && !gp && !options.principalAngles);

    boolean validating = validation != null && options.validationEvery > 0;
    double lambda = from == null ? options.lambda : from.lambda();
    double[] theta = theta0.clone();
    int round = from == null ? 0 : from.round();
    if (round > 0) {
      evaluator = evaluator.redraw(round);
    }
    ProjectionStats projection = evaluator.project(theta, pass1);
    InnerSolution inner = innerSolve(projection, lambda);
    HistoryLog history = new HistoryLog(from == null ? List.of() : from.history());
    double[] previousTheta = from == null ? null : from.previousTheta();
    LmDamping damping = from == null ? LmDamping.start(options) : new LmDamping(options, from.mu());
    int slowSteps = from == null ? 0 : from.slowSteps();
    StopReason reason = StopReason.MAX_ITERATIONS;
    int iteration = from == null ? 0 : from.iteration();
    SolverState.BestIterate best = validating ? SolverState.BestIterate.NONE : null;

    if (from != null) {
      best = validating ? from.best() : null;
      if (from.stopped() != null) {
        reason = from.stopped();
      }
    } else {
      if (best != null) {
        best = best.offer(validation, 0, theta, inner, lambda);
      }
      if (!Double.isFinite(inner.loss())) {
        reason = StopReason.NON_FINITE;
      } else if (inner.rankDeficient() && !survivesRankLoss) {
        reason = StopReason.RANK_DEFICIENT;
        history.add(record(0, start, inner, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, false,
            0, Double.NaN, theta));
      }
    }
    while (reason == StopReason.MAX_ITERATIONS && iteration < options.maxIterations) {
      iteration++;
      JacobianStats js = method == StepMethod.MATRIX_FREE ? null : evaluator.jacobian(theta, inner.c(),
          lambda, options.principalAngles ? previousTheta : null, pass2, gp);
      double angle = js != null && js.subspace != null && previousTheta != null ? largestPrincipalAngle(js.subspace.triangular(), n) : Double.NaN;
      StepSolver step = js == null
          ? MatrixFreeStepSolver.at(evaluator, theta, inner.c(), projection, lambda, options)
          : StepSystems.build(js, options.hessian, options.diagonalScaling);
      double gnorm = step.gradientNorm();
      if (options.gradientTolerance > 0 && gnorm <= options.gradientTolerance) {
        history.add(record(iteration, start, inner, gnorm, Double.NaN, 0, Double.NaN, Double.NaN,
            false, 0, angle, theta));
        reason = StopReason.GRADIENT_TOLERANCE;
        break;
      }
      double mu = damping.initial(step.maxHessianDiagonal(), inner.loss());
      double muUsed = mu;
      int rejections = 0;
      boolean accepted = false;
      double rho = Double.NaN;
      double stepNorm = 0;
      double[] trial = null;
      ProjectionStats trialProjection = null;
      InnerSolution trialInner = null;
      while (true) {
        muUsed = mu;
        double[] delta = step.step(mu);
        stepNorm = StepSolver.norm(delta);
        double predicted = step.predictedReduction(delta, mu);
        trial = theta.clone();
        for (int q = 0; q < p; q++) {
          trial[q] += delta[q];
        }
        trialProjection = evaluator.project(trial, pass1);
        trialInner = innerSolve(trialProjection, lambda);
        double actual = inner.loss() - trialInner.loss();
        rho = LmDamping.gainRatio(actual, predicted);
        if (LmDamping.acceptable(trialInner.loss(), actual, rho)) {
          accepted = true;
          break;
        }
        rejections++;
        boolean canGrow = damping.rejected();
        mu = damping.mu();
        if (rejections >= options.maxRejections || !canGrow || stepNorm == 0) {
          break;
        }
      }
      IterationRecord rec = record(iteration, start, inner, gnorm, muUsed, lambda, stepNorm, rho,
          accepted, rejections, angle, theta);
      if (!accepted) {
        history.add(rec);
        listener.onIteration(rec);
        reason = StopReason.STALLED;
        break;
      }
      double previousLoss = inner.loss();
      previousTheta = theta;
      theta = trial;
      projection = trialProjection;
      inner = trialInner;
      damping.accepted(rho);
      if (options.lambdaFactor < 1 && lambda > options.lambdaFloor && inner.effectiveRank() == n) {
        // Continuation: lower λ while the features keep full effective rank.
        lambda = Math.max(options.lambdaFloor, lambda * options.lambdaFactor);
        inner = innerSolve(projection, lambda);
      }
      history.add(rec);
      double seconds = (System.nanoTime() - start) * 1e-9;
      slowSteps = previousLoss - inner.loss() <= options.relativeTolerance * previousLoss ? slowSteps + 1 : 0;
      if (!Double.isFinite(inner.loss())) {
        reason = StopReason.NON_FINITE;
      } else if (inner.rankDeficient() && !survivesRankLoss) {
        reason = StopReason.RANK_DEFICIENT;
      } else if (options.lossTolerance > 0 && inner.loss() <= options.lossTolerance) {
        reason = StopReason.LOSS_TOLERANCE;
      } else if (slowSteps >= 3) {
        reason = StopReason.RELATIVE_TOLERANCE;
      } else if (seconds >= options.timeBudgetSeconds) {
        reason = StopReason.TIME_BUDGET;
      }
      if (best != null && iteration % options.validationEvery == 0) {
        best = best.offer(validation, iteration, theta, inner, lambda);
        if (reason == StopReason.MAX_ITERATIONS && options.validationPatience > 0
            && best.misses() >= options.validationPatience) {
          reason = StopReason.VALIDATION;
        }
      }
      if (reason == StopReason.MAX_ITERATIONS && options.resampleEvery > 0
          && iteration % options.resampleEvery == 0 && iteration < options.maxIterations) {
        // Fresh rows: the loss, C(θ) and the next step all refer to the new points; μ and λ
        // carry over, and the subspace angle is not compared across different rows.
        round = iteration / options.resampleEvery;
        evaluator = evaluator.redraw(round);
        projection = evaluator.project(theta, pass1);
        inner = innerSolve(projection, lambda);
        previousTheta = null;
        slowSteps = 0;
      }
      listener.onCompleted(new SolverState(iteration, round, (System.nanoTime() - start) * 1e-9, theta,
          inner.c(), inner.loss(), lambda, damping.mu(), SolverState.NU, slowSteps, previousTheta, best,
          reason == StopReason.MAX_ITERATIONS ? null : reason, history.snapshot()));
    }
    double seconds = (System.nanoTime() - start) * 1e-9;
    List<IterationRecord> records = List.copyOf(history.snapshot());
    if (best != null) {
      if (best.lastIteration() != iteration) {
        best = best.offer(validation, iteration, theta, inner, lambda);
      }
      return new SolverResult(best.theta(), best.inner().c(), best.inner().loss(), best.lambda(), iteration,
          seconds, reason, best.inner().effectiveRank(), n, records, Lapack.describe(),
          best.iteration(), best.score());
    }
    return new SolverResult(theta, inner.c(), inner.loss(), lambda, iteration, seconds, reason,
        inner.effectiveRank(), n, records, Lapack.describe(), iteration, Double.NaN);
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

  private IterationRecord record(int iteration, long start, InnerSolution inner, double gnorm,
      double mu, double lambda, double stepNorm, double rho, boolean accepted, int rejections,
      double angle, double[] theta) {
    double loss = inner.loss();
    double rayleigh = loss > 0 ? gnorm * gnorm / (2 * loss) : Double.NaN;
    return new IterationRecord(iteration, (System.nanoTime() - start) * 1e-9, loss, gnorm, rayleigh,
        mu, lambda, stepNorm, rho, accepted, rejections, inner.sigmaMin(), inner.effectiveRank(),
        angle, listener.metrics(theta, inner.c()));
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
