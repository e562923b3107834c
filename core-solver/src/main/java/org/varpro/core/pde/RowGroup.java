package org.varpro.core.pde;

/** The kinds of PDE residual rows, each with its own weight. */
public enum RowGroup {
  /** The operator at interior points: Σ a_ij ∂_ij u + Σ b_i ∂_i u + c u − f. */
  INTERIOR,
  /** Dirichlet (u − g) or Neumann (∂_n u − h) rows on the spatial faces. */
  BOUNDARY,
  /** Initial value (u − u0) and, for second order in time, initial velocity (∂_t u − v0) rows. */
  INITIAL;

  /** Lower-case name for metrics and logs. */
  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
