package org.varpro.core.classify;

import java.io.Serializable;
import java.util.Arrays;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.model.TangentFeatureMap;

/**
 * A sum over rows of a parameter-space vector (length p): the reduced gradient g or a
 * Gauss-Newton product H v at (θ, C), for the matrix-free path. An associative reduction
 * (zero, add a block, merge by addition), so one product is one pass over the rows.
 */
public final class ParamVectorStats implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int params;
  private final double[] sum;
  private long count;

  public ParamVectorStats(int params) {
    this.params = params;
    this.sum = new double[params];
  }

  /** g += Σ_i w_i J_iᵀ (p_i − y_i): one summed Jacobian product with cotangent E Cᵀ. */
  public ParamVectorStats addGradient(FeatureMap map, double[] theta, double[] c, int classes,
      RowBlock block) {
    int r = block.rows;
    int n = map.numFeatures();
    if (r == 0) {
      return this;
    }
    double[] a = new double[r * n];
    map.features(theta, block, a, 0);
    double[] prob = logits(a, r, n, c, classes);
    Softmax.probabilities(prob, r, classes, null);
    double[] t = ClassLabels.targets(block, classes);
    double[] e = new double[r * classes];
    for (int k = 0; k < classes; k++) {
      for (int i = 0; i < r; i++) {
        e[i + k * r] = block.weight[i] * (prob[i + k * r] - t[i + k * r]);
      }
    }
    accumulateTranspose(map, theta, c, classes, block, e);
    count += r;
    return this;
  }

  /**
   * Hv += Σ_i w_i J_iᵀ (diag p_i − p_i p_iᵀ) J_i v. J v comes from the exact forward-mode
   * product of a {@link TangentFeatureMap}; other maps fall back to the K row-wise products
   * D_k (rows×p), which is exact too but costs p per row and class.
   */
  public ParamVectorStats addProduct(FeatureMap map, double[] theta, double[] c, int classes,
      double[] v, RowBlock block) {
    int r = block.rows;
    int n = map.numFeatures();
    if (r == 0) {
      return this;
    }
    double[] a = new double[r * n];
    double[] zdot = new double[r * classes];
    if (map instanceof TangentFeatureMap tm) {
      double[] adot = new double[r * n];
      tm.jacobianVectorProduct(theta, block, v, a, 0, adot, 0);
      Lapack.gemm(false, false, r, classes, n, 1.0, adot, 0, r, c, 0, n, 0.0, zdot, 0, r);
    } else {
      int p = map.numParams();
      double[][] cot = new double[classes][];
      double[][] d = new double[classes][r * p];
      for (int k = 0; k < classes; k++) {
        double[] u = new double[r * n];
        for (int l = 0; l < n; l++) {
          Arrays.fill(u, l * r, (l + 1) * r, c[l + k * n]);
        }
        cot[k] = u;
      }
      map.rowJacobianProducts(theta, block, cot, a, 0, d, new int[classes]);
      for (int k = 0; k < classes; k++) {
        Lapack.gemm(false, false, r, 1, p, 1.0, d[k], 0, r, v, 0, p, 0.0, zdot, k * r, r);
      }
    }
    double[] prob = logits(a, r, n, c, classes);
    Softmax.probabilities(prob, r, classes, null);
    double[] u = new double[r * classes];
    for (int i = 0; i < r; i++) {
      double mean = 0;
      for (int k = 0; k < classes; k++) {
        mean += prob[i + k * r] * zdot[i + k * r];
      }
      for (int k = 0; k < classes; k++) {
        u[i + k * r] = block.weight[i] * prob[i + k * r] * (zdot[i + k * r] - mean);
      }
    }
    accumulateTranspose(map, theta, c, classes, block, u);
    count += r;
    return this;
  }

  /** sum += Σ_i Σ_k u_ik ∂(a_i c_k)/∂θ = sumJacobianProduct with the cotangent U Cᵀ (rows×n). */
  private void accumulateTranspose(FeatureMap map, double[] theta, double[] c, int classes,
      RowBlock block, double[] u) {
    int r = block.rows;
    int n = map.numFeatures();
    double[] cot = new double[r * n];
    Lapack.gemm(false, true, r, n, classes, 1.0, u, 0, r, c, 0, n, 0.0, cot, 0, r);
    double[] g = map.sumJacobianProduct(theta, block, cot);
    for (int q = 0; q < params; q++) {
      sum[q] += g[q];
    }
  }

  private static double[] logits(double[] a, int r, int n, double[] c, int classes) {
    double[] z = new double[r * classes];
    Lapack.gemm(false, false, r, classes, n, 1.0, a, 0, r, c, 0, n, 0.0, z, 0, r);
    return z;
  }

  public ParamVectorStats merge(ParamVectorStats other) {
    for (int q = 0; q < params; q++) {
      sum[q] += other.sum[q];
    }
    count += other.count;
    return this;
  }

  public double[] vector() {
    return sum.clone();
  }

  public long count() {
    return count;
  }
}
