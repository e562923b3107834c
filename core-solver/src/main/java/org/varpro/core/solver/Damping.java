package org.varpro.core.solver;

import java.util.Locale;

/** Levenberg-Marquardt damping schedules (DESIGN §2.5); the rules themselves are in {@link LmDamping}. */
public enum Damping {
  /** μ₀ = τ·max diag(H), Nielsen's gain-ratio update μ ← μ·max(⅓, 1 − (2ρ − 1)³) on success, μ ← 4μ per rejected trial. */
  NIELSEN,
  /** Residual-proportional μ_k = κ‖r_k‖^δ, multiplied by 4 per rejected trial. */
  RESIDUAL;

  public static Damping parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown damping '" + s + "' (expected nielsen or residual)");
    }
  }
}
