package org.varpro.core.solver;

import java.util.function.IntFunction;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pass.BlockCheck;
import org.varpro.core.pass.MergeOrder;
import org.varpro.core.pass.PartitionedRunner;
import org.varpro.core.pass.PassRunner;

/**
 * Single-process passes with the arithmetic of the distributed ones (a {@link PassEvaluator}
 * over a {@link PartitionedRunner}): the rows come as P "partitions" of blocks, each folded in
 * order, the partials merged in {@link MergeOrder}. The Spark evaluator runs the same passes and
 * merge order, so for the same partitions a single-process run reproduces a Spark run bit for bit.
 * With one partition it is {@link LocalEvaluator} bit for bit; with several it agrees with it to
 * rounding. This is what a sweep task runs.
 */
public final class PartitionedEvaluator extends PassEvaluator {
  /** Partitions with the default merge order ({@link MergeOrder#DEFAULT}). */
  public PartitionedEvaluator(FeatureMap map, RowBlock[][] partitions) {
    this(map, partitions, MergeOrder.DEFAULT);
  }

  /**
   * @param partitions the blocks of partition j in {@code partitions[j]}, in fold order (a
   *     partition may be empty)
   * @param order the merge order of the passes that do not choose their own
   */
  public PartitionedEvaluator(FeatureMap map, RowBlock[][] partitions, MergeOrder order) {
    super(new PartitionedRunner(map, partitions, BlockCheck.NONE).mergeOrder(order));
  }

  private PartitionedEvaluator(PassRunner rows, PartitionedEvaluator from) {
    super(rows, from);
  }

  private PartitionedEvaluator(PassRunner rows) {
    super(rows);
  }

  /**
   * Partitions that can be redrawn ({@link Evaluator#redraw}): {@code rounds.apply(r)} gives the
   * partitions of round r, round 0 first.
   */
  public static PartitionedEvaluator redrawable(FeatureMap map, IntFunction<RowBlock[][]> rounds) {
    return new PartitionedEvaluator(PartitionedRunner.redrawable(map, rounds, BlockCheck.NONE));
  }

  @Override
  public PartitionedEvaluator redraw(int round) {
    return (PartitionedEvaluator) super.redraw(round);
  }

  @Override
  protected PartitionedEvaluator successor(PassRunner redrawn) {
    return new PartitionedEvaluator(redrawn, this);
  }
}
