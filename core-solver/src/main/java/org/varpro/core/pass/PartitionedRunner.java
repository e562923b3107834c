package org.varpro.core.pass;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;

/**
 * Passes in this process: the rows come as P partitions of blocks; a pass folds each partition
 * ({@link Pass#foldPartition}, in the calling thread, with the {@link #foldThreads} it grants to
 * the fold's row chunks) and merges the partials in {@link MergeOrder}. With
 * one partition that is one fold over all blocks in order (a plain single-process evaluator);
 * with the partitions a Spark run had, it is that run's arithmetic bit for bit (a sweep task).
 */
public final class PartitionedRunner implements PassRunner {
  private final FeatureMap map;
  private final RowBlock[][] partitions;
  private final BlockCheck check;
  private final long rows;
  private final int outputs;
  private MergeOrder mergeOrder = MergeOrder.DEFAULT;
  /** Threads granted to each partition's fold ({@link FoldThreads}); 1: the calling thread only. */
  private int foldThreads = 1;
  private long passes;
  /** Round r → the partitions of round r, or null when the rows are fixed. */
  private IntFunction<RowBlock[][]> rounds;

  /**
   * @param partitions the blocks of partition j in {@code partitions[j]}, in fold order (a
   *     partition may be empty)
   * @throws IllegalArgumentException without rows, or when a block does not fit the map or fails
   *     the check
   */
  public PartitionedRunner(FeatureMap map, RowBlock[][] partitions, BlockCheck check) {
    List<PartitionShape> shapes = new ArrayList<>(partitions.length);
    for (int j = 0; j < partitions.length; j++) {
      shapes.add(PartitionShape.of(map, check, j, List.of(partitions[j]).iterator()));
    }
    PartitionShape total = PartitionShape.total(shapes);
    this.map = map;
    this.partitions = partitions.clone();
    this.check = check;
    this.rows = total.rows();
    this.outputs = total.outputs();
  }

  /** One partition: the blocks folded in order. */
  public static PartitionedRunner single(FeatureMap map, RowBlock[] blocks, BlockCheck check) {
    return new PartitionedRunner(map, new RowBlock[][] {blocks}, check);
  }

  /**
   * Rows that can be redrawn: {@code rounds.apply(r)} gives the partitions of round r (a pure
   * function of r, so runs stay reproducible), round 0 first.
   */
  public static PartitionedRunner redrawable(FeatureMap map, IntFunction<RowBlock[][]> rounds, BlockCheck check) {
    PartitionedRunner r = new PartitionedRunner(map, rounds.apply(0), check);
    r.rounds = rounds;
    return r;
  }

  /** The merge order of the passes that do not choose their own; returns this runner. */
  public PartitionedRunner mergeOrder(MergeOrder order) {
    this.mergeOrder = order;
    return this;
  }

  @Override
  public MergeOrder mergeOrder() {
    return mergeOrder;
  }

  /**
   * Threads each partition's fold may spread its row chunks over ({@link FoldThreads}; default
   * 1). The result is the same bits for any count; returns this runner.
   */
  public PartitionedRunner foldThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("fold threads must be >= 1, got " + threads);
    }
    this.foldThreads = threads;
    return this;
  }

  @Override
  public <T> T run(String what, Pass<T> pass) {
    List<T> partials = new ArrayList<>(partitions.length);
    for (int j = 0; j < partitions.length; j++) {
      int partition = j;
      partials.add(FoldThreads.granting(foldThreads,
          () -> pass.foldPartition(map, partition, List.of(partitions[partition]).iterator())));
    }
    passes++;
    return pass.mergeOrder(mergeOrder).reduce(partials, pass::merge);
  }

  @Override
  public boolean canRedraw() {
    return rounds != null;
  }

  @Override
  public PartitionedRunner redraw(int round) {
    if (rounds == null) {
      return (PartitionedRunner) PassRunner.super.redraw(round);
    }
    PartitionedRunner next = new PartitionedRunner(map, rounds.apply(round), check).mergeOrder(mergeOrder)
        .foldThreads(foldThreads);
    next.rounds = rounds;
    next.passes = passes;
    return next;
  }

  @Override
  public FeatureMap featureMap() {
    return map;
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public int outputs() {
    return outputs;
  }

  @Override
  public int partitions() {
    return partitions.length;
  }

  @Override
  public long passes() {
    return passes;
  }

  @Override
  public boolean inProcess() {
    return true;
  }

  /** Every block, partition after partition. */
  public RowBlock[] blocks() {
    List<RowBlock> all = new ArrayList<>();
    for (RowBlock[] p : partitions) {
      all.addAll(List.of(p));
    }
    return all.toArray(new RowBlock[0]);
  }
}
