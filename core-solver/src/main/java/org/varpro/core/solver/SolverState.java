package org.varpro.core.solver;

import java.util.List;

/**
 * Everything the solver carries from one iteration to the next, taken when iteration
 * {@code iteration} has completed (its step accepted, λ lowered, the validation scored and the
 * points redrawn if due). {@link VarProSolver#resume} continues from it and repeats the
 * uninterrupted run bit for bit, given an evaluator over the same rows merged in the same
 * order: it regenerates round {@code round} of the points and recomputes C and the loss from θ
 * by one pass, exactly as the uninterrupted run computed them.
 *
 * <p>Immutable by contract: the solver never writes into these arrays after handing them over,
 * and {@code history} is a fixed prefix of the run's history, so a state may be read (e.g.
 * written to a checkpoint) from another thread while the solver goes on.
 *
 * @param round the round of redrawn points the next iteration uses (0: the original points)
 * @param seconds solver time so far (the time budget and the history's clock continue from it)
 * @param c output weights C(θ) (n×k, column-major), recomputed on resume
 * @param loss the reduced loss at θ, recomputed on resume
 * @param mu the damping μ carried to the next iteration (NaN before the first)
 * @param nu Nielsen's rejection factor ν of the former damping rule: always {@link #NU} now
 *     (rejections grow μ by a fixed factor, {@link LmDamping}); kept so checkpoints keep their format
 * @param slowSteps accepted steps in a row with a relative decrease below the tolerance
 * @param previousTheta the previous iterate for the principal angles, or null
 * @param best the best-scoring iterate so far with a {@link Validation}, else null
 * @param stopped why the run stopped at this iteration, or null while it continues
 * @param history the records of iterations 1..iteration (and any rejected ones)
 */
public record SolverState(int iteration, int round, double seconds, double[] theta, double[] c,
    double loss, double lambda, double mu, double nu, int slowSteps, double[] previousTheta,
    BestIterate best, StopReason stopped, List<IterationRecord> history) {

  /** The value of {@code nu} in every state written now. */
  public static final double NU = 2;

  /** The record of the iteration that completed. */
  public IterationRecord lastRecord() {
    return history.get(history.size() - 1);
  }

  /**
   * The iterate with the lowest held-out score so far, and how many scores in a row missed it.
   *
   * @param inner the inner solution at that iterate (C, loss and rank are what the run returns)
   * @param lastIteration the iteration scored last (-1: none yet)
   */
  public record BestIterate(double score, double[] theta, InnerSolution inner, double lambda,
      int iteration, int lastIteration, int misses) {

    /** Before the first score. */
    public static final BestIterate NONE = new BestIterate(Double.POSITIVE_INFINITY, null, null,
        Double.NaN, 0, -1, 0);

    /** This record after scoring the iterate (θ, inner) of iteration {@code it}. */
    BestIterate offer(Validation validation, int it, double[] th, InnerSolution in, double lam) {
      double s = validation.score(th, in.c());
      if (s < score) {
        return new BestIterate(s, th.clone(), in, lam, it, it, 0);
      }
      return new BestIterate(score, theta, inner, lambda, iteration, it, misses + 1);
    }
  }
}
