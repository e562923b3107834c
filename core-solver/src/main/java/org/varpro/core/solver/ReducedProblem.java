package org.varpro.core.solver;

import org.varpro.core.model.FeatureMap;

/**
 * A problem whose output weights C are eliminated by an inner solve, as the
 * {@link LevenbergMarquardt} driver sees it (DESIGN §5.5): at θ the inner solution (C(θ) and
 * the reduced objective f(θ)), and a {@link StepSystem} for the step from θ. Implemented by
 * VarPro least squares ({@link LeastSquaresProblem}) and by GNvpro cross-entropy
 * ({@code classify.CrossEntropyProblem}).
 */
public interface ReducedProblem {
  /**
   * θ with its inner solution; an implementation adds what it needs to go on from there (the
   * pass-1 summary, the softmax statistics) and is handed back its own iterates only.
   */
  interface Iterate {
    double[] theta();

    /** C(θ), the reduced objective f(θ) (as {@code loss}) and the rank figures. */
    InnerSolution inner();
  }

  /** The features A(θ) whose output weights are eliminated. */
  FeatureMap featureMap();

  /** p, the length of θ. */
  default int numParams() {
    return featureMap().numParams();
  }

  /** n, the number of features (the rank the continuation keeps). */
  default int numFeatures() {
    return featureMap().numFeatures();
  }

  /**
   * The inner solve at θ for ridge λ. {@code from} is the current iterate when θ is a trial
   * from it (an iterative inner solve starts from its C), null for a first evaluation.
   */
  Iterate evaluate(double[] theta, double lambda, Iterate from);

  /** The same θ for a new λ (continuation, DESIGN §2.5). */
  Iterate atLambda(Iterate at, double lambda);

  /**
   * The local model at the iterate; {@code previousTheta} non-null asks for the principal angle
   * to its feature subspace.
   */
  StepSystem linearize(Iterate at, double lambda, double[] previousTheta);

  /** Whether this iterate's loss of rank ends the run: the step cannot be formed (DESIGN §2.4). */
  default boolean stopsOnRankLoss(Iterate at) {
    return false;
  }

  /**
   * How far the computed objective at this iterate may be off for rounding alone, with the
   * problem's safety margin ({@link LeastSquaresProblem#roundingTolerance}): trials whose
   * objective is within it of the current one are judged by the model, not by the difference
   * ({@link LmDamping}). 0 treats the objective as exact (cross-entropy).
   */
  default double roundingTolerance(Iterate at) {
    return 0;
  }

  /** Whether {@link #redraw} can draw fresh rows. */
  default boolean canRedraw() {
    return false;
  }

  /** The problem over round {@code round} of freshly drawn rows (DESIGN §3.5). */
  default ReducedProblem redraw(int round) {
    throw new UnsupportedOperationException("these rows are fixed data and cannot be redrawn");
  }

  /**
   * The end of the run's time budget ({@link Deadline#NONE}: none), handed over by the driver
   * before the first evaluation: long loops inside an evaluation or a step (truncated CG, an
   * iterative inner solve) may stop there with what they have. Default: ignored.
   */
  default void stopAt(Deadline deadline) {}

  /** The step method in use, for the result ("factor", "matrix-free", "dense", ...). */
  String stepName();
}
