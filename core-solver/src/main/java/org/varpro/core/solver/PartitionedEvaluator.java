package org.varpro.core.solver;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BinaryOperator;
import java.util.function.IntFunction;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.ReducedProductStats;
import org.varpro.core.stats.StatsKind;

/**
 * Single-process passes with the arithmetic of the distributed ones: the rows come as P
 * "partitions" of blocks; a pass folds each partition's blocks in order into its own summary
 * ({@link #foldProjection}, {@link #foldJacobian}), reduces the partition summaries with the
 * merge tree of {@link #mergeTree} and merges what is left, in partition order, into the first
 * ({@link #mergeInOrder}). The Spark evaluator runs exactly these functions (the folds on the
 * executors, the tree levels on executors, the last merge on the driver), so for the same
 * partitions a single-process run reproduces a Spark run bit for bit. With one partition the
 * pass is {@link LocalEvaluator}'s (one fold over all blocks, the ridge rows first) bit for bit;
 * with several it agrees with it to rounding. This is what a sweep task runs.
 *
 * <p><b>Ridge rows.</b> The √λ rows of the Jacobian pass enter exactly once, at the start of
 * partition 0's fold (as {@link LocalEvaluator} starts with them), so the driver's last merge
 * needs no fresh summary: with one partition it is no merge at all, which saves a TSQR merge of
 * two (n+p+1)-column factors per iteration.
 */
public final class PartitionedEvaluator implements Evaluator {
  /** Partition summaries merged by the last level directly, up to this many. */
  public static final int DEFAULT_DRIVER_MERGE_LIMIT = 64;
  /** Partition summaries per group in the levels before the last. */
  public static final int DEFAULT_FANOUT = 8;
  /**
   * The Jacobian pass's TSQR factors of at least {@link #QR_TREE_MIN_COLUMNS} columns merge
   * pairwise down to one ({@link #driverLimitFor}, {@link #fanoutFor}): a merge of two N-column
   * triangles is ⅔N³ flops, so on Spark they run on the executors, the pairs of a level in
   * parallel (depth ⌈log₂ P⌉), and the driver receives one factor instead of merging P of them in
   * a row.
   */
  public static final int QR_DRIVER_MERGE_LIMIT = 1;
  /** See {@link #QR_DRIVER_MERGE_LIMIT}. */
  public static final int QR_FANOUT = 2;
  /**
   * Narrower factors keep the default tree: their merge (⅔N³ &lt; 0.7 GFLOP, milliseconds) costs
   * less than the shuffle stage of a tree level (tens of milliseconds to seconds on a loaded
   * machine), e.g. heat's N = 258.
   */
  public static final int QR_TREE_MIN_COLUMNS = 1024;

  private final FeatureMap map;
  private final RowBlock[][] partitions;
  private final int outputs;
  private final long rows;
  private final int driverMergeLimit;
  private final int fanout;
  /** Round r → the partitions of round r, or null when the rows are fixed. */
  private IntFunction<RowBlock[][]> rounds;

  /** Partitions with the default merge tree. */
  public PartitionedEvaluator(FeatureMap map, RowBlock[][] partitions) {
    this(map, partitions, DEFAULT_DRIVER_MERGE_LIMIT, DEFAULT_FANOUT);
  }

  /**
   * @param partitions the blocks of partition j in {@code partitions[j]}, in fold order (a
   *     partition may be empty)
   */
  public PartitionedEvaluator(FeatureMap map, RowBlock[][] partitions, int driverMergeLimit, int fanout) {
    checkTree(driverMergeLimit, fanout);
    List<RowBlock> all = new ArrayList<>();
    for (RowBlock[] p : partitions) {
      all.addAll(List.of(p));
    }
    // The same shape checks as the single-process evaluator, over every block.
    LocalEvaluator check = new LocalEvaluator(map, all.toArray(new RowBlock[0]));
    this.map = map;
    this.partitions = partitions.clone();
    this.outputs = check.outputs();
    this.rows = check.rows();
    this.driverMergeLimit = driverMergeLimit;
    this.fanout = fanout;
  }

