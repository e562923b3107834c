package org.varpro.core.solver;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.varpro.core.linalg.Lapack;

/**
 * The one Levenberg-Marquardt driver of every reduced problem (DESIGN §2.5, §5.5): least
 * squares and cross-entropy alike.
 *
 * <p>Each iteration: the problem's local model at θ ({@link ReducedProblem#linearize}); trial
 * steps δ(μ), each checked by the exact reduced objective at θ + δ (an inner solve); the gain
 * ratio ρ = actual / predicted decrease, relaxed by the objective's rounding level
 * ({@link LmDamping}), decides acceptance and the damping update. Then λ
 * continuation, the stopping rules, the held-out score with the best iterate, resampling, and a
 * {@link SolverState} for the listener (what {@link #run} resumes from).
 */
public final class LevenbergMarquardt {
  private final LmOptions<?> options;
  private final SolverListener listener;

  /** @param options validated by the caller; not modified */
  public LevenbergMarquardt(LmOptions<?> options, SolverListener listener) {
    this.options = options;
    this.listener = listener == null ? SolverListener.NONE : listener;
  }

  /**
   * Solves from θ₀, or continues from a state its listener was handed ({@code from} non-null;
   * θ₀ is then the state's θ). With a {@link Validation} (and {@code validationEvery > 0}) the
   * iterate with the best held-out score is returned, and the run stops once
   * {@code validationPatience} scores in a row have not improved on it.
   */
  public SolverResult run(ReducedProblem problem, double[] theta0, SolverState from, Validation validation) {
    long start = System.nanoTime() - (from == null ? 0 : Math.round(from.seconds() * 1e9));
    int n = problem.numFeatures();
    int p = problem.numParams();
    if (theta0.length != p) {
      throw new IllegalArgumentException((from == null ? "initial parameters" : "the state's parameters")
          + " have length " + theta0.length + ", expected " + p);
    }
    if (options.resampleEvery() > 0 && !problem.canRedraw()) {
      throw new IllegalArgumentException("resample-every needs rows that can be redrawn (PDE collocation points); "
          + "these rows are fixed data");
    }
    boolean validating = validation != null && options.validationEvery() > 0;
    double lambda = from == null ? options.lambda() : from.lambda();
    int round = from == null ? 0 : from.round();
    if (round > 0) {
      problem = problem.redraw(round);
    }
    Deadline deadline = Deadline.after(start, options.timeBudgetSeconds());
    problem.stopAt(deadline);
    ReducedProblem.Iterate at = problem.evaluate(theta0.clone(), lambda, null);
    HistoryLog history = new HistoryLog(from == null ? List.of() : from.history());
    double[] previousTheta = from == null ? null : from.previousTheta();
    LmDamping damping = from == null ? LmDamping.start(options) : new LmDamping(options, from.mu());
    int slowSteps = from == null ? 0 : from.slowSteps();
    double lowestLoss = lowestLoss(history, roundStart(round), at.inner().loss());
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
        best = best.offer(validation, 0, at.theta(), at.inner(), lambda);
      }
      if (!Double.isFinite(at.inner().loss())) {
        reason = StopReason.NON_FINITE;
      } else if (problem.stopsOnRankLoss(at)) {
        reason = StopReason.RANK_DEFICIENT;
        history.add(record(0, start, at, null, Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, false, 0));
      }
    }
    while (reason == StopReason.MAX_ITERATIONS && iteration < options.maxIterations()) {
      iteration++;
      StepSystem system = problem.linearize(at, lambda, options.principalAngles() ? previousTheta : null);
      double gnorm = system.gradientNorm();
      if (options.gradientTolerance() > 0 && gnorm <= options.gradientTolerance()) {
        history.add(record(iteration, start, at, system, gnorm, Double.NaN, 0, Double.NaN, Double.NaN, false, 0));
        reason = StopReason.GRADIENT_TOLERANCE;
        break;
      }
      double mu = damping.initial(system.curvatureScale(), at.inner().loss());
      double roundingTolerance = problem.roundingTolerance(at);
      double muUsed = mu;
      int rejections = 0;
      boolean accepted = false;
      double rho = Double.NaN;
      StepSystem.Trial step = null;
      ReducedProblem.Iterate trial = null;
      while (true) {
        muUsed = mu;
        step = system.solve(mu);
        double[] theta = at.theta().clone();
        for (int q = 0; q < p; q++) {
          theta[q] += step.delta()[q];
        }
        trial = problem.evaluate(theta, lambda, at);
        double actual = at.inner().loss() - trial.inner().loss();
        rho = LmDamping.gainRatio(actual, step.predicted(), roundingTolerance);
        if (LmDamping.acceptable(trial.inner().loss(), actual, lowestLoss, rho, roundingTolerance)) {
          accepted = true;
          break;
        }
        rejections++;
        boolean canGrow = damping.rejected();
        mu = damping.mu();
        system.rejected(step);
        if (rejections >= options.maxRejections() || !canGrow || step.norm() == 0 || deadline.passed()) {
          break;
        }
      }
      IterationRecord rec = record(iteration, start, at, system, gnorm, muUsed, lambda, step.norm(), rho,
          accepted, rejections);
      if (!accepted) {
        history.add(rec);
        listener.onIteration(rec);
        // Out of time, the last accepted iterate is the result; otherwise no damping helped.
        reason = deadline.passed() ? StopReason.TIME_BUDGET : StopReason.STALLED;
        break;
      }
      double previousLoss = at.inner().loss();
      previousTheta = at.theta();
      at = trial;
      damping.accepted(rho);
      system.accepted(step, rho);
      if (options.lambdaFactor() < 1 && lambda > options.lambdaFloor() && at.inner().effectiveRank() == n) {
        // Continuation: lower λ while the features keep full effective rank.
        lambda = Math.max(options.lambdaFloor(), lambda * options.lambdaFactor());
        at = problem.atLambda(at, lambda);
      }
      history.add(rec);
      double loss = at.inner().loss();
      lowestLoss = Math.min(lowestLoss, loss);
      slowSteps = previousLoss - loss <= options.relativeTolerance() * Math.abs(previousLoss) ? slowSteps + 1 : 0;
      if (!Double.isFinite(loss)) {
        reason = StopReason.NON_FINITE;
      } else if (problem.stopsOnRankLoss(at)) {
        reason = StopReason.RANK_DEFICIENT;
      } else if (options.lossTolerance() > 0 && loss <= options.lossTolerance()) {
        reason = StopReason.LOSS_TOLERANCE;
      } else if (slowSteps >= 3 && (roundingTolerance == 0
          || noProgressOver(history, iteration, roundStart(round), loss))) {
        reason = StopReason.RELATIVE_TOLERANCE;
      } else if (deadline.passed()) {
        reason = StopReason.TIME_BUDGET;
      }
      if (best != null && iteration % options.validationEvery() == 0) {
        best = best.offer(validation, iteration, at.theta(), at.inner(), lambda);
        if (reason == StopReason.MAX_ITERATIONS && options.validationPatience() > 0
            && best.misses() >= options.validationPatience()) {
          reason = StopReason.VALIDATION;
        }
      }
      if (reason == StopReason.MAX_ITERATIONS && options.resampleEvery() > 0
          && iteration % options.resampleEvery() == 0 && iteration < options.maxIterations()) {
        // Fresh rows: the loss, C(θ) and the next step all refer to the new points; μ and λ
        // carry over, and the subspace angle is not compared across different rows.
        round = iteration / options.resampleEvery();
        problem = problem.redraw(round);
        problem.stopAt(deadline);
        at = problem.evaluate(at.theta(), lambda, null);
        previousTheta = null;
        slowSteps = 0;
        lowestLoss = lowestLoss(history, roundStart(round), at.inner().loss());
      }
      listener.onCompleted(new SolverState(iteration, round, (System.nanoTime() - start) * 1e-9, at.theta(),
          at.inner().c(), at.inner().loss(), lambda, damping.mu(), SolverState.NU, slowSteps, previousTheta, best,
          reason == StopReason.MAX_ITERATIONS ? null : reason, history.snapshot()));
    }
    double seconds = (System.nanoTime() - start) * 1e-9;
    List<IterationRecord> records = List.copyOf(history.snapshot());
    if (best != null) {
      if (best.lastIteration() != iteration) {
        best = best.offer(validation, iteration, at.theta(), at.inner(), lambda);
      }
      return new SolverResult(best.theta(), best.inner().c(), best.inner().loss(), best.lambda(), iteration,
          seconds, reason, best.inner().effectiveRank(), n, records, Lapack.describe(),
          best.iteration(), best.score(), problem.stepName());
    }
    InnerSolution inner = at.inner();
    return new SolverResult(at.theta(), inner.c(), inner.loss(), lambda, iteration, seconds, reason,
        inner.effectiveRank(), n, records, Lapack.describe(), iteration, Double.NaN, problem.stepName());
  }

  /**
   * Accepted steps over which the loss must have fallen, besides three slow steps in a row, before
   * the relative tolerance stops a run whose objective has a rounding level. Steps accepted within
   * that level (LmDamping) can leave the loss where it was three times in a row while the run still
   * gains ~1e-3 of the loss per step, below the rounding level of one step but not of 25:
   * conf/heat.conf seed 3 (scrambled Sobol points) stopped at iteration 819 at a relative L2 of
   * 7.6e-9 and, run on, reaches 3e-9 at iteration 1,691 and 9.6e-10 at 3,000; with the window it
   * stops there only at a loss it no longer lowers (docs/defaults-evidence.md).
   */
  static final int PROGRESS_WINDOW = 25;

  /**
   * The lowest loss of the accepted iterates on the current rows: the losses recorded after the
   * round's first iteration and the current one. Derived from the log, so a run resumed from its
   * state compares its trials with the same reference as the run that was not stopped.
   */
  private static double lowestLoss(HistoryLog history, int roundStart, double current) {
    double lowest = current;
    for (IterationRecord rec : history.snapshot()) {
      if (rec.iteration() > roundStart && rec.loss() < lowest) {
        lowest = rec.loss();
      }
    }
    return lowest;
  }

  /** The first iteration whose loss is on the current round's rows (resampling, DESIGN §3.5). */
  private int roundStart(int round) {
    return round * options.resampleEvery();
  }

  /**
   * Whether the loss after this iteration is lower than the loss {@link #PROGRESS_WINDOW} accepted
   * iterations before by at most the relative tolerance, on the same rows. The loss after
   * iteration j is the one recorded at the start of iteration j + 1.
   */
  private boolean noProgressOver(HistoryLog history, int iteration, int roundStart, double loss) {
    int then = iteration - PROGRESS_WINDOW;
    if (then < roundStart) {
      return false;
    }
    IterationRecord rec = history.at(then + 1);
    return rec != null && rec.loss() - loss <= options.relativeTolerance() * Math.abs(rec.loss());
  }

  private IterationRecord record(int iteration, long start, ReducedProblem.Iterate at, StepSystem system,
      double gnorm, double mu, double lambda, double stepNorm, double rho, boolean accepted, int rejections) {
    InnerSolution inner = at.inner();
    double loss = inner.loss();
    double rayleigh = loss > 0 ? gnorm * gnorm / (2 * loss) : Double.NaN;
    Map<String, Double> extra = system == null ? Map.of() : system.figures();
    Map<String, Double> metrics = listener.metrics(at.theta(), inner.c());
    if (!metrics.isEmpty()) {
      extra = new LinkedHashMap<>(extra);
      extra.putAll(metrics);
    }
    return new IterationRecord(iteration, (System.nanoTime() - start) * 1e-9, loss, gnorm, rayleigh,
        mu, lambda, stepNorm, rho, accepted, rejections, inner.sigmaMin(), inner.effectiveRank(),
        system == null ? Double.NaN : system.principalAngle(), extra);
  }
}
