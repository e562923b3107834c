package org.varpro.spark;

import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.varpro.core.classify.ClassLabels;
import org.varpro.core.classify.ClassifyEvaluator;
import org.varpro.core.classify.FeatureCache;
import org.varpro.core.classify.GaussNewtonStats;
import org.varpro.core.classify.ParamVectorStats;
import org.varpro.core.classify.SoftmaxStats;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.stats.StatsKind;

/**
 * The passes of {@link org.varpro.core.classify.ClassifierSolver} over a cached RDD of labelled
 * row blocks: θ (and C, v) in the closure of each pass (one job), each partition folds its blocks into the core
 * aggregator exactly as {@link org.varpro.core.classify.LocalClassifyEvaluator} folds its blocks,
 * and the partition sums are merged in partition-index order ({@link OrderedReduction}), so a
 * run is bit-for-bit reproducible for a partitioning and agrees with the single-process run to
 * rounding. Every inner Newton step is one {@link #softmax} pass; its features A(θ) are kept on
 * the executors between passes at the same θ ({@link FeatureCache}).
 */
public final class SparkClassifyEvaluator implements ClassifyEvaluator, AutoCloseable {
  private final JavaSparkContext sc;
  private final JavaRDD<RowBlock> blocks;
  private final FeatureMap map;
  private final Broadcast<FeatureMap> mapBroadcast;
  private final int classes;
  private final long rows;
  private final int partitions;
  private final boolean ownsCache;
  private long passes;
  private boolean closed;

  private SparkClassifyEvaluator(JavaRDD<RowBlock> blocks, FeatureMap map, int classes, long rows, boolean ownsCache) {
    this.sc = JavaSparkContext.fromSparkContext(blocks.context());
    this.blocks = blocks;
    this.map = map;
    this.mapBroadcast = sc.broadcast(map);
    this.classes = classes;
    this.rows = rows;
    this.partitions = blocks.getNumPartitions();
    this.ownsCache = ownsCache;
  }

