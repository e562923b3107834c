package org.varpro.core.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.varpro.core.model.RowBlock;

/**
 * The seeded row sample on which the matrix-free step sums its Gauss-Newton products
 * (subsampled Hessian, Byrd, Chin, Neveitt and Nocedal 2011; {@link CrossEntropyProblem}).
 *
 * <p>A row is in the sample when a hash of the seed and the row's contents (inputs and
 * targets) falls below the fraction f, and its weight is divided by f: each row's expected
 * weight in the sample is its own, so the sample's H v is an unbiased estimate of the full one
 * (the Horvitz-Thompson estimate). Deciding by content rather than by position makes the
 * sample the same however the rows are cut into blocks and partitions: Spark's run and a
 * single-process run of the same rows use the same rows. (Identical rows are in or out
 * together.) Selected rows are repacked into blocks as large as the partition's largest, so a
 * product keeps its BLAS block size.
 */
public final class CurvatureSample {
  private CurvatureSample() {}

  /**
   * The fraction of the rows to sample: 1 (no sample) for the dense step, else
   * max(curvature-sample, curvature-min-rows / rows), at most 1.
   *
   * @param params p, which decides the step (auto)
   * @param rows the training rows
   */
  public static double fraction(ClassifierOptions o, int params, long rows) {
    ClassifierStep step = o.get(ClassifierOptions.STEP).resolve(params, o.matrixFreeThreshold());
    if (step != ClassifierStep.MATRIX_FREE || rows <= 0) {
      return 1;
    }
    double minRows = o.get(ClassifierOptions.CURVATURE_MIN_ROWS);
    return Math.min(1, Math.max(o.get(ClassifierOptions.CURVATURE_SAMPLE), minRows / rows));
  }

  /** The error when the sample of {@code rows} rows at this fraction came out empty. */
  public static String emptyMessage(double fraction, long rows) {
    return String.format(java.util.Locale.ROOT, "solver.curvature-sample: the seeded sample (fraction %.3g) of the "
        + "%d training rows is empty; raise curvature-sample or curvature-min-rows", fraction, rows);
  }

  /** One partition's sampled rows, weights divided by the fraction, in blocks (possibly none). */
  public static RowBlock[] partition(List<RowBlock> blocks, double fraction, long seed) {
    List<RowBlock> picked = new ArrayList<>();
    int size = 1;
    for (RowBlock b : blocks) {
      size = Math.max(size, b.rows);
      int[] index = new int[b.rows];
      int count = 0;
      for (int i = 0; i < b.rows; i++) {
        if (selected(b, i, fraction, seed)) {
          index[count++] = i;
        }
      }
      if (count > 0) {
        picked.add(reweighted(b.select(Arrays.copyOf(index, count)), fraction));
      }
    }
    if (picked.isEmpty()) {
      return new RowBlock[0];
    }
    return RowBlock.concat(picked.toArray(new RowBlock[0])).split(size);
  }

  /** Every partition's sample ({@link #partition}), in partition order. */
  public static RowBlock[][] partitions(RowBlock[][] partitions, double fraction, long seed) {
    RowBlock[][] out = new RowBlock[partitions.length][];
    for (int j = 0; j < partitions.length; j++) {
      out[j] = partition(List.of(partitions[j]), fraction, seed);
    }
    return out;
  }

  /** Whether row i of the block is in the sample of this fraction and seed. */
  static boolean selected(RowBlock b, int i, double fraction, long seed) {
    long h = mix(seed ^ 0x6a09e667f3bcc909L);
    for (int d = 0; d < b.inputDim; d++) {
      h = mix(h ^ Double.doubleToLongBits(b.x[i + d * b.rows]));
    }
    for (int k = 0; k < b.outputs; k++) {
      h = mix(h ^ Double.doubleToLongBits(b.y[i + k * b.rows]));
    }
    // The top 53 bits as a uniform number in [0, 1).
    return (h >>> 11) * 0x1.0p-53 < fraction;
  }

  /** SplitMix64's finalizer (Steele, Lea and Flood 2014): a bijective 64-bit mix. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private static RowBlock reweighted(RowBlock b, double fraction) {
    double[] w = new double[b.rows];
    for (int i = 0; i < w.length; i++) {
      w[i] = b.weight[i] / fraction;
    }
    return new RowBlock(b.rows, b.inputDim, b.outputs, b.x, b.y, w, b.channels, b.coef);
  }
}
