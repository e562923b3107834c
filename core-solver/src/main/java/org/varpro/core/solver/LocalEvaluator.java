package org.varpro.core.solver;

import java.util.Arrays;
import java.util.function.IntFunction;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.stats.FusedStats;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.ReducedProductStats;
import org.varpro.core.stats.StatsKind;

/**
 * Single-process passes: the blocks folded one after another, in a fixed order.
 *
 * <p>For a map whose parameters each move one feature (one hidden layer), when the solver plans
 * Kaufman QR Jacobians at its accepted trial points ({@link #planJacobianAtAcceptedTrials}),
 * every QR projection pass also carries the Jacobian's ingredients ({@link FusedStats}) and the
 * Jacobian request at the same θ is answered from it: one pass per iteration instead of two.
 */
public final class LocalEvaluator implements Evaluator {
  private final FeatureMap map;
  private final RowBlock[] blocks;
  private final int outputs;
  private final long rows;
  /** Every parameter moves one feature ({@link FeatureMap#parameterFeatures()}). */
  private final boolean separable;
  /** Projections fold the Jacobian ingredients too (the solver's plan, on a separable map). */
  private boolean fuse;
  /** Cleared by {@link #withTwoPasses()}. */
  private boolean fusionAllowed = true;
  /** The last fused pass and its θ. */
  private FusedStats fused;
  private double[] fusedTheta;
  /** Round r → the rows of round r, or null when the rows are fixed. */
  private IntFunction<RowBlock[]> rounds;

  public LocalEvaluator(FeatureMap map, RowBlock... blocks) {
    if (blocks.length == 0) {
      throw new IllegalArgumentException("no rows to fit");
    }
    this.map = map;
    this.blocks = blocks;
    this.outputs = blocks[0].outputs;
    long r = 0;
    for (RowBlock b : blocks) {
      if (b.outputs != outputs || b.inputDim != map.inputDim()) {
        throw new IllegalArgumentException("row block has " + b.inputDim + " inputs and " + b.outputs
            + " outputs; the feature map expects " + map.inputDim() + " inputs and all blocks "
            + outputs + " outputs");
      }
      if (!map.supports(b.channels)) {
        throw new IllegalArgumentException(map.describe() + " does not support channels " + b.channels);
      }
      r += b.rows;
    }
    this.rows = r;
    this.separable = map.parameterFeatures() != null;
  }

  /**
   * An evaluator over round 0 of rows that can be redrawn: {@code rounds.apply(r)} gives the
   * blocks of round r (a pure function of r, so runs stay reproducible).
   */
  public static LocalEvaluator redrawable(FeatureMap map, IntFunction<RowBlock[]> rounds) {
    LocalEvaluator e = new LocalEvaluator(map, rounds.apply(0));
    e.rounds = rounds;
    return e;
  }

  @Override
  public void planJacobianAtAcceptedTrials(boolean plan) {
    fuse = plan && separable && fusionAllowed;
    fused = null;
  }

  /**
   * This evaluator, always making the two separate passes (what the Spark evaluator does): with
   * one partition, a Spark run then equals this run bit for bit. Fused passes agree to rounding.
   */
  public LocalEvaluator withTwoPasses() {
    fusionAllowed = false;
    fuse = false;
    fused = null;
    return this;
  }

  @Override
  public boolean canRedraw() {
    return rounds != null;
  }

  @Override
  public LocalEvaluator redraw(int round) {
    if (rounds == null) {
      return (LocalEvaluator) Evaluator.super.redraw(round);
    }
    LocalEvaluator e = new LocalEvaluator(map, rounds.apply(round));
    e.rounds = rounds;
    e.fuse = fuse;
    e.fusionAllowed = fusionAllowed;
    return e;
  }

  /** Splits one block of rows into blocks of at most {@code blockRows}. */
  public static LocalEvaluator ofRows(FeatureMap map, RowBlock rows, int blockRows) {
    return new LocalEvaluator(map, rows.split(blockRows));
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

  public RowBlock[] blocks() {
    return blocks.clone();
  }

  @Override
  public ProjectionStats project(double[] theta, StatsKind kind) {
    if (fuse && kind == StatsKind.QR) {
      FusedStats f = new FusedStats(map, outputs);
      for (RowBlock b : blocks) {
        f.add(map, theta, b);
      }
      fused = f;
      fusedTheta = theta.clone();
      return f.projection();
    }
    ProjectionStats s = new ProjectionStats(map.numFeatures(), outputs, kind);
    for (RowBlock b : blocks) {
      s.add(map, theta, b);
    }
    return s;
  }

  @Override
  public JacobianStats jacobian(double[] theta, double[] c, double lambda, double[] thetaPrevious,
      StatsKind kind, boolean golubPereyra) {
    if (fused != null && kind == StatsKind.QR && !golubPereyra && thetaPrevious == null
        && Arrays.equals(theta, fusedTheta)) {
      JacobianStats s = fused.jacobian(c, lambda);
      fused = null;
      return s;
    }
    JacobianStats s = new JacobianStats(map.numFeatures(), map.numParams(), outputs, kind,
        golubPereyra, thetaPrevious != null).addRidge(lambda);
    for (RowBlock b : blocks) {
      s.add(map, theta, c, thetaPrevious, b);
    }
    return s;
  }

  @Override
  public ReducedProductStats tangentProduct(double[] theta, double[] c, double[] v) {
    ReducedProductStats s = ReducedProductStats.tangent(map.numFeatures(), map.numParams(), outputs);
    for (RowBlock b : blocks) {
      s.addTangent(map, theta, c, v, b);
    }
    return s;
  }

  @Override
  public ReducedProductStats transposeProduct(double[] theta, double[] c, double[] v, double[] z,
      double beta) {
    ReducedProductStats s = ReducedProductStats.transpose(map.numFeatures(), map.numParams(), outputs);
    for (RowBlock b : blocks) {
      s.addTranspose(map, theta, c, v, z, beta, b);
    }
    return s;
  }
}
