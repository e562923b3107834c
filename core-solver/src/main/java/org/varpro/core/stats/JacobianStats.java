package org.varpro.core.stats;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pass.FoldThreads;

/**
 * Pass 2 (DESIGN §2.3) at (θ, C(θ)): for each output j the summary of
 * M_j = [W½A | W½D_j | W½y_j] with D_j = c_jᵀ ∂A/∂θ; optionally the Golub-Pereyra sums
 * E_j = Σ_i w_i r_ij ∂a_i/∂θ (n×p), and the TSQR factor of [W½A(θ_prev) | W½A(θ)] whose
 * blocks give the principal angles between consecutive feature subspaces.
 */
public final class JacobianStats implements Serializable {
  private static final long serialVersionUID = 1L;
  /** See {@link #rowChunks}. */
  static final int MAX_ROW_CHUNKS = 4;
  static final int MIN_CHUNK_ROWS = 128;

  public final int features;
  public final int params;
  public final int outputs;
  public final AugmentedStats[] perOutput;
  /** E_j, n×p column-major, or null when the Kaufman matrix is used. */
  public final double[][] golubPereyraE;
  /** Factor of [W½A(θ_prev) | W½A(θ)], or null. */
  public final QrStats subspace;
  private double ridge;
  /** The fold's buffers, reused from block to block (see {@link #add}); never shipped. */
  private transient BlockBuffers buffers;

  public JacobianStats(int features, int params, int outputs, StatsKind kind, boolean golubPereyra,
      boolean subspaces) {
    this.features = features;
    this.params = params;
    this.outputs = outputs;
    this.perOutput = new AugmentedStats[outputs];
    for (int j = 0; j < outputs; j++) {
      perOutput[j] = kind.empty(features + params + 1);
    }
    this.golubPereyraE = golubPereyra ? new double[outputs][features * params] : null;
    this.subspace = subspaces ? new QrStats(2 * features) : null;
  }

  private JacobianStats(int features, int params, AugmentedStats[] perOutput) {
    this.features = features;
    this.params = params;
    this.outputs = perOutput.length;
    this.perOutput = perOutput;
    this.golubPereyraE = null;
    this.subspace = null;
  }

  /**
   * Kaufman statistics given as one summary of [W½A | W½D_j | W½y_j] per output (e.g. factors
   * from {@link FusedStats}); no Golub-Pereyra sums, no subspace factor, no ridge rows yet.
   */
  public static JacobianStats ofFactors(int features, int params, AugmentedStats[] perOutput) {
    for (AugmentedStats a : perOutput) {
      if (a.cols() != features + params + 1) {
        throw new IllegalArgumentException("a Jacobian summary has " + (features + params + 1) + " columns, got "
            + a.cols());
      }
    }
    return new JacobianStats(features, params, perOutput.clone());
  }

  /**
   * Folds one block.
   *
   * @param c the inner solution C(θ), n×k column-major
   * @param thetaPrevious the previous iterate for the subspace factor (used when enabled)
   */
  public JacobianStats add(FeatureMap map, double[] theta, double[] c, double[] thetaPrevious,
      RowBlock block) {
    int chunks = perOutput[0].kind() == StatsKind.ROWS ? rowChunks(block.rows) : 1;
    if (chunks > 1) {
      // The rows' statistics append the chunks' rows in order: the same matrix as one fold of
      // the block, its chunks computed on the granted threads.
      boolean golubPereyra = golubPereyraE != null;
      boolean subspaces = subspace != null;
      List<Callable<JacobianStats>> work = new ArrayList<>(chunks);
      for (RowBlock part : block.split((block.rows + chunks - 1) / chunks)) {
        work.add(() -> new JacobianStats(features, params, outputs, StatsKind.ROWS, golubPereyra, subspaces)
            .add(map, theta, c, thetaPrevious, part));
      }
      for (JacobianStats part : FoldThreads.inOrder(work)) {
        merge(part);
      }
      return this;
    }
    int r = block.rows;
    int n = features;
    int p = params;
    int cols = n + p + 1;
    if (buffers == null || buffers.capacity < r) {
      buffers = new BlockBuffers(n, outputs, cols, r, golubPereyraE != null || outputs > 1 || subspace != null);
    }
    double[][] blocks = buffers.blocks;
    // Every column of blocks[0] is written: A and D_0 by the map, y below.
    map.rowJacobianProducts(theta, block, buffers.cotangents(c, r), blocks[0], 0, blocks, buffers.offsets(r));
    double[] a = buffers.features;
    if (a != null) {
      System.arraycopy(blocks[0], 0, a, 0, n * r);
    }
    if (golubPereyraE != null) {
      addGolubPereyra(map, theta, c, block, a);
    }
    for (int j = 0; j < outputs; j++) {
      if (j > 0) {
        System.arraycopy(a, 0, blocks[j], 0, n * r);
      }
      System.arraycopy(block.y, j * r, blocks[j], (n + p) * r, r);
      ProjectionStats.scaleRows(blocks[j], r, cols, block.weight);
      // Lent for the call (AugmentedStats#addRows): the next block refills the same array.
      perOutput[j].addRows(blocks[j], r);
    }
    if (subspace != null && thetaPrevious != null) {
      double[] pair = new double[r * 2 * n];
      map.features(thetaPrevious, block, pair, 0);
      System.arraycopy(a, 0, pair, n * r, n * r);
      ProjectionStats.scaleRows(pair, r, 2 * n, block.weight);
      subspace.addRows(pair, r);
    }
    return this;
  }

