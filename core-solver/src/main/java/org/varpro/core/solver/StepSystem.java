package org.varpro.core.solver;

import java.util.Map;

/**
 * The local model of a reduced problem at one iterate (DESIGN §2.3, §2.6): the gradient g and
 * a Gauss-Newton matrix H, decomposed (or wrapped in products) once, then solved for as many
 * dampings μ as the Levenberg-Marquardt driver tries.
 */
public interface StepSystem {
  /** ‖g‖ at the iterate (the stopping test on the gradient). */
  double gradientNorm();

  /** The scale the first damping is taken from, μ₀ = τ·scale: max diag(H), or ‖Hg‖/‖g‖. */
  double curvatureScale();

  /** The damped step for μ and the decrease −gᵀδ − ½δᵀHδ the model predicts for it. */
  Trial solve(double mu);

  /** Largest principal angle to the previous iterate's feature subspace (NaN: not computed). */
  default double principalAngle() {
    return Double.NaN;
  }

  /** The driver rejected this trial (a trust region shrinks). */
  default void rejected(Trial trial) {}

  /** The driver accepted this trial with gain ratio ρ (a trust region may grow or shrink). */
  default void accepted(Trial trial, double rho) {}

  /** Kind-specific figures of the iteration, recorded as extra history columns. */
  default Map<String, Double> figures() {
    return Map.of();
  }

  /** A trial step δ, its norm and the decrease the quadratic model predicts. */
  record Trial(double[] delta, double predicted, double norm) {
    public static double norm(double[] v) {
      double s = 0;
      for (double x : v) {
        s += x * x;
      }
      return Math.sqrt(s);
    }
  }
}
