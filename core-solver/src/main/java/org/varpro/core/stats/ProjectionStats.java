package org.varpro.core.stats;

import java.io.Serializable;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;

/**
 * Pass 1 (DESIGN §2.2): the summary of M = [W½A | W½Y], from which the inner solve gives
 * C(θ) and the exact reduced loss. An associative reduction over row blocks.
 */
public final class ProjectionStats implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int features;
  public final int outputs;
  public final AugmentedStats stats;

  public ProjectionStats(int features, int outputs, StatsKind kind) {
    // Raw rows are only useful for the Jacobian pass; the projection keeps a factor instead.
    this(features, outputs, (kind == StatsKind.ROWS ? StatsKind.QR : kind).empty(features + outputs));
  }

  private ProjectionStats(int features, int outputs, AugmentedStats stats) {
    this.features = features;
    this.outputs = outputs;
    this.stats = stats;
  }

  /** The summary of [W½A | W½Y] given as a summary of n + k columns (e.g. a factor). */
  public static ProjectionStats ofFactor(int features, int outputs, AugmentedStats stats) {
    if (stats.cols() != features + outputs) {
      throw new IllegalArgumentException("a projection summary has " + (features + outputs) + " columns, got "
          + stats.cols());
    }
    return new ProjectionStats(features, outputs, stats);
  }

  /** Folds one block at parameters θ. */
  public ProjectionStats add(FeatureMap map, double[] theta, RowBlock block) {
    int r = block.rows;
    int n = features;
    double[] m = new double[r * (n + outputs)];
    map.features(theta, block, m, 0);
    System.arraycopy(block.y, 0, m, n * r, r * outputs);
    scaleRows(m, r, n + outputs, block.weight);
    stats.addRows(m, r);
    return this;
  }

  public ProjectionStats merge(ProjectionStats other) {
    stats.merge(other.stats);
    return this;
  }

  /** Multiplies row i of a column-major (rows × cols) matrix by √w_i. */
  static void scaleRows(double[] m, int rows, int cols, double[] weight) {
    double[] s = new double[rows];
    boolean unit = true;
    for (int i = 0; i < rows; i++) {
      s[i] = Math.sqrt(weight[i]);
      unit &= s[i] == 1.0;
    }
    if (unit) {
      return;
    }
    // Column by column, in memory order: a row-by-row loop strides through the column-major
    // matrix, and on conf/heat-deep.conf's 9,875 columns it took more of the Jacobian pass's
    // Java time (JFR samples) than the Jacobian products themselves.
    for (int j = 0; j < cols; j++) {
      int col = j * rows;
      for (int i = 0; i < rows; i++) {
        m[col + i] *= s[i];
      }
    }
  }

  /**
   * diag(G) = ‖column j of W½A‖² for the n feature columns, from either summary: the Gram
   * diagonal, or the column norms of R11 (RᵀR = G).
   */
  public double[] featureColumnSquares() {
    int n = features;
    double[] squares = new double[n];
    if (stats.kind() == StatsKind.GRAM) {
      double[] g = stats.gram();
      for (int j = 0; j < n; j++) {
        squares[j] = g[j + j * (n + outputs)];
      }
      return squares;
    }
    Triangular t = stats.triangular();
    int h = Math.min(n, t.rows());
    double[] r11 = t.block(0, h, 0, n);
    for (int j = 0; j < n; j++) {
      double sum = 0;
      for (int i = 0; i < h; i++) {
        sum += r11[i + j * h] * r11[i + j * h];
      }
      squares[j] = sum;
    }
    return squares;
  }
}
