package org.varpro.spark;

import java.io.Serializable;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.Evaluator;
import org.varpro.core.solver.LocalEvaluator;
import org.varpro.core.solver.PartitionedEvaluator;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.ReducedProductStats;
import org.varpro.core.stats.StatsKind;

/**
 * The passes of DESIGN §3 on Spark: the row blocks live in a cached {@code JavaRDD<RowBlock>};
 * a pass ships the parameters in its closure, folds each partition's blocks in order into one
 * summary (the same {@link ProjectionStats}/{@link JacobianStats} code as {@link LocalEvaluator}),
 * and merges the partition summaries on the driver in partition-index order.
 *
 * <p><b>Reproducibility.</b> The merge order is fixed by the partition index (see
 * {@link OrderedReduction}), never by task completion, so for a given partitioning (and given
 * blocks in each partition) a run is bit-for-bit reproducible. The folds and merges are the
 * functions of {@link PartitionedEvaluator}, so a single-process run over the same partitions
 * reproduces it bit for bit; against {@link LocalEvaluator} (one fold over all rows) the results
 * agree to rounding, and with one partition they are equal bit for bit to its two-pass run
 * ({@link LocalEvaluator#withTwoPasses()}; by default it fuses the passes, see FusedStats).
 *
 * <p><b>Ridge rows.</b> As in {@link LocalEvaluator}, the Jacobian pass's √λ rows
 * ({@link JacobianStats#addRidge}) come first: partition 0's fold starts with them
 * ({@link PartitionedEvaluator#ridgeOf}), so the ridge enters exactly once.
 *
 * <p><b>Jobs.</b> Every pass is one Spark job ({@link OrderedReduction#foldPartitions}: a plain
 * {@code runJob} over the cached blocks; a few jobs with the executor-side merge tree when there
 * are more than {@link #DEFAULT_DRIVER_MERGE_LIMIT} partitions; the Jacobian pass's TSQR factors
 * of 1,024 columns or more always go through it, pairwise down to one factor:
 * {@link PartitionedEvaluator#driverLimitFor})
 * with a description
 * "iteration k: Jacobian pass" or "iteration k: projection pass (trial t)", k counting the
 * Jacobian passes so far. The parameters (θ, C, …: kilobytes) travel in the job's closure, inside
 * the task binary Spark broadcasts for every job anyway; the feature map is broadcast once per
 * evaluator.
 *
 * <p><b>One small partition in local mode.</b> With a local master, one partition and at most
 * {@link #DRIVER_PASS_ROW_LIMIT} rows (what {@code job.partitions = auto} gives a problem of that
 * size), the blocks are collected once and every pass runs its fold in the driver thread:
 * the same fold function, on the same blocks, in the same JVM as the one task of the Spark job
 * would, so the result is the Spark job's bit for bit ({@code SparkEvaluatorHeatTest}), without
 * the job's scheduling (several thread hand-offs, which cost more than the pass itself on a
 * loaded machine). A cluster, several partitions or more rows always run Spark jobs;
 * {@link #driverPasses(boolean)} turns the shortcut off. Not thread-safe: one solver drives one
 * evaluator.
 */
public final class SparkEvaluator implements Evaluator, AutoCloseable {
  /** Partition summaries merged on the driver directly, up to this many. */
  public static final int DEFAULT_DRIVER_MERGE_LIMIT = PartitionedEvaluator.DEFAULT_DRIVER_MERGE_LIMIT;
  /** Partition summaries per group in the executor-side merge tree. */
  public static final int DEFAULT_FANOUT = PartitionedEvaluator.DEFAULT_FANOUT;
  /** Rows up to which one partition in local mode is folded in the driver thread. */
  public static final long DRIVER_PASS_ROW_LIMIT = AutoPartitions.ROWS_PER_PARTITION;

