package org.varpro.core.model;

import java.io.Serializable;

/**
 * Features a_i(θ) of a separable model and their exact derivatives in the parameters θ.
 *
 * <p>All matrices are column-major with leading dimension {@code block.rows}. A feature row is
 * the combination of the derivative channels the block asks for: a_i = Σ_c coef[i,c] ∂^c φ(x_i).
 */
public interface FeatureMap extends Serializable {
  int inputDim();

  /** n: columns of A, including a constant column when the map has one. */
  int numFeatures();

  /** p: the nonlinear parameters θ. */
  int numParams();

  /** Initial parameters, reproducible for a given seed. */
  double[] initialParams(long seed);

  /** Whether rows may combine these derivative channels. */
  boolean supports(Channels channels);

  /** A (rows×n) written at {@code a[offA..]}. */
  void features(double[] theta, RowBlock block, double[] a, int offA);

  /**
   * Row-wise products with the parameter Jacobian, one per cotangent: for each t,
   * out[t][offOut[t] + i + q·rows] = Σ_l u_t[i + l·rows] ∂a_il/∂θ_q. The features are written
   * to {@code a} at {@code offA} when {@code a != null}. One forward pass serves all cotangents.
   * Every one of those entries is written (zeros included), so callers may pass arrays that still
   * hold an earlier block's numbers.
   */
  void rowJacobianProducts(double[] theta, RowBlock block, double[][] cotangents, double[] a,
      int offA, double[][] out, int[] offOut);

  /** Σ_i Σ_l u[i,l] ∂a_il/∂θ (length p): the gradient of a scalar that is linear in A. */
  default double[] sumJacobianProduct(double[] theta, RowBlock block, double[] cotangent) {
    int p = numParams();
    double[] rowsOut = new double[block.rows * p];
    rowJacobianProducts(theta, block, new double[][] {cotangent}, null, 0,
        new double[][] {rowsOut}, new int[] {0});
    double[] g = new double[p];
    for (int q = 0; q < p; q++) {
      double s = 0;
      for (int i = 0; i < block.rows; i++) {
        s += rowsOut[i + q * block.rows];
      }
      g[q] = s;
    }
    return g;
  }

  /**
   * For each parameter θ_q the one feature it moves (∂a_l/∂θ_q = 0 for every other l), or null
   * when some parameter moves several features. With such a map the Kaufman matrix
   * D = Σ_l c_l ∂a_l/∂θ is B·diag(c_{f(q)}) with B = Σ_l ∂a_l/∂θ independent of C, which lets one
   * pass serve both projection and Jacobian statistics (org.varpro.core.stats.FusedStats).
   */
  default int[] parameterFeatures() {
    return null;
  }

  /**
   * The model's outputs u(x_i) = a_i(θ)·C for the block's rows (the separable model of DESIGN
   * §2), rows×k column-major, k = c.length / n with C n×k column-major.
   */
  default double[] outputs(double[] theta, double[] c, RowBlock block) {
    int n = numFeatures();
    int k = c.length / n;
    int r = block.rows;
    double[] a = new double[r * n];
    features(theta, block, a, 0);
    double[] out = new double[r * k];
    org.varpro.core.linalg.Lapack.gemm(false, false, r, k, n, 1.0, a, 0, r, c, 0, n, 0.0, out, 0, r);
    return out;
  }

  /** One line for logs and run summaries. */
  String describe();
}
