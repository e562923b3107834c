package org.varpro.core.solver;

import org.varpro.core.pass.MergeOrder;
import org.varpro.core.pass.Pass;
import org.varpro.core.stats.FusedStats;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.ReducedProductStats;
import org.varpro.core.stats.StatsKind;

/**
 * The passes of least-squares VarPro (DESIGN §2.2–§2.3) as {@link Pass}es: what each block adds
 * and how partials merge, for any runner. Each factory copies its parameters.
 */
public final class LeastSquaresPasses {
  /**
   * TSQR factors of fewer columns keep the runner's merge order ({@link #jacobianMergeOrder}):
   * their merge (⅔N³ &lt; 0.7 GFLOP, milliseconds) costs less than the shuffle stage of a tree
   * level (tens of milliseconds to seconds on a loaded machine), e.g. heat's N = 258.
   */
  public static final int QR_TREE_MIN_COLUMNS = 1024;

  private LeastSquaresPasses() {}

  /** Pass 1 at θ: the summary of [W½A | W½Y] (n features, k outputs). */
  public static Pass<ProjectionStats> projection(double[] theta, int n, int k, StatsKind kind) {
    double[] th = theta.clone();
    return Pass.of((map, partition) -> new ProjectionStats(n, k, kind), (s, map, b) -> s.add(map, th, b),
        ProjectionStats::merge);
  }

  /** Pass 1 at θ carrying the ingredients of pass 2 ({@link FusedStats}: one-hidden-layer maps). */
  public static Pass<FusedStats> fused(double[] theta, int k) {
    double[] th = theta.clone();
    return Pass.of((map, partition) -> new FusedStats(map, k), (s, map, b) -> s.add(map, th, b), FusedStats::merge);
  }

  /**
   * Pass 2 at (θ, C). The √λ rows ({@link JacobianStats#addRidge}) open partition 0's fold, as a
   * single fold over all rows starts with them, so they enter exactly once and the last merge
   * needs no fresh summary; {@code thetaPrevious} non-null asks for the subspace factor.
   */
  public static Pass<JacobianStats> jacobian(double[] theta, double[] c, double lambda, double[] thetaPrevious,
      int n, int p, int k, StatsKind kind, boolean golubPereyra) {
    double[] th = theta.clone();
    double[] cc = c.clone();
    double[] previous = thetaPrevious == null ? null : thetaPrevious.clone();
    boolean subspaces = previous != null;
    int columns = n + p + 1;
    return Pass.of(
        (map, partition) -> new JacobianStats(n, p, k, kind, golubPereyra, subspaces).addRidge(ridgeOf(partition, lambda)),
        (s, map, b) -> s.add(map, th, cc, previous, b), JacobianStats::merge,
        runners -> jacobianMergeOrder(kind, columns, runners));
  }

  /**
   * The merge order of the Jacobian pass over {@code columns} = n + p + 1 columns, given the
   * runner's: TSQR factors of at least {@link #QR_TREE_MIN_COLUMNS} columns merge pairwise down to
   * one ({@link MergeOrder#PAIRWISE_TO_ONE}). A merge of two N-column triangles is ⅔N³ flops, so
   * on Spark they run on the executors, the pairs of a level in parallel (depth ⌈log₂ P⌉), and
   * the driver receives one factor instead of merging P of them in a row. Narrower factors and
   * Gram statistics keep the runner's order.
   */
  public static MergeOrder jacobianMergeOrder(StatsKind kind, int columns, MergeOrder runners) {
    return kind == StatsKind.QR && columns >= QR_TREE_MIN_COLUMNS ? MergeOrder.PAIRWISE_TO_ONE : runners;
  }

  /** The λ of partition {@code partition}'s ridge rows: λ for partition 0, 0 (none) for the others. */
  public static double ridgeOf(int partition, double lambda) {
    return partition == 0 ? lambda : 0;
  }

  /** Matrix-free tangent pass at (θ, C): s_j = Σ_i w_i a_i (D_j v)_i ({@link ReducedProductStats}). */
  public static Pass<ReducedProductStats> tangentProduct(double[] theta, double[] c, double[] v, int n, int p, int k) {
    double[] th = theta.clone();
    double[] cc = c.clone();
    double[] vv = v.clone();
    return Pass.of((map, partition) -> ReducedProductStats.tangent(n, p, k),
        (s, map, b) -> s.addTangent(map, th, cc, vv, b), ReducedProductStats::merge);
  }

  /**
   * Matrix-free transpose pass at (θ, C): Σ_j D_jᵀW(D_j v − A z_j − β y_j); {@code v == null}
   * drops the D_j v term ({@link ReducedProductStats}).
   */
  public static Pass<ReducedProductStats> transposeProduct(double[] theta, double[] c, double[] v, double[] z,
      double beta, int n, int p, int k) {
    double[] th = theta.clone();
    double[] cc = c.clone();
    double[] vv = v == null ? null : v.clone();
    double[] zz = z.clone();
    return Pass.of((map, partition) -> ReducedProductStats.transpose(n, p, k),
        (s, map, b) -> s.addTranspose(map, th, cc, vv, zz, beta, b), ReducedProductStats::merge);
  }
}