  private final JavaSparkContext sc;
  private final JavaRDD<RowBlock> blocks;
  private final FeatureMap map;
  private final Broadcast<FeatureMap> mapBroadcast;
  private final int outputs;
  private final long rows;
  private final int partitions;
  private final boolean ownsCache;
  private int driverMergeLimit = DEFAULT_DRIVER_MERGE_LIMIT;
  private int fanout = DEFAULT_FANOUT;
  private int iteration;
  private int trial;
  private long passes;
  private boolean closed;
  /** Round r → the (uncached) blocks of round r, or null when the rows are fixed. */
  private IntFunction<JavaRDD<RowBlock>> rounds;
  /** The evaluator over the next round's rows, once {@link #redraw} made it; closed with this. */
  private SparkEvaluator successor;
  /** Whether one small local partition may be folded in the driver thread. */
  private boolean driverPasses = true;
  /** That partition's blocks, collected on the first pass that folds them on the driver. */
  private List<RowBlock> driverBlocks;

  private SparkEvaluator(JavaRDD<RowBlock> blocks, FeatureMap map, int outputs, long rows, boolean ownsCache) {
    this.sc = JavaSparkContext.fromSparkContext(blocks.context());
    this.blocks = blocks;
    this.map = map;
    this.mapBroadcast = sc.broadcast(map);
    this.outputs = outputs;
    this.rows = rows;
    this.partitions = blocks.getNumPartitions();
    this.ownsCache = ownsCache;
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
    boolean persist = blocks.getStorageLevel().equals(StorageLevel.NONE());
    if (persist) {
      blocks.persist(StorageLevel.MEMORY_AND_DISK());
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(blocks.context());
    sc.setJobDescription("loading row blocks (" + map.describe() + ")");
    List<Shape> shapes;
    try {
      shapes = blocks.mapPartitionsWithIndex(shapeOf(map), true).collect();
    } catch (Exception e) {
      if (persist) {
        blocks.unpersist(false);
      }
      throw DataError.unwrap(e);
    } finally {
      sc.setJobDescription(null);
    }
    long rows = 0;
    int outputs = -1;
    int outputsPartition = -1;
    for (Shape s : shapes) {
      if (s.problem != null) {
        if (persist) {
          blocks.unpersist(false);
        }
        throw new IllegalArgumentException("partition " + s.partition + ": " + s.problem);
      }
      if (s.rows == 0) {
        continue;
      }
      if (outputs >= 0 && s.outputs != outputs) {
        if (persist) {
          blocks.unpersist(false);
        }
        throw new IllegalArgumentException("partition " + s.partition + " has rows with " + s.outputs
            + " outputs, partition " + outputsPartition + " with " + outputs);
      }
      outputs = s.outputs;
      outputsPartition = s.partition;
      rows += s.rows;
    }
    if (rows == 0) {
      if (persist) {
        blocks.unpersist(false);
      }
      throw new IllegalArgumentException("no rows to fit");
    }
    return new SparkEvaluator(blocks, map, outputs, rows, persist);
  }

  /**
   * Merge tree settings: with more than {@code driverLimit} partitions, runs of {@code fanout}
   * partition summaries are merged on executors (in index order) first.
   */
  public SparkEvaluator mergeTree(int driverLimit, int fanout) {
    if (driverLimit < 1 || fanout < 2) {
      throw new IllegalArgumentException("driver limit must be >= 1 and fanout >= 2");
    }
    this.driverMergeLimit = driverLimit;
    this.fanout = fanout;
    return this;
  }

  /**
   * Whether a pass over one partition of at most {@link #DRIVER_PASS_ROW_LIMIT} rows with a local
   * master folds the blocks in the driver thread (default true; bit for bit the Spark job's
   * result). False: every pass is a Spark job.
   */
  public SparkEvaluator driverPasses(boolean enabled) {
    this.driverPasses = enabled;
    if (!enabled) {
      driverBlocks = null;
    }
    return this;
  }

  /** Whether the passes run in the driver thread (see {@link #driverPasses(boolean)}). */
  public boolean foldsOnDriver() {
    return driverPasses && partitions == 1 && rows <= DRIVER_PASS_ROW_LIMIT && sc.isLocal();
  }

  /**
   * Lets {@link #redraw} build the rows of round r from {@code rounds.apply(r)} (PDE points drawn
   * in the partitions from a seed derived from the round).
   */
  public SparkEvaluator redrawable(IntFunction<JavaRDD<RowBlock>> rounds) {
    this.rounds = rounds;
    return this;
  }

  @Override
  public boolean canRedraw() {
    return rounds != null;
  }

  /**
   * Caches round {@code round}'s rows in a new evaluator with the same merge settings and pass
   * counters, and releases this one's rows. Closing the first evaluator closes its successors.
   */
  @Override
  public SparkEvaluator redraw(int round) {
    if (rounds == null) {
      return (SparkEvaluator) Evaluator.super.redraw(round);
    }
    SparkEvaluator next = create(rounds.apply(round), map);
    next.rounds = rounds;
    next.driverMergeLimit = driverMergeLimit;
    next.fanout = fanout;
    next.driverPasses = driverPasses;
    next.iteration = iteration;
    next.passes = passes;
    if (ownsCache) {
      blocks.unpersist(false);
    }
    successor = next;
    return next;
  }

  @Override
  public FeatureMap featureMap() {
    return map;
  }

  @Override
  public int outputs() {
    return outputs;
  }

  @Override
  public long rows() {
    return rows;
  }

  public int partitions() {
    return partitions;
  }

  /** The cached blocks. */
  public JavaRDD<RowBlock> blocks() {
    return blocks;
  }

  /** Jacobian passes so far (the iteration number in the job descriptions). */
  public int iteration() {
    return iteration;
  }

  /** Passes (projection and Jacobian) run so far. */
  public long passes() {
    return passes;
  }

  /** All blocks on the driver, partition by partition (for tests and small data). */
  public RowBlock[] collectBlocks() {
    return blocks.collect().toArray(new RowBlock[0]);
  }

  @Override
  public ProjectionStats project(double[] theta, StatsKind kind) {
    checkOpen();
    checkLength(theta, map.numParams(), "θ");
    String what = iteration == 0 && trial == 0 ? "projection pass"
        : "projection pass (trial " + (trial + 1) + ")";
    if (iteration > 0) {
      trial++;
    }
    int n = map.numFeatures();
    int k = outputs;
    double[] th = theta.clone();
    Broadcast<FeatureMap> m = mapBroadcast;
    List<ProjectionStats> ordered = pass(what,
        (index, it) -> PartitionedEvaluator.foldProjection(m.value(), th, n, k, kind, it),
        ProjectionStats::merge);
    return PartitionedEvaluator.mergeInOrder(ordered, ProjectionStats::merge);
  }

  @Override
  public JacobianStats jacobian(double[] theta, double[] c, double lambda, double[] thetaPrevious,
      StatsKind kind, boolean golubPereyra) {
    checkOpen();
    int n = map.numFeatures();
    int p = map.numParams();
    int k = outputs;
    checkLength(theta, p, "θ");
    checkLength(c, n * k, "C");
    if (thetaPrevious != null) {
      checkLength(thetaPrevious, p, "previous θ");
    }
    iteration++;
    trial = 0;
    boolean subspaces = thetaPrevious != null;
    double[] th = theta.clone();
    double[] cc = c.clone();
    double[] previous = thetaPrevious == null ? null : thetaPrevious.clone();
    Broadcast<FeatureMap> m = mapBroadcast;
    // Exactly as LocalEvaluator: the ridge rows first (partition 0), then the rows in order.
    List<JacobianStats> ordered = pass("Jacobian pass",
        (index, it) -> PartitionedEvaluator.foldJacobian(m.value(), th, cc, previous, n, p, k, kind,
            golubPereyra, subspaces, PartitionedEvaluator.ridgeOf(index, lambda), it),
        JacobianStats::merge, PartitionedEvaluator.driverLimitFor(kind, n + p + 1, driverMergeLimit),
        PartitionedEvaluator.fanoutFor(kind, n + p + 1, fanout));
    return PartitionedEvaluator.mergeInOrder(ordered, JacobianStats::merge);
  }

  @Override
  public ReducedProductStats tangentProduct(double[] theta, double[] c, double[] v) {
    checkLength(v, map.numParams(), "v");
    return reducedProduct("tangent product pass", theta, c, v, null, 0,
        ReducedProductStats.tangent(map.numFeatures(), map.numParams(), outputs));
  }

  @Override
  public ReducedProductStats transposeProduct(double[] theta, double[] c, double[] v, double[] z,
      double beta) {
    if (v != null) {
      checkLength(v, map.numParams(), "v");
    }
    checkLength(z, map.numFeatures() * outputs, "z");
    return reducedProduct("transpose product pass", theta, c, v, z, beta,
        ReducedProductStats.transpose(map.numFeatures(), map.numParams(), outputs));
  }

  /** One matrix-free pass: {@code z == null} is the tangent pass, otherwise the transpose pass. */
  private ReducedProductStats reducedProduct(String what, double[] theta, double[] c, double[] v,
      double[] z, double beta, ReducedProductStats empty) {
    checkOpen();
    checkLength(theta, map.numParams(), "θ");
    checkLength(c, map.numFeatures() * outputs, "C");
    double[] th = theta.clone();
    double[] cc = c.clone();
    double[] vv = v == null ? null : v.clone();
    double[] zz = z == null ? null : z.clone();
    Broadcast<FeatureMap> m = mapBroadcast;
    List<ReducedProductStats> ordered = pass(what, (index, it) -> {
      FeatureMap fm = m.value();
      ReducedProductStats s = empty.emptyLike();
      while (it.hasNext()) {
        RowBlock b = it.next();
        if (zz == null) {
          s.addTangent(fm, th, cc, vv, b);
        } else {
          s.addTranspose(fm, th, cc, vv, zz, beta, b);
        }
      }
      return s;
    }, ReducedProductStats::merge);
    return PartitionedEvaluator.mergeInOrder(ordered, ReducedProductStats::merge);
  }

  /**
   * One pass: the partitions folded by {@code fold} (a closure over copies of the parameters,
   * never over this evaluator or the context), the partials after the executor-side tree levels
   * in partition order.
   */
  private <T> List<T> pass(String what, OrderedReduction.PartitionFold<RowBlock, T> fold,
      Function2<T, T, T> merge) {
    return pass(what, fold, merge, driverMergeLimit, fanout);
  }

  /** {@link #pass(String, OrderedReduction.PartitionFold, Function2)} with its own merge tree. */
  private <T> List<T> pass(String what, OrderedReduction.PartitionFold<RowBlock, T> fold,
      Function2<T, T, T> merge, int treeLimit, int treeFanout) {
    describe(what);
    try {
      if (foldsOnDriver()) {
        if (driverBlocks == null) {
          driverBlocks = blocks.collect();
        }
        return List.of(fold.fold(0, driverBlocks.iterator()));
      }
      return OrderedReduction.foldPartitions(blocks, fold, treeLimit, treeFanout, merge);
    } catch (Exception e) {
      throw DataError.unwrap(e);
    } finally {
      passes++;
      sc.setJobDescription(null);
    }
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
    if (successor != null) {
      successor.close();
    }
  }

  private void describe(String what) {
    sc.setJobDescription(String.format(Locale.ROOT, "iteration %d: %s", iteration, what));
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the evaluator is closed");
    }
  }

