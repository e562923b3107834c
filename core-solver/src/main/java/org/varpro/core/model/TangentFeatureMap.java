package org.varpro.core.model;

/**
 * A feature map with an exact forward-mode Jacobian-vector product: the directional derivative
 * of the features A(θ) along a parameter direction v, Ȧ = Σ_q v_q ∂A/∂θ_q (rows×n), in one
 * forward pass with tangents. The matrix-free Gauss-Newton product H v needs J v = Ȧ C per row;
 * the transpose product Jᵀu is {@link FeatureMap#sumJacobianProduct}.
 */
public interface TangentFeatureMap extends FeatureMap {
  /**
   * Writes Ȧ = dA(θ + t v)/dt at t = 0 (rows×n, column-major, ld = rows) at
   * {@code out[offOut..]}, and A(θ) at {@code a[offA..]} when {@code a != null}.
   */
  void jacobianVectorProduct(double[] theta, RowBlock block, double[] v, double[] a, int offA,
      double[] out, int offOut);
}
