package org.varpro.core.solver;

import java.util.Objects;

/**
 * Variable Projection with Levenberg-Marquardt on the reduced problem (DESIGN §2.2–§2.5).
 *
 * <p>Each iteration: pass 2 at the current iterate gives the gradient and the Gauss-Newton
 * system with C eliminated; trial steps δ(μ) are each checked by a pass 1 at θ + δ, which gives
 * the exact reduced loss; the gain ratio ρ = actual / predicted decrease decides acceptance and
 * the damping update. λ continuation re-solves the inner problem from the accepted pass-1
 * summary, so it costs no extra pass.
 *
 * <p>The problem is {@link LeastSquaresProblem}; the loop is the shared
 * {@link LevenbergMarquardt} driver.
 */
public final class VarProSolver {
  private final SolverOptions options;
  private final SolverListener listener;

  public VarProSolver(SolverOptions options, SolverListener listener) {
    // Immutable and checked when built: the solver keeps the caller's object.
    this.options = Objects.requireNonNull(options, "options");
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
    return run(evaluator, theta0, null, validation);
  }

  /**
   * Continues a run from a state its listener was handed ({@link SolverListener#onCompleted}):
   * with the run's options, an evaluator over the run's rows (round 0; the state's round is
   * redrawn here) and its validation, the result is the uninterrupted run's bit for bit (the
   * history's clock excepted).
   */
  public SolverResult resume(Evaluator evaluator, SolverState from, Validation validation) {
    return run(evaluator, from.theta(), from, validation);
  }

  private SolverResult run(Evaluator evaluator, double[] theta0, SolverState from, Validation validation) {
    return new LevenbergMarquardt(options, listener).run(new LeastSquaresProblem(evaluator, options), theta0,
        from, validation);
  }
}
