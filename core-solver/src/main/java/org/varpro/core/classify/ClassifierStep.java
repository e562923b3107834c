package org.varpro.core.classify;

import java.util.Locale;

/** How the outer Gauss-Newton step of {@link ClassifierSolver} is solved. */
public enum ClassifierStep {
  /** DENSE up to {@link ClassifierOptions#matrixFreeThreshold} parameters, MATRIX_FREE above. */
  AUTO,
  /** Form H (p×p) in one pass; Cholesky of H + μI per trial μ (eigen fallback). */
  DENSE,
  /** Truncated CG (Steihaug-Toint) on H + μI with one pass over the rows per product H v. */
  MATRIX_FREE;

  public static ClassifierStep parse(String s) {
    try {
      return valueOf(s.trim().replace('-', '_').toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown classifier step '" + s + "' (expected auto, dense or matrix-free)");
    }
  }

  public ClassifierStep resolve(int params, int threshold) {
    if (this != AUTO) {
      return this;
    }
    return params > threshold ? MATRIX_FREE : DENSE;
  }
}
