package org.varpro.core.stats;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pass.FoldThreads;
import org.varpro.core.pass.MergeOrder;

/**
 * Pass 1 carrying the ingredients of pass 2 (DESIGN §2.2–§2.3), for feature maps whose every
 * parameter θ_q moves one feature f(q) only ({@link FeatureMap#parameterFeatures()}: one hidden
 * layer). Then the Kaufman matrix of output j is D_j = Σ_l c_lj ∂a_l/∂θ = B·S_j with
 * B = Σ_l ∂a_l/∂θ (independent of C) and S_j = diag(c_{f(q) j}), so one TSQR factor R of
 * M = [W½A | W½B | W½Y] gives both:
 * <ul>
 *   <li>the projection factor of [W½A | W½Y]: R's A columns and the first n rows of its Y
 *       columns, and below them the triangle of the rest of the Y columns (a k×k QR; for one
 *       output the norm ‖P⊥y‖);
 *   <li>once C is known, the Jacobian factor of [W½A | W½B·S_j | W½y_j]: R's first n + p rows
 *       with the B columns scaled by S_j (right-scaling a triangle keeps it triangular: the R of
 *       M·S is R·S) and a last row holding the norm of the rest of column y_j.
 * </ul>
 * Both equal the factors of the two separate passes to rounding (RᵀR = MᵀM). The accepted trial
 * point's pass 1 thus already holds its pass 2: one pass per iteration instead of two.
 */
public final class FusedStats implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int features;
  public final int params;
  public final int outputs;
  private final int[] parameterFeatures;
  private final QrStats stats;

  public FusedStats(FeatureMap map, int outputs) {
    int[] pf = map.parameterFeatures();
    if (pf == null) {
      throw new IllegalArgumentException(map.describe() + ": a parameter moves several features, "
          + "so the Kaufman matrix is not a scaling of one matrix");
    }
    this.features = map.numFeatures();
    this.params = map.numParams();
    this.outputs = outputs;
    this.parameterFeatures = pf.clone();
    this.stats = new QrStats(features + params + outputs);
  }

  /**
   * Folds one block at parameters θ. A block of many rows for its columns is cut into
   * {@link QrStats#chunks} chunks whose factors are computed independently (on the granted
   * {@link FoldThreads}, else one after another) and merged pairwise in order, then merged into
   * the running factor; the cut depends on the rows only, so the bits do not depend on threads.
   */
  public FusedStats add(FeatureMap map, double[] theta, RowBlock block) {
    int cols = features + params + outputs;
    int chunks = QrStats.chunks(block.rows, cols);
    if (chunks == 1) {
      stats.addRows(weightedRows(map, theta, block), block.rows);
      return this;
    }
    List<Callable<QrStats>> work = new ArrayList<>(chunks);
    for (RowBlock part : block.split((block.rows + chunks - 1) / chunks)) {
      work.add(() -> QrStats.factorOf(weightedRows(map, theta, part), part.rows, cols));
    }
    stats.merge(MergeOrder.PAIRWISE_TO_ONE.reduce(FoldThreads.inOrder(work), (a, b) -> (QrStats) a.merge(b)));
    return this;
  }

  /** [W½A | W½B | W½Y] of one block: A and B from one forward and one backward pass. */
  private double[] weightedRows(FeatureMap map, double[] theta, RowBlock block) {
    int r = block.rows;
    int n = features;
    int p = params;
    int cols = n + p + outputs;
    double[] m = new double[r * cols];
    double[] ones = new double[r * n];
    Arrays.fill(ones, 1.0);
    // B = Σ_l ∂a_l/∂θ: the row-wise Jacobian product with the cotangent 1 on every feature.
    map.rowJacobianProducts(theta, block, new double[][] {ones}, m, 0, new double[][] {m}, new int[] {n * r});
    System.arraycopy(block.y, 0, m, (n + p) * r, r * outputs);
    ProjectionStats.scaleRows(m, r, cols, block.weight);
    return m;
  }

  public FusedStats merge(FusedStats other) {
    stats.merge(other.stats);
    return this;
  }

  /** The rows folded in. */
  public long count() {
    return stats.count();
  }

  /** Pass 1: the factor of [W½A | W½Y]. */
  public ProjectionStats projection() {
    Triangular t = stats.triangular();
    int n = features;
    int k = outputs;
    int yAt = n + params;
    int top = Math.min(t.rows(), n);
    // Rows below n: only the Y columns are nonzero there; their own triangle finishes the factor.
    int below = t.rows() - top;
    double[] rest = new double[below * k];
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < below; i++) {
        rest[i + j * below] = t.get(top + i, yAt + j);
      }
    }
    double[] restR = Lapack.qrFactor(rest, below, k);
    int restRows = Math.min(below, k);
    int rows = top + restRows;
    int cols = n + k;
    double[] r = new double[rows * cols];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < top; i++) {
        r[i + j * rows] = t.get(i, j);
      }
    }
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < top; i++) {
        r[i + (n + j) * rows] = t.get(i, yAt + j);
      }
      for (int i = 0; i < restRows; i++) {
        r[top + i + (n + j) * rows] = restR[i + j * restRows];
      }
    }
    return ProjectionStats.ofFactor(n, k, QrStats.ofFactor(new Triangular(rows, cols, r), count()));
  }

  /**
   * Pass 2 at the same θ for the inner solution C (n×k column-major), with the ridge rows of λ:
   * per output the factor of [W½A | W½B·S_j | W½y_j].
   */
  public JacobianStats jacobian(double[] c, double lambda) {
    Triangular t = stats.triangular();
    int n = features;
    int p = params;
    int np = n + p;
    int top = Math.min(t.rows(), np);
    boolean tail = t.rows() > np;
    int rows = top + (tail ? 1 : 0);
    int cols = np + 1;
    AugmentedStats[] perOutput = new AugmentedStats[outputs];
    for (int j = 0; j < outputs; j++) {
      double[] r = new double[rows * cols];
      for (int q = 0; q < np; q++) {
        double scale = q < n ? 1 : c[parameterFeatures[q - n] + j * n];
        for (int i = 0; i < Math.min(top, q + 1); i++) {
          r[i + q * rows] = scale * t.get(i, q);
        }
      }
      for (int i = 0; i < top; i++) {
        r[i + np * rows] = t.get(i, np + j);
      }
      if (tail) {
        // ‖rest of column y_j‖: what the QR of that column below the first n + p rows leaves.
        double s = 0;
        for (int i = np; i < t.rows(); i++) {
          double v = t.get(i, np + j);
          s += v * v;
        }
        r[top + np * rows] = Math.sqrt(s);
      }
      perOutput[j] = QrStats.ofFactor(new Triangular(rows, cols, r), count());
    }
    return JacobianStats.ofFactors(n, p, perOutput).addRidge(lambda);
  }
}