  private static void checkLength(double[] a, int expected, String name) {
    if (a == null || a.length != expected) {
      throw new IllegalArgumentException(name + " has length " + (a == null ? "null" : a.length)
          + ", expected " + expected);
    }
  }

  /** What one partition holds, or what is wrong with it. */
  static final class Shape implements Serializable {
    private static final long serialVersionUID = 1L;
    final int partition;
    final long rows;
    final int outputs;
    final String problem;

    Shape(int partition, long rows, int outputs, String problem) {
      this.partition = partition;
      this.rows = rows;
      this.outputs = outputs;
      this.problem = problem;
    }
  }

  private static org.apache.spark.api.java.function.Function2<Integer, Iterator<RowBlock>, Iterator<Shape>> shapeOf(FeatureMap map) {
    return (index, it) -> {
      long r = 0;
      int outputs = -1;
      String problem = null;
      while (it.hasNext() && problem == null) {
        RowBlock b = it.next();
        if (b.inputDim != map.inputDim()) {
          problem = "row block has " + b.inputDim + " inputs; " + map.describe() + " expects " + map.inputDim();
        } else if (outputs >= 0 && b.outputs != outputs) {
          problem = "row blocks have " + outputs + " and " + b.outputs + " outputs";
        } else if (!map.supports(b.channels)) {
          problem = map.describe() + " does not support channels " + b.channels;
        }
        outputs = b.outputs;
        r += b.rows;
      }
      return Collections.singletonList(new Shape(index, r, outputs, problem)).iterator();
    };
  }
}
