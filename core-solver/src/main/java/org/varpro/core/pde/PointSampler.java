package org.varpro.core.pde;

import java.io.Serializable;

/**
 * A finite, reproducible set of points: point i (0 ≤ i < {@link #size()}) is a function of
 * (seed, i) alone, so the set can be generated in pieces on different machines.
 *
 * <p><b>Partitions.</b> {@link #points(long, int, int) points(seed, j, P)} is the contiguous index
 * range [⌊j·N/P⌋, ⌊(j+1)·N/P⌋) of the N points. Concatenating partitions 0, 1, …, P−1 in order
 * gives exactly {@link #points(long) points(seed)}, the same points in the same order, bit for
 * bit; partition sizes differ by at most one.
 */
public interface PointSampler extends Serializable {
  /** Dimension of the points. */
  int dim();

  /** Number of points N. */
  int size();

  /** Points with indices [from, to), in index order. */
  PointSet range(long seed, int from, int to);

  /** All N points. */
  default PointSet points(long seed) {
    return range(seed, 0, size());
  }

  /** Partition {@code partition} of {@code partitions}: a contiguous, deterministic share. */
  default PointSet points(long seed, int partition, int partitions) {
    if (partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException("partition " + partition + " of " + partitions + " is invalid");
    }
    return range(seed, partitionStart(size(), partition, partitions),
        partitionStart(size(), partition + 1, partitions));
  }

  /** One line for logs. */
  String describe();

  /** First index of partition j of P over N items: ⌊j·N/P⌋. */
  static int partitionStart(int size, int partition, int partitions) {
    if (partitions <= 0 || partition < 0 || partition > partitions) {
      throw new IllegalArgumentException("partition " + partition + " of " + partitions + " is invalid");
    }
    return (int) ((long) size * partition / partitions);
  }

  /** Checks 0 ≤ from ≤ to ≤ size. */
  static void checkRange(int from, int to, int size) {
    if (from < 0 || to < from || to > size) {
      throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") outside 0.." + size);
    }
  }
}
