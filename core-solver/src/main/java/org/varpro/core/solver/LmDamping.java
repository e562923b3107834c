package org.varpro.core.solver;

/**
 * The Levenberg-Marquardt damping μ of one run and its rules (DESIGN §2.5): the μ of an
 * iteration's first trial, the acceptance test of a trial, and the updates after an accepted
 * step and after a rejected trial. The loop only asks this class; μ is its whole state, carried
 * from iteration to iteration and in a {@link SolverState}.
 *
 * <p>Rejections grow μ by a fixed factor (4) instead of Nielsen's ν·μ with ν doubling: ν
 * doubling multiplies μ by 2^(k(k+1)/2) over k rejections (10⁴⁵ after 18), so a short run of
 * rejections near the rounding level of the loss drove μ past every useful value and the step
 * to zero in one iteration. A fixed factor still reaches any needed μ in a few dozen trials.
 *
 * <p>The acceptance test is tolerant of the objective's rounding level, which the problem
 * estimates ({@link ReducedProblem#roundingTolerance}; least squares: {@link LeastSquaresProblem}):
 * with the exact test, conf/heat.conf seeds 1 and 3 stopped `stalled` near losses of 1e-18 and
 * 4e-16, every trial "raising" the loss by ~5e-19 whatever its size down to 1e-10; with it they
 * go on to 900 iterations and stop on the relative tolerance.
 */
public final class LmDamping {
  /** μ ← REJECTION_GROWTH·μ after a rejected trial. */
  static final double REJECTION_GROWTH = 4;

  private final Damping schedule;
  private final double tau;
  private final double residualKappa;
  private final double residualExponent;
  private final double initialMu;
  private double mu;

  /** A run's damping from its options, continuing from μ (NaN: not started). */
  public LmDamping(LmOptions<?> options, double mu) {
    this.schedule = options.damping();
    this.tau = options.tau();
    this.residualKappa = options.residualKappa();
    this.residualExponent = options.residualExponent();
    this.initialMu = options.initialMu();
    this.mu = mu;
  }

  /** A fresh run's damping. */
  public static LmDamping start(LmOptions<?> options) {
    return new LmDamping(options, Double.NaN);
  }

  /**
   * μ of an iteration's first trial. Nielsen: the carried μ, or at the first iteration
   * τ·max diag(H) (a curvature scale, {@link StepSystem#curvatureScale}) or the option initial-mu. Residual-proportional: κ‖r‖^δ with ‖r‖ = √(2f) at every iteration.
   *
   * @param maxHessianDiagonal max diag(H) in the step's (scaled) variables
   * @param loss the reduced loss f at the iterate
   */
  public double initial(double maxHessianDiagonal, double loss) {
    if (schedule == Damping.RESIDUAL) {
      mu = residualKappa * Math.pow(Math.sqrt(2 * loss), residualExponent);
    } else if (Double.isNaN(mu)) {
      mu = Double.isNaN(initialMu) ? tau * maxHessianDiagonal : initialMu;
    }
    return mu;
  }

  /** The μ of the next trial. */
  public double mu() {
    return mu;
  }

  /**
   * The gain ratio relaxed by the loss's rounding level ε (Sun and Nocedal's noise-tolerant
   * ratio): ρ = (actual + ε)/(predicted + ε), NaN when the model predicts no decrease (then no
   * trial is acceptable). Far above the rounding level it is the plain ratio actual/predicted;
   * when both decreases are within it, ρ → 1, so μ is not driven up by differences that are
   * rounding and not the model's failure.
   */
  public static double gainRatio(double actual, double predicted, double roundingLevel) {
    return predicted > 0 ? (actual + roundingLevel) / (predicted + roundingLevel) : Double.NaN;
  }

  /**
   * Whether a trial is taken: a finite loss not higher than the current one by more than the
   * rounding level ε, nor than the lowest loss of the run so far (on the same rows) by more than
   * 2ε, and ρ > 0. Without the ε, an iterate whose computed loss happened to round low (the
   * accepted ones are biased that way) rejects every later trial, however small. Without the
   * bound from the lowest loss, the ε can add up: steps each within ε of their predecessor
   * carried the loss of a 1→16→1 PINN with near-singular features (σ_min(G) ~ 1e-32) from
   * 8.7e-9 up to 1.4e-8 in 22 accepted steps (docs/defaults-evidence.md, "Why runs stopped
   * `stalled`"). That bound is 2ε because the lowest of many computed losses is itself up to
   * ε below the level the iterates sit at. With ε = 0 this is the plain test f(θ + δ) < f(θ).
   *
   * @param actual the current loss minus the trial's
   * @param lowestLoss the lowest loss of an accepted iterate (the current one included) since
   *     the rows were last drawn
   */
  public static boolean acceptable(double trialLoss, double actual, double lowestLoss, double rho,
      double roundingLevel) {
    return Double.isFinite(trialLoss) && actual + roundingLevel > 0 && trialLoss < lowestLoss + 2 * roundingLevel
        && rho > 0;
  }

  /**
   * After an accepted step with gain ratio ρ: Nielsen's μ ← μ·max(⅓, 1 − (2ρ − 1)³) (a third
   * for ρ ≥ 1, unchanged at ρ = ½, up to twice as ρ → 0). The residual schedule sets μ afresh
   * at the next iteration.
   */
  public void accepted(double rho) {
    if (schedule == Damping.NIELSEN) {
      mu *= Math.max(1.0 / 3, 1 - Math.pow(2 * rho - 1, 3));
    }
  }

  /**
   * After a rejected trial: μ ← 4μ.
   *
   * @return false once μ is no longer finite (no larger damping can be tried)
   */
  public boolean rejected() {
    mu *= REJECTION_GROWTH;
    return Double.isFinite(mu);
  }
}
