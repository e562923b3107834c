package org.varpro.core.classify;

/** Row-wise softmax and cross-entropy on column-major (rows×K) logits, overflow-free. */
public final class Softmax {
  private Softmax() {}

  /**
   * Overwrites logits z (rows×K) with the probabilities softmax(z_i) and returns, per row,
   * the cross-entropy −Σ_k t_ik log p_ik = logsumexp(z_i) − Σ_k t_ik z_ik for target
   * distributions t (rows×K; rows summing to 1). {@code t} may be null (then ce is null).
   */
  public static double[] probabilities(double[] z, int rows, int classes, double[] t) {
    double[] ce = t == null ? null : new double[rows];
    for (int i = 0; i < rows; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < classes; k++) {
        max = Math.max(max, z[i + k * rows]);
      }
      double sum = 0;
      double dot = 0;
      for (int k = 0; k < classes; k++) {
        double s = z[i + k * rows] - max;
        if (t != null) {
          dot += t[i + k * rows] * s;
        }
        double e = Math.exp(s);
        z[i + k * rows] = e;
        sum += e;
      }
      for (int k = 0; k < classes; k++) {
        z[i + k * rows] /= sum;
      }
      if (ce != null) {
        ce[i] = Math.log(sum) - dot;
      }
    }
    return ce;
  }

  /** Index of the largest entry of row i. */
  public static int argmax(double[] p, int rows, int classes, int i) {
    int best = 0;
    for (int k = 1; k < classes; k++) {
      if (p[i + k * rows] > p[i + best * rows]) {
        best = k;
      }
    }
    return best;
  }
}
