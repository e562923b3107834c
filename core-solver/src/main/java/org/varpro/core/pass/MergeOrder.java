package org.varpro.core.pass;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * The fixed order in which partition partials are merged (DESIGN §3.2): while there are more than
 * a driver limit of them, partial j joins group ⌊j/fanout⌋ and each group is merged left to
 * right into its first member; what is left is merged, in partition order, into the first. A
 * floating-point merge (a TSQR merge above all) depends on the order, so this order, never task
 * completion, fixes the bits. Spark's OrderedReduction runs the same grouping on executors.
 */
public final class MergeOrder {
  /** Partition partials merged by the last level directly, up to this many. */
  public static final int DEFAULT_DRIVER_MERGE_LIMIT = 64;
  /** Partition partials per group in the levels before the last. */
  public static final int DEFAULT_FANOUT = 8;

  private MergeOrder() {}

  /** @throws IllegalArgumentException unless driverLimit ≥ 1 and fanout ≥ 2 */
  public static void checkTree(int driverLimit, int fanout) {
    if (driverLimit < 1 || fanout < 2) {
      throw new IllegalArgumentException("driver limit must be >= 1 and fanout >= 2, got "
          + driverLimit + " and " + fanout);
    }
  }

  /** The partials after the tree levels and the last merge. */
  public static <T> T reduce(List<T> ordered, int driverLimit, int fanout, BinaryOperator<T> merge) {
    return inOrder(tree(ordered, driverLimit, fanout, merge), merge);
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
  public static <T> List<T> tree(List<T> ordered, int driverLimit, int fanout, BinaryOperator<T> merge) {
    checkTree(driverLimit, fanout);
    List<T> level = ordered;
    while (level.size() > driverLimit) {
      List<T> next = new ArrayList<>((level.size() + fanout - 1) / fanout);
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
}
