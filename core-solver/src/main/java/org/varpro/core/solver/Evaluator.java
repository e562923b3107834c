package org.varpro.core.solver;

import org.varpro.core.model.FeatureMap;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.ReducedProductStats;
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

  /** Matrix-free pass at (θ, C): s_j = Σ_i w_i a_i (D_j v)_i, n×k ({@link ReducedProductStats}). */
  ReducedProductStats tangentProduct(double[] theta, double[] c, double[] v);

  /**
   * Matrix-free pass at (θ, C): Σ_j D_jᵀW(D_j v − A z_j − β y_j), length p; {@code v == null}
   * drops the D_j v term ({@link ReducedProductStats}).
   */
  ReducedProductStats transposeProduct(double[] theta, double[] c, double[] v, double[] z, double beta);

  /**
   * The solver's plan, told before its first pass: {@code true} when it will ask for Kaufman QR
   * Jacobian statistics (no Golub-Pereyra sums, no subspace factor) at each accepted trial point
   * right after that point's projection pass. An evaluator may then fold the Jacobian's
   * ingredients into every QR projection pass and answer the Jacobian request from it
   * ({@link org.varpro.core.stats.FusedStats}). A pure function of the solver's options, so a
   * resumed run makes the same passes as the uninterrupted one. Ignored by default.
   */
  default void planJacobianAtAcceptedTrials(boolean plan) {}

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
