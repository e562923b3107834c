package org.varpro.core.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.varpro.core.Fixtures;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pass.FoldThreads;

/**
 * The Jacobian pass of the dual step keeps its rows ({@link RowStats}) and computes a block's
 * rows in chunks ({@link JacobianStats#rowChunks}): the kept rows are those of the same rows
 * folded as small blocks that are not cut, and folding the chunks on threads gives the bits of
 * the fold in one thread.
 */
class RowChunksTest {
  private final Perceptron net = Perceptron.of(Activation.TANH, 2, 6, 5);
  private final double[] theta = net.initialParams(4);
  private final int n = net.numFeatures();
  private final int p = net.numParams();

  private JacobianStats fold(RowBlock... blocks) {
    double[] c = new double[n * 2];
    for (int i = 0; i < c.length; i++) {
      c[i] = Math.cos(1.3 * i);
    }
    JacobianStats s = new JacobianStats(n, p, 2, StatsKind.ROWS, true, false).addRidge(1e-6);
    for (RowBlock b : blocks) {
      s.add(net, theta, c, null, b);
    }
    return s;
  }

  @Test
  void chunkedRowsAreTheRowsOfUncutBlocksAndTheirBitsDoNotDependOnThreads() {
    RowBlock rows = Fixtures.rows(9, 600, 2, 2, -1, 1, (x, j) -> Math.sin(2 * x[0] + j) * x[1], true);
    assertEquals(4, JacobianStats.rowChunks(600), "600 rows are cut in 4");
    assertEquals(1, JacobianStats.rowChunks(100), "100 rows are not cut");
    JacobianStats chunked = fold(rows);
    JacobianStats uncut = fold(rows.split(100));
    for (int j = 0; j < 2; j++) {
      // Every kept number is computed by the same per-row formulas whatever the block: equal
      // to the rounding of the forward and backward dgemms (a few ulp of the largest entry).
      double[] a = ((RowStats) chunked.perOutput[j]).matrix();
      double[] b = ((RowStats) uncut.perOutput[j]).matrix();
      assertEquals(b.length, a.length);
      double e = Fixtures.relativeError(a, b);
      assertTrue(e < 1e-13, "output " + j + " rows: " + e);
      double eg = Fixtures.relativeError(chunked.golubPereyraE[j], uncut.golubPereyraE[j]);
      assertTrue(eg < 1e-12, "output " + j + " Golub-Pereyra sums: " + eg);
    }
    for (int threads : new int[] {2, 3}) {
      JacobianStats parallel = FoldThreads.granting(threads, () -> fold(rows));
      for (int j = 0; j < 2; j++) {
        assertArrayEquals(((RowStats) chunked.perOutput[j]).matrix(), ((RowStats) parallel.perOutput[j]).matrix(),
            threads + " threads, output " + j);
        assertArrayEquals(chunked.golubPereyraE[j], parallel.golubPereyraE[j], threads + " threads, E " + j);
      }
    }
  }
}