  /**
   * Row chunks of a block whose rows are kept ({@link StatsKind#ROWS}, the dual step): the
   * largest power of two, at most {@link #MAX_ROW_CHUNKS}, that leaves every chunk at least
   * {@link #MIN_CHUNK_ROWS} rows. A kept row costs a backward pass over all p parameters (p is
   * large where the dual step is chosen), so a few hundred rows are worth a thread. The rule sees
   * the rows only, never the cores, so every machine computes the same bits.
   */
  static int rowChunks(int rows) {
    return FoldThreads.powerOfTwoChunks(rows, MIN_CHUNK_ROWS, MAX_ROW_CHUNKS);
  }

  /**
   * The arrays one block of the fold fills, sized for the partition's longest block and reused
   * for every block (the summaries borrow a block for the call only): [W½A | W½D_j | W½y_j] per
   * output (33 MB at N = 2042 and 2048 rows, which allocated per block made G1 start a
   * concurrent marking cycle every few blocks), the cotangents c_j repeated on every row (they
   * depend on C only, which is fixed for the pass) and a copy of A when another output, the
   * Golub-Pereyra sums or the subspace factor need it after blocks[0] is scaled. A shorter block
   * uses the first rows × cols entries, column-major with leading dimension rows.
   */
  private static final class BlockBuffers {
    final double[][] blocks;
    final double[] features;
    /** The most rows a block may have. */
    final int capacity;
    private final int n;
    private final double[][] cotangents;
    /** The C and the rows the cotangents were filled for (null: not yet). */
    private double[] cotangentsOf;
    private int cotangentRows;

    BlockBuffers(int n, int outputs, int cols, int capacity, boolean keepFeatures) {
      this.n = n;
      this.capacity = capacity;
      this.blocks = new double[outputs][capacity * cols];
      this.features = keepFeatures ? new double[capacity * n] : null;
      this.cotangents = new double[outputs][capacity * n];
    }

    /**
     * The cotangent of D_j = Σ_l c_lj ∂a_l/∂θ for every output: c_lj on every row of column l
     * (the map's row-wise Jacobian product then forms D_j); refilled when C or the rows change.
     */
    double[][] cotangents(double[] c, int rows) {
      if (rows != cotangentRows || !Arrays.equals(c, cotangentsOf)) {
        for (int j = 0; j < cotangents.length; j++) {
          for (int l = 0; l < n; l++) {
            Arrays.fill(cotangents[j], l * rows, (l + 1) * rows, c[l + j * n]);
          }
        }
        cotangentsOf = c.clone();
        cotangentRows = rows;
      }
      return cotangents;
    }

    /** Where D_j starts in blocks[j]: after A's n columns. */
    int[] offsets(int rows) {
      int[] offsets = new int[blocks.length];
      Arrays.fill(offsets, n * rows);
      return offsets;
    }
  }

  /** E_j[l,:] = Σ_i w_i r_ij ∂a_il/∂θ: one summed Jacobian product per feature l. */
  private void addGolubPereyra(FeatureMap map, double[] theta, double[] c, RowBlock block, double[] a) {
    int r = block.rows;
    int n = features;
    for (int j = 0; j < outputs; j++) {
      double[] wr = new double[r];
      for (int i = 0; i < r; i++) {
        double fit = 0;
        for (int l = 0; l < n; l++) {
          fit += a[i + l * r] * c[l + j * n];
        }
        wr[i] = block.weight[i] * (fit - block.target(i, j));
      }
      for (int l = 0; l < n; l++) {
        double[] u = new double[r * n];
        System.arraycopy(wr, 0, u, l * r, r);
        double[] row = map.sumJacobianProduct(theta, block, u);
        for (int q = 0; q < params; q++) {
          golubPereyraE[j][l + q * n] += row[q];
        }
      }
    }
  }

  /**
   * Appends the Tikhonov rows [√λ·I_n | 0 | 0] to every output's summary: λ enters as rows of
   * the augmented problem (DESIGN §2.3). Call exactly once per pass, on the summary the others
   * are merged into (the first partition's, before its rows); a summary merged in must not carry
   * them.
   */
  public JacobianStats addRidge(double lambda) {
    if (ridge != 0) {
      throw new IllegalStateException("ridge rows were already added");
    }
    if (lambda > 0) {
      int cols = features + params + 1;
      for (int j = 0; j < outputs; j++) {
        double[] rows = new double[features * cols];
        double s = Math.sqrt(lambda);
        for (int i = 0; i < features; i++) {
          rows[i + i * features] = s;
        }
        perOutput[j].addRows(rows, features);
      }
    }
    ridge = lambda;
    return this;
  }

  /** The λ whose rows this summary holds (0 when none). */
  public double ridge() {
    return ridge;
  }

  public JacobianStats merge(JacobianStats other) {
    if (other.ridge != 0) {
      throw new IllegalStateException("a summary with ridge rows cannot be merged into another");
    }
    for (int j = 0; j < outputs; j++) {
      perOutput[j].merge(other.perOutput[j]);
      if (golubPereyraE != null) {
        for (int i = 0; i < golubPereyraE[j].length; i++) {
          golubPereyraE[j][i] += other.golubPereyraE[j][i];
        }
      }
    }
    if (subspace != null) {
      subspace.merge(other.subspace);
    }
    return this;
  }
}
