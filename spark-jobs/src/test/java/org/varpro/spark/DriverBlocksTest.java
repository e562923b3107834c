package org.varpro.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.varpro.core.model.RowBlock;

/** Broadcast row blocks land in the partitions SparkContext.parallelize would give them. */
class DriverBlocksTest {
  @Test
  void partitionsAreParallelizesSlices() {
    for (int[] shape : new int[][] {{7, 3}, {2, 4}, {10, 1}, {9, 9}}) {
      int count = shape[0];
      int partitions = shape[1];
      RowBlock[] blocks = new RowBlock[count];
      for (int b = 0; b < count; b++) {
        blocks[b] = RowBlock.regression(1, 1, 1, new double[] {b}, new double[] {0});
      }
      List<List<RowBlock>> expected = TestSpark.context().parallelize(Arrays.asList(blocks), partitions).glom()
          .collect();
      try (DriverBlocks d = DriverBlocks.of(TestSpark.context(), blocks, partitions)) {
        assertEquals(partitions, d.rdd().getNumPartitions());
        List<List<RowBlock>> got = d.rdd().glom().collect();
        for (int j = 0; j < partitions; j++) {
          assertArrayEquals(xs(expected.get(j)), xs(got.get(j)), count + " blocks, partition " + j + " of " + partitions);
        }
      }
    }
  }

  private static double[] xs(List<RowBlock> part) {
    return part.stream().mapToDouble(b -> b.x[0]).toArray();
  }
}
