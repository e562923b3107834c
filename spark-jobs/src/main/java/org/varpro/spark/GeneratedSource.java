package org.varpro.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.varpro.core.model.RowBlock;

/**
 * Synthetic smooth regression rows for the scale benchmark, generated inside the partitions:
 * m rows, x uniform in [−1, 1]^d and
 * <pre>
 *   y(x) = (1/d) Σ_j sin(π x_j) cos(π x_{(j+1) mod d}) + 0.1 ‖x‖²,
 * </pre>
 * unit weights. Row i's coordinates are counter-based random numbers of (seed, i), so a row does
 * not depend on the partitioning: partition j of P holds the contiguous rows
 * [⌊j·m/P⌋, ⌊(j+1)·m/P⌋), generated from (seed, j, P) alone, and {@link #rows} gives the same
 * rows on one machine.
 */
public final class GeneratedSource {
  private GeneratedSource() {}

  /** The target function. */
  public static double target(double[] x) {
    int d = x.length;
    double s = 0;
    double sq = 0;
    for (int j = 0; j < d; j++) {
      s += Math.sin(Math.PI * x[j]) * Math.cos(Math.PI * x[(j + 1) % d]);
      sq += x[j] * x[j];
    }
    return s / d + 0.1 * sq;
  }

  /** Rows [from, to) as one block (single process, or one partition's share). */
  public static RowBlock rows(long seed, int d, long from, long to) {
    if (d < 1 || from < 0 || to < from || to - from > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("bad row range [" + from + ", " + to + ") or dimension " + d);
    }
    int r = (int) (to - from);
    double[] x = new double[r * d];
    double[] y = new double[r];
    double[] point = new double[d];
    for (int i = 0; i < r; i++) {
      long row = from + i;
      for (int j = 0; j < d; j++) {
        point[j] = 2 * unit(mix(seed, row * d + j)) - 1;
        x[i + j * r] = point[j];
      }
      y[i] = target(point);
    }
    return RowBlock.regression(r, d, 1, x, y);
  }

  /** Partition j of P: rows [⌊j·m/P⌋, ⌊(j+1)·m/P⌋) in blocks of at most {@code blockRows}. */
  public static RowBlock[] partition(long seed, int d, long m, int j, int partitions, int blockRows) {
    long from = Math.floorDiv(m * j, partitions);
    long to = Math.floorDiv(m * (j + 1), partitions);
    List<RowBlock> out = new ArrayList<>();
    for (long start = from; start < to; start += blockRows) {
      out.add(rows(seed, d, start, Math.min(to, start + blockRows)));
    }
    return out.toArray(new RowBlock[0]);
  }

  /** The (uncached) blocks: m rows of dimension d over {@code partitions} partitions. */
  public static JavaRDD<RowBlock> blocks(JavaSparkContext sc, long m, int d, long seed,
      int partitions, int blockRows) {
    if (m < 1 || d < 1 || partitions < 1 || blockRows < 1) {
      throw new IllegalArgumentException("generated rows need m, d, partitions and block rows >= 1");
    }
    if (m > Long.MAX_VALUE / Math.max(d, partitions + 1L)) {
      throw new IllegalArgumentException("too many rows: " + m);
    }
    List<Integer> indices = new ArrayList<>(partitions);
    for (int j = 0; j < partitions; j++) {
      indices.add(j);
    }
    return sc.parallelize(indices, partitions)
        .mapPartitionsWithIndex((j, ignored) -> List.of(partition(seed, d, m, j, partitions, blockRows)).iterator(), true);
  }

  // Counter-based random numbers (SplitMix64 finalizer on (seed, counter)).
  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  private static long mix(long seed, long counter) {
    long golden = 0x9E3779B97F4A7C15L;
    return mix64(mix64(seed + golden) + (counter + 1) * golden);
  }

  private static double unit(long bits) {
    return (bits >>> 11) * 0x1.0p-53;
  }
}
