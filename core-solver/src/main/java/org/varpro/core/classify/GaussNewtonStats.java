package org.varpro.core.classify;

import java.io.Serializable;
import java.util.Arrays;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.stats.AugmentedStats;
import org.varpro.core.stats.StatsKind;

/**
 * Dense outer pass of GNvpro at (θ, C) with C frozen at C(θ) (DESIGN §2.6):
 * <pre>
 *   g = Σ_i w_i J_iᵀ (p_i − y_i)            (p)     the exact reduced gradient (envelope theorem)
 *   H = Σ_i w_i J_iᵀ (diag p_i − p_i p_iᵀ) J_i  (p×p)  the Gauss-Newton matrix
 * </pre>
 * with J_i = ∂(a_i C)/∂θ (K×p), whose row k is D_k[i,:] = c_kᵀ ∂a_i/∂θ: one row-wise Jacobian
 * product per class, all from one forward pass.
 *
 * <p>H is summed as the Gram matrix of rows, not class pair by class pair: with s = √p_i,
 * diag p − ppᵀ = S(I − ssᵀ)S and I − ssᵀ is a projector (Σ p = 1), so
 * H = Σ_i Σ_k m_ikᵀ m_ik with m_ik = √(w_i p_ik)·(J_ik − Σ_l p_il J_il): K rows per sample (the
 * class-centred Jacobian), folded into an {@link AugmentedStats} of p columns — Gram sums (one
 * dsyrk per block, the fast mode) or TSQR factors (H = RᵀR without squaring). That costs
 * rows·K·p² flops instead of the rows·K²·p² of one dgemm per class pair.
 */
public final class GaussNewtonStats implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Target size of the per-block scratch (doubles): rows are folded in slices below it. */
  private static final long SLICE_DOUBLES = 1L << 21;

  public final int features;
  public final int params;
  public final int classes;
  public final AugmentedStats rows;
  private final double[] gradient;
  private long count;

  public GaussNewtonStats(int features, int params, int classes, StatsKind kind) {
    if (kind == StatsKind.ROWS) {
      throw new IllegalArgumentException("the Gauss-Newton pass sums GRAM or QR statistics");
    }
    this.features = features;
    this.params = params;
    this.classes = classes;
    this.rows = kind.empty(params);
    this.gradient = new double[params];
  }

  /** Folds one block (in slices that keep the K row-wise products small). */
  public GaussNewtonStats add(FeatureMap map, double[] theta, double[] c, RowBlock block) {
    int slice = (int) Math.max(1, Math.min(block.rows, SLICE_DOUBLES / ((long) classes * params)));
    if (slice >= block.rows) {
      addSlice(map, theta, c, block);
    } else {
      for (int from = 0; from < block.rows; from += slice) {
        addSlice(map, theta, c, block.slice(from, Math.min(block.rows, from + slice)));
      }
    }
    return this;
  }

  private void addSlice(FeatureMap map, double[] theta, double[] c, RowBlock block) {
    int r = block.rows;
    int n = features;
    int p = params;
    int kc = classes;
    if (r == 0) {
      return;
    }
    double[][] cot = new double[kc][];
    double[][] d = new double[kc][r * p];
    int[] off = new int[kc];
    for (int k = 0; k < kc; k++) {
      double[] u = new double[r * n];
      for (int l = 0; l < n; l++) {
        Arrays.fill(u, l * r, (l + 1) * r, c[l + k * n]);
      }
      cot[k] = u;
    }
    double[] a = new double[r * n];
    map.rowJacobianProducts(theta, block, cot, a, 0, d, off);
    double[] prob = new double[r * kc];
    Lapack.gemm(false, false, r, kc, n, 1.0, a, 0, r, c, 0, n, 0.0, prob, 0, r);
    double[] t = ClassLabels.targets(block, kc);
    Softmax.probabilities(prob, r, kc, null);
    double[] w = block.weight;
    // Gradient: Σ_k D_kᵀ e_k with e_ik = w_i (p_ik − y_ik).
    double[] e = new double[r];
    for (int k = 0; k < kc; k++) {
      for (int i = 0; i < r; i++) {
        e[i] = w[i] * (prob[i + k * r] - t[i + k * r]);
      }
      Lapack.gemm(true, false, p, 1, r, 1.0, d[k], 0, r, e, 0, r, 1.0, gradient, 0, p);
    }
    // Centred, scaled rows m_ik, row index k·r + i of a (K·r)×p matrix.
    int mr = kc * r;
    double[] m = new double[mr * p];
    double[] sq = new double[r * kc];
    for (int q = 0; q < r * kc; q++) {
      sq[q] = Math.sqrt(w[q % r] * prob[q]);
    }
    for (int q = 0; q < p; q++) {
      int col = q * r;
      for (int i = 0; i < r; i++) {
        double mean = 0;
        for (int k = 0; k < kc; k++) {
          mean += prob[i + k * r] * d[k][col + i];
        }
        for (int k = 0; k < kc; k++) {
          m[k * r + i + q * mr] = sq[i + k * r] * (d[k][col + i] - mean);
        }
      }
    }
    rows.addRows(m, mr);
    count += r;
  }

  public GaussNewtonStats merge(GaussNewtonStats other) {
    rows.merge(other.rows);
    for (int q = 0; q < params; q++) {
      gradient[q] += other.gradient[q];
    }
    count += other.count;
    return this;
  }

  /** Rows folded in. */
  public long count() {
    return count;
  }

  public double[] gradient() {
    return gradient.clone();
  }

  /** The Gauss-Newton matrix H (p×p). */
  public double[] hessian() {
    return rows.gram();
  }
}
