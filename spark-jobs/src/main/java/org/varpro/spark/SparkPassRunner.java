package org.varpro.spark;

import java.util.Collections;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pass.BlockCheck;
import org.varpro.core.pass.FoldThreads;
import org.varpro.core.pass.MergeOrder;
import org.varpro.core.pass.Pass;
import org.varpro.core.pass.PassRunner;
import org.varpro.core.pass.PartitionShape;

/**
 * Passes on Spark (DESIGN §3.2): the row blocks live in a cached {@code JavaRDD<RowBlock>}; a
 * pass ships its parameters in its closure, each partition's blocks are folded in order on an
 * executor ({@link Pass#foldPartition}, the function every runner executes) and the partials are
 * merged in partition-index order ({@link OrderedReduction}, then {@link MergeOrder#inOrder} on
 * the driver), never in task-completion order. So for a given partitioning a run is bit-for-bit
 * reproducible and equals the single-process {@link org.varpro.core.pass.PartitionedRunner} over
 * the same partitions; a cluster run equals a local-mode run.
 *
 * <p><b>Jobs.</b> Every pass is one Spark job (a plain {@code runJob} over the cached blocks; a few
 * jobs with the executor-side merge tree when there are more than the driver limit of the pass's
 * {@link Pass#mergeOrder} partitions) carrying the pass's description. The parameters (kilobytes) travel in the job's
 * closure, inside the task binary Spark broadcasts for every job anyway; the feature map is
 * broadcast once per runner and destroyed by {@link #close()}.
 *
 * <p><b>One small partition in local mode.</b> With a local master, one partition and at most
 * {@link #DRIVER_PASS_ROW_LIMIT} rows (what {@code job.partitions = auto} gives a problem of that
 * size), the blocks are collected once and every pass runs its fold in the driver thread: the
 * same fold on the same blocks in the same JVM as the job's one task, so the same bits, without
 * the job's scheduling (several thread hand-offs, which cost more than a small pass on a loaded
 * machine); the fold's row chunks go over the local master's cores ({@link FoldThreads}).
 * A cluster, several partitions or more rows always run Spark jobs;
 * {@link #driverPasses(boolean)} turns the shortcut off.
 */
public final class SparkPassRunner implements PassRunner, AutoCloseable {
  /** Rows up to which one partition in local mode is folded in the driver thread. */
  public static final long DRIVER_PASS_ROW_LIMIT = AutoPartitions.ROWS_PER_PARTITION;

  private final JavaSparkContext sc;
  private final JavaRDD<RowBlock> blocks;
  private final FeatureMap map;
  private final BlockCheck check;
  private final Broadcast<FeatureMap> mapBroadcast;
  private final long rows;
  private final int outputs;
  private final int partitions;
  private final boolean ownsCache;
  private MergeOrder mergeOrder = MergeOrder.DEFAULT;
  private long passes;
  private boolean closed;
  /** Round r → the (uncached) blocks of round r, or null when the rows are fixed. */
  private IntFunction<JavaRDD<RowBlock>> rounds;
  /** The runner over the next round's rows, once {@link #redraw} made it; closed with this. */
  private SparkPassRunner successor;
  /** Whether one small local partition may be folded in the driver thread. */
  private boolean driverPasses = true;
  /** That partition's blocks, collected on the first pass that folds them on the driver. */
  private List<RowBlock> driverBlocks;

  private SparkPassRunner(JavaRDD<RowBlock> blocks, FeatureMap map, BlockCheck check, PartitionShape total,
      boolean ownsCache) {
    this.sc = JavaSparkContext.fromSparkContext(blocks.context());
    this.blocks = blocks;
    this.map = map;
    this.check = check;
    this.mapBroadcast = sc.broadcast(map);
    this.rows = total.rows();
    this.outputs = total.outputs();
    this.partitions = blocks.getNumPartitions();
    this.ownsCache = ownsCache;
  }

