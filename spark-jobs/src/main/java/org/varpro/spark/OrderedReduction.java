package org.varpro.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.util.LongAccumulator;
import org.varpro.core.pass.MergeOrder;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * A reduction of per-partition partial results whose merge order is fixed by the partition
 * index, so that the result is bit-for-bit the same from run to run for a given partitioning.
 *
 * <p>Spark's {@code reduce}, {@code treeAggregate} and {@code fold} merge partial results in the
 * order the tasks finish, which changes the rounding of a non-commutative floating-point merge
 * (a TSQR merge is the QR of the two stacked factors, so even the R factor's bits depend on the
 * order). Here partial j is keyed by j; while there are more than the {@link MergeOrder}'s driver
 * limit of partials, consecutive runs of its fanout of them (keys ⌊j/fanout⌋) are grouped on
 * executors, sorted by index inside each group and merged left to right; the remaining few are
 * collected, sorted by index and returned for the driver to merge in that order.
 * {@link MergeOrder#tree} is the same grouping in one process: a sweep task relies on the two
 * agreeing.
 *
 * <p><b>One job per pass.</b> {@link #foldPartitions} folds each partition of a cached RDD and
 * returns the partials in index order. Up to the driver limit of partitions it is a single
 * {@code SparkContext.runJob} (whose results come back indexed by partition): no derived RDDs,
 * no keys, no shuffle, one closure to clean. Above, it is the keyed tree of
 * {@link #reduceToDriver}. The values the fold needs (θ, C: kilobytes) travel in its closure,
 * which Spark ships once per job inside the task binary it broadcasts anyway; a broadcast of
 * their own would add a second broadcast to create, fetch and destroy per pass.
 */
public final class OrderedReduction {
  /**
   * Name of the accumulator of the nanoseconds the executor-side tree levels spend merging (a
   * SparkListener reads it from the tasks' accumulables, e.g. bench scale).
   */
  public static final String MERGE_NANOS = "varpro.merge.nanos";
  /** Name of the accumulator counting the merges of the executor-side tree levels. */
  public static final String MERGES = "varpro.merges";

  private OrderedReduction() {}

  /** Partition {@code index}'s elements folded into one partial (runs on an executor). */
  @FunctionalInterface
  public interface PartitionFold<E, T> extends Serializable {
    T fold(int index, Iterator<E> elements) throws Exception;
  }

  /** A task function of {@code SparkContext.runJob}: a Scala function, serializable. */
  private interface TaskFunction<E, T> extends scala.Function2<TaskContext, scala.collection.Iterator<E>, T>,
      Serializable {}

  /**
   * Each partition of {@code rdd} folded by {@code fold}, reduced by the executor-side tree
   * levels of {@code order} while there are more than its driver limit of partitions, in index
   * order.
   */
  public static <E, T> List<T> foldPartitions(JavaRDD<E> rdd, PartitionFold<E, T> fold, MergeOrder order,
      Function2<T, T, T> merge) {
    int count = rdd.getNumPartitions();
    if (count > order.driverLimit()) {
      JavaPairRDD<Integer, T> partials = rdd.mapPartitionsWithIndex(
          (Integer index, Iterator<E> it) -> Collections.singletonList(new Tuple2<>(index, fold.fold(index, it))).iterator(),
          true).mapToPair(t -> t);
      return reduceToDriver(partials, count, order, merge);
    }
    TaskFunction<E, T> task = (context, it) -> {
      try {
        return fold.fold(context.partitionId(), CollectionConverters.asJava(it));
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
    // runJob returns an array indexed by partition (an Object[] here: T is erased, as in
    // Spark's own Java API).
    @SuppressWarnings("unchecked")
    ClassTag<T> any = (ClassTag<T>) (ClassTag<?>) ClassTag$.MODULE$.AnyRef();
    @SuppressWarnings("unchecked")
    T[] results = (T[]) rdd.context().runJob(rdd.rdd(), task, any);
    return Arrays.asList(results);
  }

  /**
   * The partials after the executor-side tree levels, in index order.
   *
   * @param partials (partition index, partial) pairs; every index in [0, count) at most once
   * @param count an upper bound of the indices + 1 (usually the number of partitions)
   * @param order the tree: the driver merges at most its driver limit of partials, the executors
   *     groups of its fanout
   * @param merge merges the second partial into the first and returns it
   */
  public static <T> List<T> reduceToDriver(JavaPairRDD<Integer, T> partials, int count,
      MergeOrder order, Function2<T, T, T> merge) {
    JavaPairRDD<Integer, T> level = partials;
    int size = count;
    LongAccumulator nanos = null;
    LongAccumulator merges = null;
    while (size > order.driverLimit()) {
      if (nanos == null) {
        nanos = partials.context().longAccumulator(MERGE_NANOS);
        merges = partials.context().longAccumulator(MERGES);
      }
      int groups = order.groups(size);
      level = mergeLevel(level, order.fanout(), groups, merge, nanos, merges);
      size = groups;
    }
    List<Tuple2<Integer, T>> top = new ArrayList<>(level.collect());
    top.sort(Comparator.comparingInt(Tuple2::_1));
    List<T> out = new ArrayList<>(top.size());
    for (Tuple2<Integer, T> t : top) {
      out.add(t._2);
    }
    return out;
  }


  private static <T> JavaPairRDD<Integer, T> mergeLevel(JavaPairRDD<Integer, T> level, int fanout,
      int groups, Function2<T, T, T> merge, LongAccumulator nanos, LongAccumulator merges) {
    return level
        .mapToPair(t -> new Tuple2<>(t._1 / fanout, t))
        .groupByKey(new IndexPartitioner(groups))
        .mapToPair(g -> {
          List<Tuple2<Integer, T>> items = new ArrayList<>();
          g._2.forEach(items::add);
          items.sort(Comparator.comparingInt(Tuple2::_1));
          T acc = items.get(0)._2;
          long t0 = System.nanoTime();
          for (int i = 1; i < items.size(); i++) {
            acc = merge.call(acc, items.get(i)._2);
          }
          nanos.add(System.nanoTime() - t0);
          merges.add(items.size() - 1);
          return new Tuple2<>(g._1, acc);
        });
  }

  /** Integer key k goes to partition k (keys in [0, partitions)). */
  static final class IndexPartitioner extends Partitioner implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    IndexPartitioner(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return Math.floorMod((Integer) key, partitions);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof IndexPartitioner p && p.partitions == partitions;
    }

    @Override
    public int hashCode() {
      return partitions;
    }
  }
}
