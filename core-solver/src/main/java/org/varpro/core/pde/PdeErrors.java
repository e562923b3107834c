package org.varpro.core.pde;

import java.util.LinkedHashMap;
import java.util.Map;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;

/**
 * Accuracy of a fitted model u(x) = a(x; θ)·C for a PDE: errors against the exact solution on
 * held-out points, and residual norms of the training rows.
 */
public final class PdeErrors {
  /** Rows per forward pass when predicting. */
  static final int BLOCK = 512;

  private PdeErrors() {}

  /**
   * Errors of the prediction against the exact solution on a point set.
   *
   * @param relativeL2 ‖u − u*‖₂ / ‖u*‖₂ over the points (∞ or NaN when u* vanishes there)
   * @param max max |u − u*|
   * @param rms root mean square of u − u*
   */
  public record SolutionErrors(double relativeL2, double max, double rms, int points) {}

  /**
   * Residual norms per group: RMS over the rows of a_i·C − y_i, unweighted (NaN for a group
   * without rows), plus the solution errors when an exact solution is known (else null).
   */
  public record Report(SolutionErrors solution, double interiorRms, double boundaryRms,
      double initialRms) {
    public double residualRms(RowGroup group) {
      return switch (group) {
        case INTERIOR -> interiorRms;
        case BOUNDARY -> boundaryRms;
        case INITIAL -> initialRms;
      };
    }

    /**
     * For logs and histories: relative_l2_error, max_error (with an exact solution) and
     * residual_rms_interior / _boundary / _initial (groups with rows).
     */
    public Map<String, Double> asMap() {
      Map<String, Double> m = new LinkedHashMap<>();
      if (solution != null) {
        m.put("relative_l2_error", solution.relativeL2());
        m.put("max_error", solution.max());
      }
      for (RowGroup g : RowGroup.values()) {
        double v = residualRms(g);
        if (!Double.isNaN(v)) {
          m.put("residual_rms_" + g.key(), v);
        }
      }
      return m;
    }
  }

  /**
   * Predictions at the points (value rows), rows×k column-major for C n×k with
   * k = c.length / n.
   */
  public static double[] predict(FeatureMap map, double[] theta, double[] c, PointSet points) {
    int n = map.numFeatures();
    int k = c.length / n;
    int m = points.count;
    double[] out = new double[m * k];
    for (int from = 0; from < m; from += BLOCK) {
      int to = Math.min(m, from + BLOCK);
      PointSet part = points.slice(from, to);
      int r = to - from;
      double[] u = map.outputs(theta, c, RowBlock.regression(r, points.dim, 1, part.x, new double[r]));
      for (int j = 0; j < k; j++) {
        System.arraycopy(u, j * r, out, from + j * m, r);
      }
    }
    return out;
  }

  /** Errors of the first output against the exact solution on the points. */
  public static SolutionErrors solutionErrors(FeatureMap map, double[] theta, double[] c,
      PointSet points, ScalarField exact) {
    double[] u = predict(map, theta, c, points);
    double num = 0;
    double den = 0;
    double max = 0;
    double[] p = new double[points.dim];
    for (int i = 0; i < points.count; i++) {
      points.point(i, p);
      double ref = exact.value(p);
      double e = u[i] - ref;
      num += e * e;
      den += ref * ref;
      max = Math.max(max, Math.abs(e));
      if (Double.isNaN(e)) {
        max = Double.NaN;
      }
    }
    int m = points.count;
    return new SolutionErrors(Math.sqrt(num / den), max, m == 0 ? Double.NaN : Math.sqrt(num / m), m);
  }

  /** Sum of squared residuals a_i·C − y_i over all outputs of the rows, and the row count. */
  static double[] residualSquares(FeatureMap map, double[] theta, double[] c, RowBlock... blocks) {
    double sum = 0;
    long count = 0;
    for (RowBlock b : blocks) {
      int r = b.rows;
      double[] u = map.outputs(theta, c, b);
      for (int j = 0; j < b.outputs; j++) {
        for (int i = 0; i < r; i++) {
          double s = u[i + j * r] - b.target(i, j);
          sum += s * s;
        }
      }
      count += (long) r * b.outputs;
    }
    return new double[] {sum, count};
  }

  /** RMS of a_i·C − y_i over the rows (unweighted); NaN without rows. */
  public static double residualRms(FeatureMap map, double[] theta, double[] c, RowBlock... blocks) {
    double[] s = residualSquares(map, theta, c, blocks);
    return s[1] == 0 ? Double.NaN : Math.sqrt(s[0] / s[1]);
  }
}