  /**
   * Caches the blocks (unless already persisted), checks every block against the feature map and
   * the labels against the classes, and counts the rows, in one job.
   *
   * @throws IllegalArgumentException without rows, or naming the partition of a bad block
   */
  public static SparkClassifyEvaluator create(JavaRDD<RowBlock> blocks, FeatureMap map, int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("classification needs at least 2 classes, got " + classes);
    }
    boolean persist = blocks.getStorageLevel().equals(StorageLevel.NONE());
    if (persist) {
      blocks.persist(StorageLevel.MEMORY_AND_DISK());
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(blocks.context());
    sc.setJobDescription("loading labelled row blocks (" + map.describe() + ")");
    try {
      List<long[]> counts = blocks.mapPartitionsWithIndex(checkRows(map, classes), true).collect();
      long rows = 0;
      for (long[] c : counts) {
        rows += c[1];
      }
      if (rows == 0) {
        throw new IllegalArgumentException("no rows to fit");
      }
      return new SparkClassifyEvaluator(blocks, map, classes, rows, persist);
    } catch (RuntimeException e) {
      if (persist) {
        blocks.unpersist(false);
      }
      throw DataError.unwrap(e);
    } finally {
      sc.setJobDescription(null);
    }
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

  public int partitions() {
    return partitions;
  }

  /** Passes over the rows so far. */
  public long passes() {
    return passes;
  }

  @Override
  public SoftmaxStats softmax(double[] theta, double[] c, SoftmaxStats.Level level) {
    int n = map.numFeatures();
    int k = classes;
    return pass("softmax pass (" + level.name().toLowerCase(Locale.ROOT) + ")", new double[][] {theta, c},
        (m, v) -> new SoftmaxStats(n, k, level), (s, m, v, b) -> s.add(FeatureCache.features(m, v[0], b), 0, b, v[1]),
        SoftmaxStats::merge);
  }

  @Override
  public GaussNewtonStats gaussNewton(double[] theta, double[] c, StatsKind kind) {
    int n = map.numFeatures();
    int p = map.numParams();
    int k = classes;
    return pass("Gauss-Newton pass", new double[][] {theta, c},
        (m, v) -> new GaussNewtonStats(n, p, k, kind), (s, m, v, b) -> s.add(m, v[0], v[1], b),
        GaussNewtonStats::merge);
  }

  @Override
  public ParamVectorStats gradient(double[] theta, double[] c) {
    int p = map.numParams();
    int k = classes;
    return pass("gradient pass", new double[][] {theta, c}, (m, v) -> new ParamVectorStats(p),
        (s, m, v, b) -> s.addGradient(m, v[0], v[1], k, b), ParamVectorStats::merge);
  }

  @Override
  public ParamVectorStats product(double[] theta, double[] c, double[] v) {
    int p = map.numParams();
    int k = classes;
    return pass("Gauss-Newton product pass", new double[][] {theta, c, v}, (m, w) -> new ParamVectorStats(p),
        (s, m, w, b) -> s.addProduct(m, w[0], w[1], k, w[2], b), ParamVectorStats::merge);
  }

  /** Unpersists the blocks (when {@link #create} cached them) and drops the map broadcast. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    mapBroadcast.destroy();
    if (ownsCache) {
      blocks.unpersist(false);
    }
  }

  /** An empty summary for the broadcast values. */
  private interface Zero<T> extends Serializable {
    T make(FeatureMap map, double[][] values);
  }

  /** Folds one block into a summary. */
  private interface Fold<T> extends Serializable {
    void add(T summary, FeatureMap map, double[][] values, RowBlock block);
  }

  /**
   * One pass ({@link OrderedReduction#foldPartitions}: one job): the values in the closure, each
   * partition folded into its own summary, the summaries merged in partition order on the driver.
   */
  private <T> T pass(String what, double[][] values, Zero<T> zero, Fold<T> fold, Function2<T, T, T> merge) {
    if (closed) {
      throw new IllegalStateException("the evaluator is closed");
    }
    double[][] copies = new double[values.length][];
    for (int i = 0; i < values.length; i++) {
      copies[i] = values[i].clone();
    }
    Broadcast<FeatureMap> m = mapBroadcast;
    sc.setJobDescription(String.format(Locale.ROOT, "pass %d: %s", passes + 1, what));
    try {
      List<T> ordered = OrderedReduction.foldPartitions(blocks, (index, it) -> {
        FeatureMap fm = m.value();
        T summary = zero.make(fm, copies);
        while (it.hasNext()) {
          fold.add(summary, fm, copies, it.next());
        }
        return summary;
      }, SparkEvaluator.DEFAULT_DRIVER_MERGE_LIMIT, SparkEvaluator.DEFAULT_FANOUT, merge);
      T total = ordered.get(0);
      for (int i = 1; i < ordered.size(); i++) {
        total = merge.call(total, ordered.get(i));
      }
      return total;
    } catch (Exception e) {
      throw DataError.unwrap(e);
    } finally {
      passes++;
      sc.setJobDescription(null);
    }
  }

  /** (partition, rows) of each partition, after checking shapes and labels. */
  private static Function2<Integer, Iterator<RowBlock>, Iterator<long[]>> checkRows(FeatureMap map, int classes) {
    return (index, it) -> {
      long r = 0;
      while (it.hasNext()) {
        RowBlock b = it.next();
        try {
          if (b.inputDim != map.inputDim()) {
            throw new IllegalArgumentException("row block has " + b.inputDim + " inputs; " + map.describe()
                + " expects " + map.inputDim());
          }
          ClassLabels.targets(b, classes);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("partition " + index + ": " + e.getMessage(), e);
        }
        r += b.rows;
      }
      return Collections.singletonList(new long[] {index, r}).iterator();
    };
  }
}
