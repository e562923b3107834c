package org.varpro.core.solver;

import org.varpro.core.model.FeatureMap;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.StatsKind;

/**
 * The passes over the rows that the solver needs. The single-process evaluator folds its blocks
 * in order; the Spark evaluator folds partitions on executors and merges them on the driver.
 * Both use the same aggregators, so they agree to rounding.
 */
public interface Evaluator {
  FeatureMap featureMap();

  int outputs();

  /** Total rows m. */
  long rows();

  /** Pass 1 at θ: the summary of [W½A | W½Y]. */
  ProjectionStats project(double[] theta, StatsKind kind);

  /**
   * Pass 2 at (θ, C(θ)), the √λ rows included once ({@link JacobianStats#addRidge});
   * {@code thetaPrevious} non-null asks for the subspace factor.
   */
  JacobianStats jacobian(double[] theta, double[] c, double lambda, double[] thetaPrevious,
      StatsKind kind, boolean golubPereyra);

  /**
   * Whether {@link #redraw} can draw fresh rows (PDE collocation points regenerated from the
   * problem's seed and a round number). Fixed data sets cannot.
   */
  default boolean canRedraw() {
    return false;
  }

  /**
   * An evaluator over round {@code round} of freshly drawn rows (same counts and weights, new
   * points); round 0 is the original rows. The evaluator it is called on is not used again, so
   * it may release its rows.
   */
  default Evaluator redraw(int round) {
    throw new UnsupportedOperationException("these rows are fixed data and cannot be redrawn");
  }
}