  /**
   * Partitions that can be redrawn ({@link Evaluator#redraw}): {@code rounds.apply(r)} gives the
   * partitions of round r, round 0 first.
   */
  public static PartitionedEvaluator redrawable(FeatureMap map, IntFunction<RowBlock[][]> rounds) {
    PartitionedEvaluator e = new PartitionedEvaluator(map, rounds.apply(0));
    e.rounds = rounds;
    return e;
  }

  @Override
  public boolean canRedraw() {
    return rounds != null;
  }

  @Override
  public PartitionedEvaluator redraw(int round) {
    if (rounds == null) {
      return (PartitionedEvaluator) Evaluator.super.redraw(round);
    }
    PartitionedEvaluator e = new PartitionedEvaluator(map, rounds.apply(round), driverMergeLimit, fanout);
    e.rounds = rounds;
    return e;
  }

  static void checkTree(int driverLimit, int fanout) {
    if (driverLimit < 1 || fanout < 2) {
      throw new IllegalArgumentException("driver limit must be >= 1 and fanout >= 2, got "
          + driverLimit + " and " + fanout);
    }
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
    return partitions.length;
  }

  @Override
  public ProjectionStats project(double[] theta, StatsKind kind) {
    int n = map.numFeatures();
    List<ProjectionStats> partials = new ArrayList<>(partitions.length);
    for (RowBlock[] p : partitions) {
      partials.add(foldProjection(map, theta, n, outputs, kind, List.of(p).iterator()));
    }
    return mergeInOrder(mergeTree(partials, driverMergeLimit, fanout, ProjectionStats::merge), ProjectionStats::merge);
  }

  @Override
  public ReducedProductStats tangentProduct(double[] theta, double[] c, double[] v) {
    return reducedProduct(ReducedProductStats.tangent(map.numFeatures(), map.numParams(), outputs),
        (s, b) -> s.addTangent(map, theta, c, v, b));
  }

  @Override
  public ReducedProductStats transposeProduct(double[] theta, double[] c, double[] v, double[] z, double beta) {
    return reducedProduct(ReducedProductStats.transpose(map.numFeatures(), map.numParams(), outputs),
        (s, b) -> s.addTranspose(map, theta, c, v, z, beta, b));
  }

  /** As the Spark evaluator: each partition folded, the merge tree, then merged in order into the first. */
  private ReducedProductStats reducedProduct(ReducedProductStats empty,
      java.util.function.BiConsumer<ReducedProductStats, RowBlock> add) {
    List<ReducedProductStats> partials = new ArrayList<>(partitions.length);
    for (RowBlock[] part : partitions) {
      ReducedProductStats s = empty.emptyLike();
      for (RowBlock b : part) {
        add.accept(s, b);
      }
      partials.add(s);
    }
    return mergeInOrder(mergeTree(partials, driverMergeLimit, fanout, ReducedProductStats::merge),
        ReducedProductStats::merge);
  }

  @Override
  public JacobianStats jacobian(double[] theta, double[] c, double lambda, double[] thetaPrevious,
      StatsKind kind, boolean golubPereyra) {
    int n = map.numFeatures();
    int p = map.numParams();
    boolean subspaces = thetaPrevious != null;
    List<JacobianStats> partials = new ArrayList<>(partitions.length);
    for (int j = 0; j < partitions.length; j++) {
      partials.add(foldJacobian(map, theta, c, thetaPrevious, n, p, outputs, kind, golubPereyra, subspaces,
          ridgeOf(j, lambda), List.of(partitions[j]).iterator()));
    }
    int cols = n + p + 1;
    return mergeInOrder(mergeTree(partials, driverLimitFor(kind, cols, driverMergeLimit),
        fanoutFor(kind, cols, fanout), JacobianStats::merge), JacobianStats::merge);
  }

