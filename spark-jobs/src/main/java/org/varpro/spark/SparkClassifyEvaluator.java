package org.varpro.spark;

import org.apache.spark.api.java.JavaRDD;
import org.varpro.core.classify.ClassifyPassEvaluator;
import org.varpro.core.classify.ClassifyPasses;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;

/**
 * The passes of {@link org.varpro.core.classify.ClassifierSolver} on Spark: a
 * {@link ClassifyPassEvaluator} over a {@link SparkPassRunner} (cached labelled blocks, folds on
 * executors, merges in partition order), so a run is bit-for-bit reproducible for a
 * partitioning and equals the single-process run over the same partitions
 * ({@link org.varpro.core.classify.LocalClassifyEvaluator#partitioned}). Every inner Newton step
 * is one {@link #softmax} pass.
 */
public final class SparkClassifyEvaluator extends ClassifyPassEvaluator implements AutoCloseable {
  private final SparkPassRunner rows;

  private SparkClassifyEvaluator(SparkPassRunner rows, int classes) {
    super(rows, classes);
    this.rows = rows;
  }

  /**
   * Caches the blocks (unless already persisted), checks every block against the feature map and
   * the labels against the classes, and counts the rows, in one job.
   *
   * @throws IllegalArgumentException without rows, or naming the partition of a bad block
   */
  public static SparkClassifyEvaluator create(JavaRDD<RowBlock> blocks, FeatureMap map, int classes) {
    return new SparkClassifyEvaluator(SparkPassRunner.create(blocks, map, ClassifyPasses.labels(classes)), classes);
  }

  /** See {@link SparkPassRunner#driverPasses}. */
  public SparkClassifyEvaluator driverPasses(boolean enabled) {
    rows.driverPasses(enabled);
    return this;
  }

  /** Unpersists the blocks (when {@link #create} cached them) and drops the map broadcast. */
  @Override
  public void close() {
    rows.close();
  }
}
