package org.varpro.core.stats;

import java.io.Serializable;
import java.util.Arrays;
import org.varpro.core.model.TangentFeatureMap;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;

/**
 * The two passes of the matrix-free least-squares step (DESIGN §2.3), C eliminated. With
 * D_j = c_jᵀ ∂A/∂θ (rows×p) for output j, the Kaufman matrix is H_K = D̃ᵀP⊥D̃ where P⊥ is the
 * regularized projection off span [W½A; √λI], so
 * <pre>
 *   H_K v = Σ_j D_jᵀ W (D_j v − A z_j),   z_j = G_λ⁻¹ s_j,   s_j = Σ_i w_i a_i (D_j v)_i,
 *   g     = Σ_j D_jᵀ W (A c_j − y_j).
 * </pre>
 * The tangent pass sums s (n×k); the transpose pass sums Σ_j D_jᵀW(D_j v − A z_j − β y_j)
 * (length p), which is H_K v for β = 0 and g for v = 0, z = −C, β = 1: one formula for both.
 * Each is an associative reduction (zero, add a block, merge by addition).
 */
public final class ReducedProductStats implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int features;
  public final int params;
  public final int outputs;
  private final double[] sum;

  private ReducedProductStats(int features, int params, int outputs, int length) {
    this.features = features;
    this.params = params;
    this.outputs = outputs;
    this.sum = new double[length];
  }

  /** An empty sum of s = AᵀW D v (n×k column-major). */
  public static ReducedProductStats tangent(int features, int params, int outputs) {
    return new ReducedProductStats(features, params, outputs, features * outputs);
  }

  /** An empty sum of Σ_j D_jᵀW(D_j v − A z_j − β y_j) (length p). */
  public static ReducedProductStats transpose(int features, int params, int outputs) {
    return new ReducedProductStats(features, params, outputs, params);
  }

  /** s_j += Σ_i w_i a_i (D_j v)_i over the block. */
  public ReducedProductStats addTangent(FeatureMap map, double[] theta, double[] c, double[] v,
      RowBlock block) {
    int r = block.rows;
    int n = features;
    if (r == 0) {
      return this;
    }
    double[] a = new double[r * n];
    double[] dv = directional(map, theta, c, v, block, a);
    for (int i = 0; i < r; i++) {
      double w = block.weight[i];
      for (int j = 0; j < outputs; j++) {
        dv[i + j * r] *= w;
      }
    }
    Lapack.gemm(true, false, n, outputs, r, 1.0, a, 0, r, dv, 0, r, 1.0, sum, 0, n);
    return this;
  }

  /**
   * sum += Σ_j D_jᵀ W (D_j v − A z_j − β y_j) over the block; {@code v == null} drops the D_j v
   * term (the gradient needs no forward product).
   *
   * @param z n×k column-major
   */
  public ReducedProductStats addTranspose(FeatureMap map, double[] theta, double[] c, double[] v,
      double[] z, double beta, RowBlock block) {
    int r = block.rows;
    int n = features;
    int k = outputs;
    if (r == 0) {
      return this;
    }
    double[] a = new double[r * n];
    double[] u;
    if (v == null) {
      map.features(theta, block, a, 0);
      u = new double[r * k];
    } else {
      u = directional(map, theta, c, v, block, a);
    }
    // u = D v − A z − β y, then weighted: the per-row, per-output cotangent of Σ_j D_jᵀ W u_j.
    Lapack.gemm(false, false, r, k, n, -1.0, a, 0, r, z, 0, n, 1.0, u, 0, r);
    for (int j = 0; j < k; j++) {
      for (int i = 0; i < r; i++) {
        u[i + j * r] = block.weight[i] * (u[i + j * r] - beta * block.y[i + j * r]);
      }
    }
    // Σ_j Σ_i u_ij d_ij = the summed Jacobian product with the cotangent U Cᵀ (rows×n).
    double[] cot = new double[r * n];
    Lapack.gemm(false, true, r, n, k, 1.0, u, 0, r, c, 0, n, 0.0, cot, 0, r);
    double[] g = map.sumJacobianProduct(theta, block, cot);
    for (int q = 0; q < params; q++) {
      sum[q] += g[q];
    }
    return this;
  }

  /**
   * D_j v for every row and output (rows×k), A written to {@code a}: the forward-mode product
   * Ȧ C when the map has one, otherwise the row-wise products D_j (rows×p) times v, which is
   * exact too but costs p per row and output.
   */
  private double[] directional(FeatureMap map, double[] theta, double[] c, double[] v, RowBlock block,
      double[] a) {
    int r = block.rows;
    int n = features;
    int k = outputs;
    double[] dv = new double[r * k];
    if (map instanceof TangentFeatureMap tm && tm.supports(block.channels)) {
      double[] adot = new double[r * n];
      tm.jacobianVectorProduct(theta, block, v, a, 0, adot, 0);
      Lapack.gemm(false, false, r, k, n, 1.0, adot, 0, r, c, 0, n, 0.0, dv, 0, r);
      return dv;
    }
    double[][] cot = new double[k][];
    double[][] d = new double[k][r * params];
    for (int j = 0; j < k; j++) {
      double[] u = new double[r * n];
      for (int l = 0; l < n; l++) {
        Arrays.fill(u, l * r, (l + 1) * r, c[l + j * n]);
      }
      cot[j] = u;
    }
    map.rowJacobianProducts(theta, block, cot, a, 0, d, new int[k]);
    for (int j = 0; j < k; j++) {
      Lapack.gemm(false, false, r, 1, params, 1.0, d[j], 0, r, v, 0, params, 0.0, dv, j * r, r);
    }
    return dv;
  }

  public ReducedProductStats merge(ReducedProductStats other) {
    if (other.sum.length != sum.length) {
      throw new IllegalArgumentException("cannot merge a tangent and a transpose sum");
    }
    for (int q = 0; q < sum.length; q++) {
      sum[q] += other.sum[q];
    }
    return this;
  }

  /** An empty sum of the same kind. */
  public ReducedProductStats emptyLike() {
    return new ReducedProductStats(features, params, outputs, sum.length);
  }

  public double[] vector() {
    return sum.clone();
  }
}
