package org.varpro.core.classify;

import java.util.Objects;
import org.varpro.core.solver.LevenbergMarquardt;
import org.varpro.core.solver.SolverListener;
import org.varpro.core.solver.SolverResult;

/**
 * Classification by Variable Projection with cross-entropy (GNvpro, DESIGN §2.6): the
 * {@link CrossEntropyProblem} run by the shared {@link LevenbergMarquardt} driver. The history
 * records carry the classification figures (cross_entropy, train_accuracy, inner_iterations,
 * cg_iterations, trust_radius) as extra columns.
 */
public final class ClassifierSolver {
  private final ClassifierOptions options;
  private final SolverListener listener;

  public ClassifierSolver(ClassifierOptions options, SolverListener listener) {
    // Immutable and checked when built: the solver keeps the caller's object.
    this.options = Objects.requireNonNull(options, "options");
    this.listener = listener == null ? SolverListener.NONE : listener;
  }

  public ClassifierSolver(ClassifierOptions options) {
    this(options, SolverListener.NONE);
  }

  /** C(θ) and the inner objective at λ, warm-started from {@code c0} (null: zeros). */
  public SoftmaxNewton.Result inner(ClassifyEvaluator ev, double[] theta, double[] c0) {
    return new CrossEntropyProblem(ev, options, null).inner(theta, options.lambda(), c0);
  }

  public SolverResult solve(ClassifyEvaluator ev, double[] theta0) {
    return solve(ev, theta0, null);
  }

  /** Solves from θ₀ with the first inner solve started from {@code c0} (null: zeros). */
  public SolverResult solve(ClassifyEvaluator ev, double[] theta0, double[] c0) {
    return solve(ev, ev, theta0, c0);
  }

  /**
   * Solves with the matrix-free step's products from {@code curvature}: ev itself, or an
   * evaluator over ev's {@link CurvatureSample} (made by the caller, who holds the rows).
   */
  public SolverResult solve(ClassifyEvaluator ev, ClassifyEvaluator curvature, double[] theta0, double[] c0) {
    return new LevenbergMarquardt(options, listener)
        .run(new CrossEntropyProblem(ev, curvature, options, c0), theta0, null, null);
  }
}