  /** Whether the Jacobian pass's summaries of {@code columns} columns merge pairwise down to one. */
  static boolean pairwiseToOne(StatsKind kind, int columns) {
    return kind == StatsKind.QR && columns >= QR_TREE_MIN_COLUMNS;
  }

  /**
   * The last level's size of the Jacobian pass's merge tree: 1 for TSQR factors of at least
   * {@link #QR_TREE_MIN_COLUMNS} columns, else {@code driverLimit}.
   */
  public static int driverLimitFor(StatsKind kind, int columns, int driverLimit) {
    return pairwiseToOne(kind, columns) ? QR_DRIVER_MERGE_LIMIT : driverLimit;
  }

  /** The group size of the Jacobian pass's merge tree: 2 for wide TSQR factors, else {@code fanout}. */
  public static int fanoutFor(StatsKind kind, int columns, int fanout) {
    return pairwiseToOne(kind, columns) ? QR_FANOUT : fanout;
  }

  /** Levels of the merge tree before the last merge for {@code partials} partials (0: none). */
  public static int treeLevels(int partials, int driverLimit, int fanout) {
    int levels = 0;
    for (int size = partials; size > driverLimit; size = (size + fanout - 1) / fanout) {
      levels++;
    }
    return levels;
  }

  /** Pass 1 over one partition: its blocks folded in order into a fresh summary. */
  public static ProjectionStats foldProjection(FeatureMap map, double[] theta, int n, int k, StatsKind kind,
      Iterator<RowBlock> blocks) {
    ProjectionStats s = new ProjectionStats(n, k, kind);
    while (blocks.hasNext()) {
      s.add(map, theta, blocks.next());
    }
    return s;
  }

  /**
   * Pass 2 over one partition: a fresh summary, the ridge rows √λ·I when {@code ridge > 0}
   * ({@link #ridgeOf}: partition 0 only), then the blocks in order.
   */
  public static JacobianStats foldJacobian(FeatureMap map, double[] theta, double[] c, double[] thetaPrevious,
      int n, int p, int k, StatsKind kind, boolean golubPereyra, boolean subspaces, double ridge,
      Iterator<RowBlock> blocks) {
    JacobianStats s = new JacobianStats(n, p, k, kind, golubPereyra, subspaces).addRidge(ridge);
    while (blocks.hasNext()) {
      s.add(map, theta, c, thetaPrevious, blocks.next());
    }
    return s;
  }

  /** The λ of partition {@code partition}'s ridge rows: λ for partition 0, 0 (none) for the others. */
  public static double ridgeOf(int partition, double lambda) {
    return partition == 0 ? lambda : 0;
  }

  /** The last merge: the partials, in order, merged into the first. */
  public static <T> T mergeInOrder(List<T> ordered, BinaryOperator<T> merge) {
    if (ordered.isEmpty()) {
      throw new IllegalArgumentException("no partial summaries to merge");
    }
    T out = ordered.get(0);
    for (int i = 1; i < ordered.size(); i++) {
      out = merge.apply(out, ordered.get(i));
    }
    return out;
  }

  /**
   * The levels before the last merge: while there are more than {@code driverLimit} partials,
   * partial j joins group ⌊j/fanout⌋ and each group is merged left to right into its first
   * member. Spark's OrderedReduction runs the same grouping on executors.
   */
  public static <T> List<T> mergeTree(List<T> ordered, int driverLimit, int fanout, BinaryOperator<T> merge) {
    checkTree(driverLimit, fanout);
    List<T> level = ordered;
    while (level.size() > driverLimit) {
      List<T> next = new ArrayList<>((level.size() + fanout - 1) / fanout);
      for (int start = 0; start < level.size(); start += fanout) {
        T acc = level.get(start);
        for (int i = start + 1; i < Math.min(level.size(), start + fanout); i++) {
          acc = merge.apply(acc, level.get(i));
        }
        next.add(acc);
      }
      level = next;
    }
    return level;
  }
}
