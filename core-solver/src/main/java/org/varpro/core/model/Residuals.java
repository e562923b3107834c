package org.varpro.core.model;

import org.varpro.core.linalg.Lapack;

/**
 * The residual R = A(θ)C − Y of the separable model on one block of rows and its weighted
 * least-squares loss ½ Σ_i w_i ‖r_i‖² (DESIGN §2.1), for callers that hold (θ, C) and only need
 * the loss: a held-out score, the full-problem baselines.
 */
public final class Residuals {
  private Residuals() {}

  /** R = A(θ)·C − Y, rows×k column-major. */
  public static double[] of(FeatureMap map, double[] theta, double[] c, RowBlock b) {
    int r = b.rows;
    int n = map.numFeatures();
    double[] a = new double[r * n];
    map.features(theta, b, a, 0);
    double[] res = b.y.clone();
    Lapack.gemm(false, false, r, b.outputs, n, 1.0, a, 0, r, c, 0, n, -1.0, res, 0, r);
    return res;
  }

  /**
   * ½ Σ w_i r_ij² over the block; with {@code weighted = true} the residuals are replaced by
   * W·R in place (what a gradient needs next).
   */
  public static double halfWeightedSquares(RowBlock b, double[] res, boolean weighted) {
    int r = b.rows;
    double loss = 0;
    for (int j = 0; j < b.outputs; j++) {
      for (int i = 0; i < r; i++) {
        double v = res[i + j * r];
        double wv = b.weight[i] * v;
        loss += 0.5 * wv * v;
        if (weighted) {
          res[i + j * r] = wv;
        }
      }
    }
    return loss;
  }

  /** The loss ½ Σ w_i ‖a_i C − y_i‖² over the blocks (no ridge). */
  public static double loss(FeatureMap map, double[] theta, double[] c, RowBlock... blocks) {
    double loss = 0;
    for (RowBlock b : blocks) {
      loss += halfWeightedSquares(b, of(map, theta, c, b), false);
    }
    return loss;
  }
}
