package org.varpro.spark;

import java.util.function.IntFunction;
import org.apache.spark.api.java.JavaRDD;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pass.BlockCheck;
import org.varpro.core.pass.MergeOrder;
import org.varpro.core.pass.PassRunner;
import org.varpro.core.solver.PassEvaluator;

/**
 * The least-squares passes of DESIGN §3 on Spark: a {@link PassEvaluator} over a
 * {@link SparkPassRunner} (cached blocks, folds on executors, merges in partition order). The
 * passes and their merge order are those of every runner, so for the same partitions a
 * single-process {@link org.varpro.core.solver.PartitionedEvaluator} run is this run bit for bit,
 * and with one partition so is {@link org.varpro.core.solver.LocalEvaluator}; fused passes
 * included, so an iteration of a one-hidden-layer network with Kaufman QR steps is one Spark job.
 */
public final class SparkEvaluator extends PassEvaluator implements AutoCloseable {
  private final SparkPassRunner rows;

  private SparkEvaluator(SparkPassRunner rows) {
    super(rows);
    this.rows = rows;
  }

  private SparkEvaluator(SparkPassRunner rows, SparkEvaluator from) {
    super(rows, from);
    this.rows = rows;
  }

  /**
   * Caches the blocks (memory and disk, unless already persisted), checks them against the
   * feature map and counts the rows, in one job. {@link #close()} unpersists the blocks when this
   * call persisted them.
   *
   * @throws IllegalArgumentException without rows, or when a block's input dimension, output
   *     count or derivative channels do not fit the map (naming the partition)
   */
  public static SparkEvaluator create(JavaRDD<RowBlock> blocks, FeatureMap map) {
    return new SparkEvaluator(SparkPassRunner.create(blocks, map, BlockCheck.NONE));
  }

  /** See {@link SparkPassRunner#mergeOrder(MergeOrder)}. */
  public SparkEvaluator mergeOrder(MergeOrder order) {
    rows.mergeOrder(order);
    return this;
  }

  /** The merge order of the passes that do not choose their own. */
  public MergeOrder mergeOrder() {
    return rows.mergeOrder();
  }

  /** See {@link SparkPassRunner#driverPasses}. */
  public SparkEvaluator driverPasses(boolean enabled) {
    rows.driverPasses(enabled);
    return this;
  }

  /** Whether the passes run in the driver thread (see {@link SparkPassRunner#driverPasses}). */
  public boolean foldsOnDriver() {
    return rows.foldsOnDriver();
  }

  /** Always the two separate passes (to time the Jacobian pass, or to compare with such a run). */
  public SparkEvaluator withTwoPasses() {
    twoPasses();
    return this;
  }

  /** See {@link SparkPassRunner#redrawable}. */
  public SparkEvaluator redrawable(IntFunction<JavaRDD<RowBlock>> rounds) {
    rows.redrawable(rounds);
    return this;
  }

  @Override
  public SparkEvaluator redraw(int round) {
    return (SparkEvaluator) super.redraw(round);
  }

  @Override
  protected SparkEvaluator successor(PassRunner redrawn) {
    return new SparkEvaluator((SparkPassRunner) redrawn, this);
  }

  /** The cached blocks. */
  public JavaRDD<RowBlock> blocks() {
    return rows.blocks();
  }

  /** All blocks on the driver, partition by partition (for tests and small data). */
  public RowBlock[] collectBlocks() {
    return rows.blocks().collect().toArray(new RowBlock[0]);
  }

  /** Unpersists the blocks (when {@link #create} cached them), drops the map broadcast. */
  @Override
  public void close() {
    rows.close();
  }
}
