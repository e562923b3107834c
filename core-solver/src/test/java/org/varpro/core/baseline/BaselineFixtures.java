package org.varpro.core.baseline;

import java.util.SplittableRandom;
import java.util.function.ToDoubleBiFunction;
import org.varpro.core.model.Channels;
import org.varpro.core.model.RowBlock;

/** Small problems for the baseline tests. */
final class BaselineFixtures {
  private BaselineFixtures() {}

  /** Uniform inputs in [−1, 1]^d; target j of point x is {@code target(x, j)}. */
  static RowBlock regression(long seed, int m, int d, int k, boolean randomWeights,
      ToDoubleBiFunction<double[], Integer> target) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[m * d];
    double[] y = new double[m * k];
    double[] w = new double[m];
    for (int i = 0; i < m; i++) {
      double[] pt = new double[d];
      for (int j = 0; j < d; j++) {
        pt[j] = 2 * rng.nextDouble() - 1;
        x[i + j * m] = pt[j];
      }
      for (int j = 0; j < k; j++) {
        y[i + j * m] = target.applyAsDouble(pt, j);
      }
      w[i] = randomWeights ? 0.5 + rng.nextDouble() : 1.0;
    }
    return RowBlock.regression(m, d, k, x, y, w);
  }

  /** Rows combining all first and second input derivatives with random coefficients. */
  static RowBlock operatorRows(long seed, int m, int d, int k) {
    java.util.List<int[]> ds = new java.util.ArrayList<>();
    for (int i = 0; i < d; i++) {
      ds.add(new int[] {i});
      for (int j = i; j < d; j++) {
        ds.add(new int[] {i, j});
      }
    }
    return org.varpro.core.Fixtures.operatorRows(seed, m, Channels.of(d, ds), k);
  }

  static double[] gaussian(long seed, int length, double scale) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] v = new double[length];
    for (int i = 0; i < length; i++) {
      v[i] = scale * rng.nextGaussian();
    }
    return v;
  }
}
