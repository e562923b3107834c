package org.varpro.core.linalg;

/** Thin SVD A = U·diag(s)·Vᵀ of an m×n matrix, k = min(m,n); U is m×k, Vᵀ is k×n. */
public record Svd(int m, int n, double[] s, double[] u, double[] vt) {
  public int rank() {
    return s.length;
  }
}
