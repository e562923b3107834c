package org.varpro.core.stats;

import java.util.SplittableRandom;

/** Row blocks of standard normals for the summaries' tests, and their MᵀM summed directly (the oracle). */
final class GaussianBlocks {
  private GaussianBlocks() {}

  /** A rows × cols column-major block drawn from {@code seed}. */
  static double[] block(int rows, int cols, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] m = new double[rows * cols];
    for (int i = 0; i < m.length; i++) {
      m[i] = rng.nextGaussian();
    }
    return m;
  }

  /** MᵀM of the blocks of rows[b] rows drawn from seeds firstSeed + b, summed entry by entry. */
  static double[] gram(int[] rows, int cols, long firstSeed) {
    double[] g = new double[cols * cols];
    for (int b = 0; b < rows.length; b++) {
      double[] m = block(rows[b], cols, firstSeed + b);
      for (int j = 0; j < cols; j++) {
        for (int k = 0; k < cols; k++) {
          for (int i = 0; i < rows[b]; i++) {
            g[j + k * cols] += m[i + j * rows[b]] * m[i + k * rows[b]];
          }
        }
      }
    }
    return g;
  }
}
