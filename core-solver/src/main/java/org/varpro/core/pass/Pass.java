package org.varpro.core.pass;

import java.io.Serializable;
import java.util.Iterator;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;

/**
 * One pass over the rows (DESIGN §3.2): an associative reduction written once and run by every
 * {@link PassRunner}. Partition j's blocks are folded in order into {@link #zero}{@code (map, j)};
 * the partition partials are then merged in partition order. The feature map is handed in by the
 * runner (on Spark: the executor's copy of the broadcast); the pass carries the parameters it
 * needs (θ, C, v: copies, so a pass is a value). How the partials merge is the pass's to say
 * ({@link #mergeOrder}): by default the runner's {@link MergeOrder}.
 *
 * <p>A pass must be serializable to run on Spark: its parts capture numbers and dimensions only.
 */
public interface Pass<T> extends Serializable {
  /** A fresh partial for partition {@code partition} (partition 0 may start with rows of its own). */
  T zero(FeatureMap map, int partition);

  /** Folds one block into the partial. */
  void fold(T partial, FeatureMap map, RowBlock block);

  /** Merges {@code right} into {@code left} (its right neighbour in partition order); returns the result. */
  T merge(T left, T right);

  /**
   * The order in which the runner merges this pass's partials, given the runner's own order (the
   * default answer): a pass whose merge is costly may ask for another tree. Asked on the driver.
   */
  default MergeOrder mergeOrder(MergeOrder runners) {
    return runners;
  }

  /** Partition {@code partition}'s blocks folded in order: the one fold every runner executes. */
  default T foldPartition(FeatureMap map, int partition, Iterator<RowBlock> blocks) {
    T partial = zero(map, partition);
    while (blocks.hasNext()) {
      fold(partial, map, blocks.next());
    }
    return partial;
  }

  /** A pass from its three parts, merged in the runner's order. */
  static <T> Pass<T> of(Zero<T> zero, Fold<T> fold, Merge<T> merge) {
    return of(zero, fold, merge, runners -> runners);
  }

  /** A pass from its three parts and its choice of merge order. */
  static <T> Pass<T> of(Zero<T> zero, Fold<T> fold, Merge<T> merge, Order order) {
    return new Pass<>() {
      private static final long serialVersionUID = 1L;

      @Override
      public T zero(FeatureMap map, int partition) {
        return zero.make(map, partition);
      }

      @Override
      public void fold(T partial, FeatureMap map, RowBlock block) {
        fold.add(partial, map, block);
      }

      @Override
      public T merge(T left, T right) {
        return merge.merge(left, right);
      }

      @Override
      public MergeOrder mergeOrder(MergeOrder runners) {
        return order.choose(runners);
      }
    };
  }

  /** The empty partial of a partition. */
  @FunctionalInterface
  interface Zero<T> extends Serializable {
    T make(FeatureMap map, int partition);
  }

  /** Adds one block to a partial. */
  @FunctionalInterface
  interface Fold<T> extends Serializable {
    void add(T partial, FeatureMap map, RowBlock block);
  }

  /** A pass's merge order given the runner's. */
  @FunctionalInterface
  interface Order extends Serializable {
    MergeOrder choose(MergeOrder runners);
  }

  /** Merges the right partial into the left one and returns it. */
  @FunctionalInterface
  interface Merge<T> extends Serializable {
    T merge(T left, T right);
  }
}
