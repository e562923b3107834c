package org.varpro.core.classify;

import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pass.PartitionedRunner;

/**
 * Single-process classification passes (a {@link ClassifyPassEvaluator} over a
 * {@link PartitionedRunner}): one partition of blocks folded in a fixed order, or the partitions
 * a Spark run had ({@link #partitioned}), whose passes then reproduce that run's bit for bit.
 */
public final class LocalClassifyEvaluator extends ClassifyPassEvaluator {
  private final PartitionedRunner rows;

  /** One partition: the blocks folded in order. */
  public LocalClassifyEvaluator(FeatureMap map, int classes, RowBlock... blocks) {
    this(map, classes, new RowBlock[][] {blocks});
  }

  private LocalClassifyEvaluator(FeatureMap map, int classes, RowBlock[][] partitions) {
    this(new PartitionedRunner(map, partitions, ClassifyPasses.labels(classes)), classes);
  }

  private LocalClassifyEvaluator(PartitionedRunner rows, int classes) {
    super(rows, classes);
    this.rows = rows;
  }

  /**
   * Rows in partitions, as a Spark run of the same rows had them (what a sweep task runs).
   *
   * @param partitions the blocks of partition j in {@code partitions[j]}, in fold order (a
   *     partition may be empty)
   */
  public static LocalClassifyEvaluator partitioned(FeatureMap map, int classes, RowBlock[][] partitions) {
    return new LocalClassifyEvaluator(map, classes, partitions);
  }

  /** Splits one block of rows into blocks of at most {@code blockRows} (one partition). */
  public static LocalClassifyEvaluator ofRows(FeatureMap map, int classes, RowBlock rows, int blockRows) {
    return new LocalClassifyEvaluator(map, classes, rows.split(blockRows));
  }

  /** Every block, partition after partition. */
  public RowBlock[] blocks() {
    return rows.blocks();
  }
}
