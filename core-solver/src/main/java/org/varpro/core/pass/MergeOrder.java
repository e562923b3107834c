package org.varpro.core.pass;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * The fixed order in which partition partials are merged (DESIGN §3.2): while there are more than
 * {@code driverLimit} of them, partial j joins group ⌊j/fanout⌋ and each group is merged left to
 * right into its first member (a tree level; on Spark it runs on the executors); what is left is
 * merged, in partition order, into the first. A floating-point merge (a TSQR merge above all)
 * depends on the order, so this order, never task completion, fixes the bits. Spark's
 * OrderedReduction runs the same grouping on executors.
 *
 * <p>A runner has an order for all its passes ({@link #DEFAULT} unless set); a pass may choose
 * its own from it ({@link Pass#mergeOrder}).
 *
 * @param driverLimit the last merge takes at most this many partials (at least 1)
 * @param fanout partials per group in the tree levels (at least 2)
 */
public record MergeOrder(int driverLimit, int fanout) implements Serializable {
  /** Partition partials merged by the last level directly, up to this many. */
  public static final int DEFAULT_DRIVER_MERGE_LIMIT = 64;
  /** Partition partials per group in the levels before the last. */
  public static final int DEFAULT_FANOUT = 8;
  /** The runners' order unless set otherwise: up to 64 partials merged in one run, groups of 8 above. */
  public static final MergeOrder DEFAULT = new MergeOrder(DEFAULT_DRIVER_MERGE_LIMIT, DEFAULT_FANOUT);
  /**
   * Pairs merged level after level down to one partial: depth ⌈log₂ P⌉, and the last merge
   * receives a single partial (for partials whose merge is costly, so that it runs in parallel).
   */
  public static final MergeOrder PAIRWISE_TO_ONE = new MergeOrder(1, 2);

  /** @throws IllegalArgumentException unless driverLimit ≥ 1 and fanout ≥ 2 */
  public MergeOrder {
    if (driverLimit < 1 || fanout < 2) {
      throw new IllegalArgumentException("driver limit must be >= 1 and fanout >= 2, got "
          + driverLimit + " and " + fanout);
    }
  }

  /** The partials after the tree levels and the last merge. */
  public <T> T reduce(List<T> ordered, BinaryOperator<T> merge) {
    return inOrder(tree(ordered, merge), merge);
  }

  /** The last merge: the partials, in order, merged into the first. */
  public static <T> T inOrder(List<T> ordered, BinaryOperator<T> merge) {
    if (ordered.isEmpty()) {
      throw new IllegalArgumentException("no partial summaries to merge");
    }
    T out = ordered.get(0);
    for (int i = 1; i < ordered.size(); i++) {
      out = merge.apply(out, ordered.get(i));
    }
    return out;
  }

  /** The levels before the last merge, while more than {@code driverLimit} partials remain. */
  public <T> List<T> tree(List<T> ordered, BinaryOperator<T> merge) {
    List<T> level = ordered;
    while (level.size() > driverLimit) {
      List<T> next = new ArrayList<>(groups(level.size()));
      for (int start = 0; start < level.size(); start += fanout) {
        T acc = level.get(start);
        for (int i = start + 1; i < Math.min(level.size(), start + fanout); i++) {
          acc = merge.apply(acc, level.get(i));
        }
        next.add(acc);
      }
      level = next;
    }
    return level;
  }

  /** Tree levels before the last merge for {@code partials} partials (0: the last merge only). */
  public int levels(int partials) {
    int levels = 0;
    for (int size = partials; size > driverLimit; size = groups(size)) {
      levels++;
    }
    return levels;
  }

  /** Partials left for the last merge out of {@code partials}. */
  public int lastMergeSize(int partials) {
    int size = partials;
    while (size > driverLimit) {
      size = groups(size);
    }
    return size;
  }

  /** Groups of one tree level over {@code size} partials. */
  public int groups(int size) {
    return (size + fanout - 1) / fanout;
  }
}
