package org.varpro.core.classify;

import java.io.Serializable;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;

/**
 * The inner-problem sums (DESIGN §2.6) at fixed features A(θ) and output weights C (n×K):
 * <pre>
 *   loss = Σ_i w_i CE(softmax(a_i C), y_i)
 *   G    = Σ_i w_i a_iᵀ (p_i − y_i)                                  (n×K, the gradient in C)
 *   H    = Σ_i w_i (diag p_i − p_i p_iᵀ) ⊗ a_i a_iᵀ                  ((nK)×(nK))
 * </pre>
 * vec(C) stacks the columns of C, so entry (l + k·n, l' + k'·n) of H is the coefficient of
 * C[l,k]·C[l',k']. An associative reduction: start with {@link #SoftmaxStats(int, int, Level)},
 * fold blocks with {@link #add}, combine partial sums with {@link #merge} in any tree. The ridge
 * ½λ‖C‖²_F is not part of the sums: {@link #objective}, {@link #gradient} and {@link #hessian}
 * add it on the driver.
 *
 * <p>Per block the Hessian costs one dgemm Aᵀ·(diag(d_kl)·A) per class pair k ≤ l with
 * d_kl,i = w_i(δ_kl p_ik − p_ik p_il); only the blocks k ≤ l are summed and the rest mirrored.
 */
public final class SoftmaxStats implements Serializable {
  private static final long serialVersionUID = 1L;

  /** What a pass sums: the loss only, the loss and gradient, or all three. */
  public enum Level { LOSS, GRADIENT, HESSIAN }

  public final int features;
  public final int classes;
  public final Level level;
  private long count;
  private double weightSum;
  private double loss;
  private double correctWeight;
  private final double[] grad;
  private final double[] hess;

  public SoftmaxStats(int features, int classes, Level level) {
    if (classes < 2) {
      throw new IllegalArgumentException("classification needs at least 2 classes, got " + classes);
    }
    this.features = features;
    this.classes = classes;
    this.level = level;
    this.grad = level == Level.LOSS ? null : new double[features * classes];
    int nk = features * classes;
    this.hess = level == Level.HESSIAN ? new double[nk * nk] : null;
  }

  /** Folds one block at parameters θ (computes the features). */
  public SoftmaxStats add(FeatureMap map, double[] theta, double[] c, RowBlock block) {
    double[] a = new double[block.rows * features];
    map.features(theta, block, a, 0);
    return add(a, 0, block, c);
  }

  /** Folds one block with precomputed features A (rows×n at a[offA..], ld = rows). */
  public SoftmaxStats add(double[] a, int offA, RowBlock block, double[] c) {
    int r = block.rows;
    if (r == 0) {
      return this;
    }
    int n = features;
    int kc = classes;
    double[] p = new double[r * kc];
    Lapack.gemm(false, false, r, kc, n, 1.0, a, offA, r, c, 0, n, 0.0, p, 0, r);
    double[] t = ClassLabels.targets(block, kc);
    double[] ce = Softmax.probabilities(p, r, kc, t);
    double[] w = block.weight;
    for (int i = 0; i < r; i++) {
      loss += w[i] * ce[i];
      weightSum += w[i];
      if (Softmax.argmax(p, r, kc, i) == ClassLabels.label(block, i, kc)) {
        correctWeight += w[i];
      }
    }
    count += r;
    if (grad != null) {
      double[] e = new double[r * kc];
      for (int k = 0; k < kc; k++) {
        for (int i = 0; i < r; i++) {
          e[i + k * r] = w[i] * (p[i + k * r] - t[i + k * r]);
        }
      }
      Lapack.gemm(true, false, n, kc, r, 1.0, a, offA, r, e, 0, r, 1.0, grad, 0, n);
    }
    if (hess != null) {
      int nk = n * kc;
      double[] scaled = new double[r * n];
      for (int k = 0; k < kc; k++) {
        for (int l = k; l < kc; l++) {
          for (int j = 0; j < n; j++) {
            int col = offA + j * r;
            for (int i = 0; i < r; i++) {
              double pk = p[i + k * r];
              double d = w[i] * ((k == l ? pk : 0.0) - pk * p[i + l * r]);
              scaled[i + j * r] = d * a[col + i];
            }
          }
          Lapack.gemm(true, false, n, n, r, 1.0, a, offA, r, scaled, 0, r, 1.0, hess,
              k * n + l * n * nk, nk);
        }
      }
    }
    return this;
  }

  /** Adds another summary of the same shape and level; returns this. */
  public SoftmaxStats merge(SoftmaxStats other) {
    if (other.features != features || other.classes != classes || other.level != level) {
      throw new IllegalArgumentException("cannot merge softmax sums of different shapes or levels");
    }
    count += other.count;
    weightSum += other.weightSum;
    loss += other.loss;
    correctWeight += other.correctWeight;
    if (grad != null) {
      for (int q = 0; q < grad.length; q++) {
        grad[q] += other.grad[q];
      }
    }
    if (hess != null) {
      for (int q = 0; q < hess.length; q++) {
        hess[q] += other.hess[q];
      }
    }
    return this;
  }

  public long count() {
    return count;
  }

  public double weightSum() {
    return weightSum;
  }

  /** Σ w_i CE_i (no ridge). */
  public double loss() {
    return loss;
  }

  /** Weighted fraction of rows whose largest probability is on the true class. */
  public double accuracy() {
    return weightSum > 0 ? correctWeight / weightSum : Double.NaN;
  }

  /** The inner objective Σ w_i CE_i + ½λ‖C‖²_F. */
  public double objective(double lambda, double[] c) {
    return loss + 0.5 * lambda * dot(c, c);
  }

  /** Its gradient G + λC (n×K column-major). */
  public double[] gradient(double lambda, double[] c) {
    if (grad == null) {
      throw new IllegalStateException("a " + level + " pass has no gradient");
    }
    double[] g = grad.clone();
    for (int q = 0; q < g.length; q++) {
      g[q] += lambda * c[q];
    }
    return g;
  }

  /** Its Hessian H + λI ((nK)×(nK), full, symmetric). */
  public double[] hessian(double lambda) {
    if (hess == null) {
      throw new IllegalStateException("a " + level + " pass has no Hessian");
    }
    int n = features;
    int nk = n * classes;
    double[] h = hess.clone();
    // Mirror the class blocks k < l into l > k; diagonal blocks are symmetric already.
    for (int k = 0; k < classes; k++) {
      for (int l = k + 1; l < classes; l++) {
        for (int j = 0; j < n; j++) {
          for (int i = 0; i < n; i++) {
            h[(l * n + j) + (k * n + i) * nk] = h[(k * n + i) + (l * n + j) * nk];
          }
        }
      }
    }
    // Symmetrize the diagonal blocks exactly (the dgemm sums are symmetric only to rounding).
    for (int k = 0; k < classes; k++) {
      for (int j = 0; j < n; j++) {
        for (int i = j + 1; i < n; i++) {
          int ij = (k * n + i) + (k * n + j) * nk;
          int ji = (k * n + j) + (k * n + i) * nk;
          double s = 0.5 * (h[ij] + h[ji]);
          h[ij] = s;
          h[ji] = s;
        }
      }
    }
    for (int q = 0; q < nk; q++) {
      h[q + q * nk] += lambda;
    }
    return h;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int q = 0; q < a.length; q++) {
      s += a[q] * b[q];
    }
    return s;
  }
}
