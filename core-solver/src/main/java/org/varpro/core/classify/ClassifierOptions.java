package org.varpro.core.classify;

import java.io.Serializable;
import org.varpro.core.stats.StatsKind;

/** Every knob of {@link ClassifierSolver}, with its default. */
public final class ClassifierOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Outer iteration cap. */
  public int maxIterations = 200;
  /** Wall-clock budget in seconds (checked once per iteration). */
  public double timeBudgetSeconds = Double.POSITIVE_INFINITY;
  /** Stop when ‖g‖ ≤ this (absolute; 0 disables). */
  public double gradientTolerance = 0;
  /** Stop when the reduced objective ≤ this (absolute; 0 disables). */
  public double lossTolerance = 0;
  /** Stop when accepted steps lower the objective by less than this fraction, 3 times running. */
  public double relativeTolerance = 1e-12;
  /** Stop after this many rejected trials in one iteration. */
  public int maxRejections = 30;

  /** Ridge λ > 0 on the softmax weights C: makes the inner problem strictly convex. */
  public double lambda = 1e-4;
  /** Optional ridge ½α‖θ‖² on the hidden parameters (weight decay; DESIGN §2.1); 0 = off. */
  public double thetaRidge = 0;
  /** Inner Newton: stop at ‖∇_C‖ ≤ max(innerTolerance, innerRelativeTolerance·‖∇_C at start‖). */
  public double innerTolerance = 1e-10;
  public double innerRelativeTolerance = 0;
  public int innerMaxIterations = 100;

  public ClassifierStep step = ClassifierStep.AUTO;
  /** AUTO switches to the matrix-free step above this many parameters. */
  public int matrixFreeThreshold = 3000;
  /** Dense step: Gram sums (fast) or TSQR factors of the centred Jacobian rows. */
  public StatsKind statistics = StatsKind.GRAM;

  /** Nielsen: μ₀ = τ·max diag(H) (dense) or τ·‖Hg‖/‖g‖ (matrix-free). */
  public double tau = 1e-3;
  /** Absolute initial damping μ₀, overriding the τ rule when set (NaN: use τ). */
  public double initialMu = Double.NaN;
  /** Truncated CG: relative residual tolerance and product cap per step. */
  public double cgTolerance = 1e-4;
  public int cgMaxIterations = 200;
  /** Initial trust radius of the matrix-free step (∞: no trust region, LM damping only). */
  public double trustRadius = Double.POSITIVE_INFINITY;

  public ClassifierOptions copy() {
    ClassifierOptions o = new ClassifierOptions();
    o.maxIterations = maxIterations;
    o.timeBudgetSeconds = timeBudgetSeconds;
    o.gradientTolerance = gradientTolerance;
    o.lossTolerance = lossTolerance;
    o.relativeTolerance = relativeTolerance;
    o.maxRejections = maxRejections;
    o.lambda = lambda;
    o.thetaRidge = thetaRidge;
    o.innerTolerance = innerTolerance;
    o.innerRelativeTolerance = innerRelativeTolerance;
    o.innerMaxIterations = innerMaxIterations;
    o.step = step;
    o.matrixFreeThreshold = matrixFreeThreshold;
    o.statistics = statistics;
    o.tau = tau;
    o.initialMu = initialMu;
    o.cgTolerance = cgTolerance;
    o.cgMaxIterations = cgMaxIterations;
    o.trustRadius = trustRadius;
    return o;
  }

  /** Rejects settings that cannot work, naming the option. */
  public void validate() {
    require(maxIterations >= 0, "max-iterations must be >= 0");
    require(timeBudgetSeconds > 0, "time-budget must be > 0 seconds");
    require(lambda > 0 && Double.isFinite(lambda), "lambda must be finite and > 0 for classification");
    require(thetaRidge >= 0 && Double.isFinite(thetaRidge), "theta-ridge must be finite and >= 0");
    require(innerTolerance >= 0 && innerRelativeTolerance >= 0, "inner tolerances must be >= 0");
    require(innerTolerance > 0 || innerRelativeTolerance > 0, "one inner tolerance must be > 0");
    require(innerMaxIterations > 0, "inner-max-iterations must be > 0");
    require(tau > 0, "tau must be > 0");
    require(Double.isNaN(initialMu) || initialMu > 0, "initial-mu must be > 0 when set");
    require(maxRejections > 0, "max-rejections must be > 0");
    require(cgTolerance >= 0 && cgMaxIterations > 0, "cg-tolerance must be >= 0 and cg-max-iterations > 0");
    require(trustRadius > 0, "trust-radius must be > 0 (infinity: off)");
    require(statistics != StatsKind.ROWS, "statistics must be gram or qr");
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
