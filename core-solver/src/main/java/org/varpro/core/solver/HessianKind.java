package org.varpro.core.solver;

import java.util.Locale;

/** Which Gauss-Newton matrix of the reduced problem (DESIGN §2.3). */
public enum HessianKind {
  /** Kaufman: H_K = H_DD − H_ADᵀ G_λ⁻¹ H_AD, the Schur complement of the full GN matrix. */
  KAUFMAN,
  /** Golub-Pereyra: H_GP = H_K + Eᵀ G_λ⁻¹ E. */
  GOLUB_PEREYRA;

  public static HessianKind parse(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT).replace('_', '-')) {
      case "kaufman" -> KAUFMAN;
      case "golub-pereyra", "gp" -> GOLUB_PEREYRA;
      default -> throw new IllegalArgumentException("unknown Gauss-Newton matrix '" + s
          + "' (expected kaufman or golub-pereyra)");
    };
  }
}
