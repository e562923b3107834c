package org.varpro.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.LeastSquaresPasses;
import org.varpro.core.solver.PartitionedEvaluator;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.StatsKind;

/**
 * The Jacobian pass of a wide network (N = 1082 ≥ {@link LeastSquaresPasses#QR_TREE_MIN_COLUMNS})
 * with TSQR statistics: its factors merge pairwise on the executors (3 partitions: two shuffle
 * levels), and the result is PartitionedEvaluator's single-process tree bit for bit, run after run.
 */
class QrTreeParityTest {

  @Test
  void executorTreeEqualsTheSingleProcessTreeBitForBit() {
    Perceptron map = Perceptron.of(Activation.TANH, new int[] {3, 30, 30});
    int n = map.numFeatures();
    int p = map.numParams();
    assertEquals(1082, n + p + 1);
    // 1200 rows per partition: each partition's factor is square (the structured merges run).
    long m = 3600;
    int partitions = 3;
    int blockRows = 400;
    RowBlock[][] local = new RowBlock[partitions][];
    for (int j = 0; j < partitions; j++) {
      local[j] = GeneratedSource.partition(7, 3, m, j, partitions, blockRows);
    }
    double[] theta = map.initialParams(3);
    double[] c = new double[n];
    for (int l = 0; l < n; l++) {
      c[l] = 0.1 * (l + 1);
    }
    JacobianStats single = new PartitionedEvaluator(map, local).jacobian(theta, c, 1e-8, null, StatsKind.QR, false);
    double[][] spark = new double[2][];
    for (int run = 0; run < 2; run++) {
      try (SparkEvaluator ev = SparkEvaluator.create(
          GeneratedSource.blocks(TestSpark.context(), m, 3, 7, partitions, blockRows), map)) {
        spark[run] = ev.jacobian(theta, c, 1e-8, null, StatsKind.QR, false).perOutput[0].triangular().r();
      }
    }
    assertArrayEquals(single.perOutput[0].triangular().r(), spark[0], "Spark's executor tree vs one process");
    assertArrayEquals(spark[0], spark[1], "two Spark runs");
    assertEquals(m + n, single.perOutput[0].count(), "the rows and the n ridge rows");
  }
}
