package org.varpro.core.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.PartitionedEvaluator;
import org.varpro.core.stats.StatsKind;

/**
 * Single-process passes over blocks folded in a fixed order. The rows come as P "partitions" of
 * blocks (one partition unless {@link #partitioned} is used): a pass folds each partition's
 * blocks in order into its own summary, then reduces the partition summaries with
 * {@link PartitionedEvaluator#mergeTree} and merges what is left in partition order
 * ({@link PartitionedEvaluator#mergeInOrder}), the arithmetic of the Spark evaluator. So for the
 * partitions a Spark run had, a run here reproduces it bit for bit (what a sweep task runs); with
 * one partition the pass is a plain fold over all blocks.
 *
 * <p>The features A(θ) of every block are cached for the last θ of an inner pass, since the
 * inner Newton solve makes several passes at the same θ and only C changes (the same numbers the
 * Spark evaluator recomputes per pass, so the cache changes no bit).
 */
public final class LocalClassifyEvaluator implements ClassifyEvaluator {
  private final FeatureMap map;
  private final RowBlock[][] partitions;
  private final int classes;
  private final long rows;
  private double[] cachedTheta;
  private double[][][] cachedFeatures;

  /** One partition: the blocks folded in order. */
  public LocalClassifyEvaluator(FeatureMap map, int classes, RowBlock... blocks) {
    this(map, classes, new RowBlock[][] {blocks});
  }

  private LocalClassifyEvaluator(FeatureMap map, int classes, RowBlock[][] partitions) {
    if (classes < 2) {
      throw new IllegalArgumentException("classification needs at least 2 classes, got " + classes);
    }
    long r = 0;
    int blockCount = 0;
    for (RowBlock[] part : partitions) {
      for (RowBlock b : part) {
        if (b.inputDim != map.inputDim()) {
          throw new IllegalArgumentException("row block has " + b.inputDim + " inputs; the feature map expects "
              + map.inputDim());
        }
        if (!map.supports(b.channels)) {
          throw new IllegalArgumentException(map.describe() + " does not support channels " + b.channels);
        }
        ClassLabels.targets(b, classes); // validates the labels once
        r += b.rows;
        blockCount++;
      }
    }
    if (blockCount == 0) {
      throw new IllegalArgumentException("no rows to fit");
    }
    this.map = map;
    this.partitions = partitions.clone();
    this.classes = classes;
    this.rows = r;
  }

  /**
   * Rows in partitions, as a Spark run of the same rows had them.
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

  @Override
  public FeatureMap featureMap() {
    return map;
  }

  @Override
  public int classes() {
    return classes;
  }

  @Override
  public long rows() {
    return rows;
  }

  /** Every block, partition after partition. */
  public RowBlock[] blocks() {
    List<RowBlock> all = new ArrayList<>();
    for (RowBlock[] part : partitions) {
      all.addAll(List.of(part));
    }
    return all.toArray(new RowBlock[0]);
  }

  private double[][][] features(double[] theta) {
    if (cachedTheta == null || !Arrays.equals(cachedTheta, theta)) {
      double[][][] f = new double[partitions.length][][];
      for (int j = 0; j < partitions.length; j++) {
        RowBlock[] part = partitions[j];
        f[j] = new double[part.length][];
        for (int b = 0; b < part.length; b++) {
          f[j][b] = new double[part[b].rows * map.numFeatures()];
          map.features(theta, part[b], f[j][b], 0);
        }
      }
      cachedFeatures = f;
      cachedTheta = theta.clone();
    }
    return cachedFeatures;
  }

  /** Folds one block of partition j (index b in it) into a summary. */
  private interface Fold<T> {
    void add(T summary, int partition, int block);
  }

  /** A pass: each partition folded into a fresh summary, then the merge tree and the ordered merge. */
  private <T> T pass(Supplier<T> zero, Fold<T> fold, BinaryOperator<T> merge) {
    List<T> partials = new ArrayList<>(partitions.length);
    for (int j = 0; j < partitions.length; j++) {
      T s = zero.get();
      for (int b = 0; b < partitions[j].length; b++) {
        fold.add(s, j, b);
      }
      partials.add(s);
    }
    return PartitionedEvaluator.mergeInOrder(PartitionedEvaluator.mergeTree(partials,
        PartitionedEvaluator.DEFAULT_DRIVER_MERGE_LIMIT, PartitionedEvaluator.DEFAULT_FANOUT, merge), merge);
  }

  @Override
  public SoftmaxStats softmax(double[] theta, double[] c, SoftmaxStats.Level level) {
    double[][][] a = features(theta);
    return pass(() -> new SoftmaxStats(map.numFeatures(), classes, level),
        (s, j, b) -> s.add(a[j][b], 0, partitions[j][b], c), SoftmaxStats::merge);
  }

  @Override
  public GaussNewtonStats gaussNewton(double[] theta, double[] c, StatsKind kind) {
    return pass(() -> new GaussNewtonStats(map.numFeatures(), map.numParams(), classes, kind),
        (s, j, b) -> s.add(map, theta, c, partitions[j][b]), GaussNewtonStats::merge);
  }

  @Override
  public ParamVectorStats gradient(double[] theta, double[] c) {
    return pass(() -> new ParamVectorStats(map.numParams()),
        (s, j, b) -> s.addGradient(map, theta, c, classes, partitions[j][b]), ParamVectorStats::merge);
  }

  @Override
  public ParamVectorStats product(double[] theta, double[] c, double[] v) {
    return pass(() -> new ParamVectorStats(map.numParams()),
        (s, j, b) -> s.addProduct(map, theta, c, classes, v, partitions[j][b]), ParamVectorStats::merge);
  }
}
