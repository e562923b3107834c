package org.varpro.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pde.PdeProblem;

/**
 * The collocation rows of a {@link PdeProblem} as an RDD of P partitions: partition j builds its
 * rows with {@link PdeProblem#trainingRows(int, int) trainingRows(j, P)} from the seed alone, so
 * no point is ever shipped from the driver (only the problem, once, as a broadcast). Within a
 * partition the blocks come interior first, then boundary, then initial, each of at most
 * {@link PdeProblem#blockRows()} rows. The union over the partitions is exactly the
 * single-process row set, with the same weights.
 */
public final class PdeRowSource {
  private PdeRowSource() {}

  /** The (uncached) row blocks of the problem over {@code partitions} partitions. */
  public static JavaRDD<RowBlock> blocks(JavaSparkContext sc, PdeProblem problem, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    Broadcast<PdeProblem> shipped = sc.broadcast(problem);
    List<Integer> indices = new ArrayList<>(partitions);
    for (int j = 0; j < partitions; j++) {
      indices.add(j);
    }
    int count = partitions;
    // One index per slice; the partition index (not the element) selects the share.
    return sc.parallelize(indices, partitions)
        .mapPartitionsWithIndex((j, ignored) -> Arrays.asList(shipped.value().trainingRows(j, count).all()).iterator(), true);
  }

  /** A cached evaluator over the problem's rows in {@code partitions} partitions. */
  public static SparkEvaluator evaluator(JavaSparkContext sc, PdeProblem problem, FeatureMap map,
      int partitions) {
    if (map.inputDim() != problem.pde().dim()) {
      throw new IllegalArgumentException(map.describe() + " has " + map.inputDim()
          + " inputs, the PDE has " + problem.pde().dim() + " variables");
    }
    return SparkEvaluator.create(blocks(sc, problem, partitions), map)
        .redrawable(r -> blocks(sc, problem.round(r), partitions));
  }
}