  /**
   * Caches the blocks (memory and disk, unless already persisted), checks them against the
   * feature map and {@code check} and counts the rows, in one job. {@link #close()} unpersists the
   * blocks when this call persisted them.
   *
   * @throws IllegalArgumentException without rows, or naming the partition of a bad block
   */
  public static SparkPassRunner create(JavaRDD<RowBlock> blocks, FeatureMap map, BlockCheck check) {
    boolean persist = blocks.getStorageLevel().equals(StorageLevel.NONE());
    if (persist) {
      blocks.persist(StorageLevel.MEMORY_AND_DISK());
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(blocks.context());
    sc.setJobDescription("loading row blocks (" + map.describe() + ")");
    try {
      List<PartitionShape> shapes = blocks.mapPartitionsWithIndex(
          (index, it) -> Collections.singletonList(PartitionShape.of(map, check, index, it)).iterator(), true)
          .collect();
      PartitionShape total = PartitionShape.total(shapes.size() == 1 ? List.of(named(shapes.get(0))) : shapes);
      return new SparkPassRunner(blocks, map, check, total, persist);
    } catch (RuntimeException e) {
      if (persist) {
        blocks.unpersist(false);
      }
      throw DataError.unwrap(e);
    } finally {
      sc.setJobDescription(null);
    }
  }

  /** A single partition's problem still names the partition, as Spark users read partitions. */
  private static PartitionShape named(PartitionShape s) {
    return s.problem() == null ? s : new PartitionShape(s.partition(), s.rows(), s.outputs(),
        "partition " + s.partition() + ": " + s.problem());
  }

  /**
   * The merge order of the passes that do not choose their own: with more than its driver limit
   * of partitions, runs of its fanout partition partials are merged on executors (in index order)
   * first.
   */
  public SparkPassRunner mergeOrder(MergeOrder order) {
    this.mergeOrder = order;
    return this;
  }

  @Override
  public MergeOrder mergeOrder() {
    return mergeOrder;
  }

  /**
   * Whether a pass over one partition of at most {@link #DRIVER_PASS_ROW_LIMIT} rows with a local
   * master folds the blocks in the driver thread (default true; bit for bit the Spark job's
   * result). False: every pass is a Spark job.
   */
  public SparkPassRunner driverPasses(boolean enabled) {
    this.driverPasses = enabled;
    if (!enabled) {
      driverBlocks = null;
    }
    return this;
  }

  /**
   * Threads a fold in the driver thread grants to its row chunks: the local master's cores
   * ({@code local[N]}: N), at most {@link FoldThreads#forThisMachine}. No task runs meanwhile,
   * so these are the cores the job's one task would have had; the bits do not depend on them.
   */
  private int driverFoldThreads() {
    return Math.max(1, Math.min(sc.defaultParallelism(), FoldThreads.forThisMachine()));
  }

  /** Whether the passes run in the driver thread (see {@link #driverPasses(boolean)}). */
  public boolean foldsOnDriver() {
    return driverPasses && partitions == 1 && rows <= DRIVER_PASS_ROW_LIMIT && sc.isLocal();
  }

  /**
   * Lets {@link #redraw} build the rows of round r from {@code rounds.apply(r)} (PDE points drawn
   * in the partitions from a seed derived from the round).
   */
  public SparkPassRunner redrawable(IntFunction<JavaRDD<RowBlock>> rounds) {
    this.rounds = rounds;
    return this;
  }

  @Override
  public boolean canRedraw() {
    return rounds != null;
  }

  /**
   * Caches round {@code round}'s rows in a new runner with the same settings and pass count, and
   * releases this one's rows. Closing the first runner closes its successors.
   */
  @Override
  public SparkPassRunner redraw(int round) {
    if (rounds == null) {
      return (SparkPassRunner) PassRunner.super.redraw(round);
    }
    SparkPassRunner next = create(rounds.apply(round), map, check).mergeOrder(mergeOrder)
        .driverPasses(driverPasses).redrawable(rounds);
    next.passes = passes;
    if (ownsCache) {
      blocks.unpersist(false);
    }
    successor = next;
    return next;
  }

  @Override
  public <T> T run(String what, Pass<T> pass) {
    if (closed) {
      throw new IllegalStateException("the evaluator is closed");
    }
    sc.setJobDescription(what);
    try {
      if (foldsOnDriver()) {
        if (driverBlocks == null) {
          driverBlocks = blocks.collect();
        }
        return FoldThreads.granting(driverFoldThreads(), () -> pass.foldPartition(map, 0, driverBlocks.iterator()));
      }
      Broadcast<FeatureMap> m = mapBroadcast;
      List<T> ordered = OrderedReduction.foldPartitions(blocks,
          (index, it) -> pass.foldPartition(m.value(), index, it), pass.mergeOrder(mergeOrder), pass::merge);
      return MergeOrder.inOrder(ordered, pass::merge);
    } catch (Exception e) {
      throw DataError.unwrap(e);
    } finally {
      passes++;
      sc.setJobDescription(null);
    }
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
    return partitions;
  }

  @Override
  public long passes() {
    return passes;
  }

  @Override
  public boolean inProcess() {
    return foldsOnDriver();
  }

  /** The cached blocks. */
  public JavaRDD<RowBlock> blocks() {
    return blocks;
  }

  /** Unpersists the blocks (when {@link #create} cached them), drops the map broadcast, closes the successors. */
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
    if (successor != null) {
      successor.close();
    }
  }
}
