package org.varpro.core.pass;

import org.varpro.core.model.FeatureMap;

/**
 * Runs {@link Pass}es over a fixed set of row blocks arranged in partitions (DESIGN §3.4): each
 * partition's blocks folded in order ({@link Pass#foldPartition}), the partials merged in
 * partition order (the pass's {@link MergeOrder}). Implementations: {@link PartitionedRunner} in this
 * process (one partition for a plain single-process fold, P partitions for a sweep task), and
 * the Spark runner of spark-jobs (cached blocks, folds on executors). For the same partitions
 * they give the same bits. The runner owns the rows and their checks; what a pass computes is
 * the evaluator's business.
 */
public interface PassRunner {
  FeatureMap featureMap();

  /** Total rows m (at least 1). */
  long rows();

  /** Target columns of every block. */
  int outputs();

  int partitions();

  /** The merge order of the passes that do not choose their own ({@link Pass#mergeOrder}). */
  MergeOrder mergeOrder();

  /**
   * Runs one pass and returns the merged result.
   *
   * @param what a description of the pass ("iteration 3: Jacobian pass"), shown by Spark's UI
   */
  <T> T run(String what, Pass<T> pass);

  /** Passes run so far. */
  long passes();

  /**
   * Whether the folds run in this process on blocks held here, so that a pass may use state of
   * the caller (a cache keyed by block); false when passes are shipped to other processes.
   */
  boolean inProcess();

  /** Whether {@link #redraw} can draw fresh rows (PDE collocation points). */
  default boolean canRedraw() {
    return false;
  }

  /**
   * A runner over round {@code round} of freshly drawn rows, with this runner's settings and pass
   * count; this runner is not used again and may release its rows.
   */
  default PassRunner redraw(int round) {
    throw new UnsupportedOperationException("these rows are fixed data and cannot be redrawn");
  }
}
