package org.varpro.core.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;

/**
 * The Jacobian pass's fold reuses one set of block buffers for a partition's blocks: it must
 * give, bit for bit, the summaries of M_j = [W½A | W½D_j | W½y_j] built block by block in fresh
 * arrays straight from the definition (D_j = the row-wise Jacobian product with c_j on every
 * row), for every kind of statistics, blocks shorter and longer than the buffers, two outputs.
 */
class JacobianStatsTest {
  private static final Perceptron MAP = Perceptron.of(Activation.TANH, 2, 4, 3);
  private static final int OUTPUTS = 2;
  /** Shorter than the first (stale rows left in the buffers), then longer (buffers regrown). */
  private static final int[] ROWS = {300, 120, 400, 300};

  private static RowBlock block(int rows, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[rows * 2];
    double[] y = new double[rows * OUTPUTS];
    double[] w = new double[rows];
    for (int i = 0; i < x.length; i++) {
      x[i] = rng.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = rng.nextGaussian();
    }
    for (int i = 0; i < rows; i++) {
      w[i] = 0.5 + rng.nextDouble();
    }
    return RowBlock.regression(rows, 2, OUTPUTS, x, y, w);
  }

  /** M_j of one block in a fresh array, from the definition. */
  private static double[] definition(double[] theta, double[] c, RowBlock b, int j) {
    int n = MAP.numFeatures();
    int p = MAP.numParams();
    int r = b.rows;
    int cols = n + p + 1;
    double[] m = new double[r * cols];
    double[] u = new double[r * n];
    for (int l = 0; l < n; l++) {
      Arrays.fill(u, l * r, (l + 1) * r, c[l + j * n]);
    }
    MAP.rowJacobianProducts(theta, b, new double[][] {u}, m, 0, new double[][] {m}, new int[] {n * r});
    System.arraycopy(b.y, j * r, m, (n + p) * r, r);
    ProjectionStats.scaleRows(m, r, cols, b.weight);
    return m;
  }

  @Test
  void reusedBlockBuffersGiveTheSummariesOfFreshArrays() {
    int n = MAP.numFeatures();
    int p = MAP.numParams();
    int cols = n + p + 1;
    double[] theta = MAP.initialParams(3);
    double[] c = new double[n * OUTPUTS];
    SplittableRandom rng = new SplittableRandom(5);
    for (int i = 0; i < c.length; i++) {
      c[i] = rng.nextGaussian();
    }
    for (StatsKind kind : StatsKind.values()) {
      JacobianStats fold = new JacobianStats(n, p, OUTPUTS, kind, false, false);
      AugmentedStats[] expected = new AugmentedStats[OUTPUTS];
      for (int j = 0; j < OUTPUTS; j++) {
        expected[j] = kind.empty(cols);
      }
      for (int b = 0; b < ROWS.length; b++) {
        RowBlock block = block(ROWS[b], 40 + b);
        fold.add(MAP, theta, c, null, block);
        for (int j = 0; j < OUTPUTS; j++) {
          expected[j].addRows(definition(theta, c, block, j), block.rows);
        }
      }
      for (int j = 0; j < OUTPUTS; j++) {
        assertEquals(1120, fold.perOutput[j].count());
        assertArrayEquals(expected[j].gram(), fold.perOutput[j].gram(), kind + ", output " + j);
        if (kind != StatsKind.GRAM) {
          assertArrayEquals(expected[j].triangular().r(), fold.perOutput[j].triangular().r(), kind + ", output " + j);
        }
      }
    }
  }
}
