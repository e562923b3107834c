package org.varpro.core.solver;

import java.util.function.IntFunction;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pass.BlockCheck;
import org.varpro.core.pass.FoldThreads;
import org.varpro.core.pass.PartitionedRunner;
import org.varpro.core.pass.PassRunner;

/**
 * Single-process passes: the blocks folded one after another, in a fixed order (a
 * {@link PassEvaluator} over one partition), a block's row chunks spread over the cores this
 * process may use ({@link FoldThreads#forThisMachine}; the same bits for any thread count).
 * With one partition a Spark run is this run bit for bit, fused passes included.
 */
public final class LocalEvaluator extends PassEvaluator {
  private final PartitionedRunner rows;

  public LocalEvaluator(FeatureMap map, RowBlock... blocks) {
    this(PartitionedRunner.single(map, blocks, BlockCheck.NONE).foldThreads(FoldThreads.forThisMachine()));
  }

  private LocalEvaluator(PartitionedRunner rows) {
    super(rows);
    this.rows = rows;
  }

  private LocalEvaluator(PartitionedRunner rows, LocalEvaluator from) {
    super(rows, from);
    this.rows = rows;
  }

  /**
   * An evaluator over round 0 of rows that can be redrawn: {@code rounds.apply(r)} gives the
   * blocks of round r (a pure function of r, so runs stay reproducible).
   */
  public static LocalEvaluator redrawable(FeatureMap map, IntFunction<RowBlock[]> rounds) {
    return new LocalEvaluator(PartitionedRunner.redrawable(map, r -> new RowBlock[][] {rounds.apply(r)},
        BlockCheck.NONE).foldThreads(FoldThreads.forThisMachine()));
  }

  /** Splits one block of rows into blocks of at most {@code blockRows}. */
  public static LocalEvaluator ofRows(FeatureMap map, RowBlock rows, int blockRows) {
    return new LocalEvaluator(map, rows.split(blockRows));
  }

  /** This evaluator, always making the two separate passes; fused passes agree to rounding. */
  public LocalEvaluator withTwoPasses() {
    twoPasses();
    return this;
  }

  @Override
  public LocalEvaluator redraw(int round) {
    return (LocalEvaluator) super.redraw(round);
  }

  @Override
  protected LocalEvaluator successor(PassRunner redrawn) {
    return new LocalEvaluator((PartitionedRunner) redrawn, this);
  }

  public RowBlock[] blocks() {
    return rows.blocks();
  }
}
