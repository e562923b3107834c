package org.varpro.core.solver;

/**
 * The damped Gauss-Newton step of DESIGN §2.3: (H + μM)δ = −g with M = I or M = diag(H).
 * Each subclass decomposes its form of H once; a new μ then costs only a cheap re-solve, which
 * is what Levenberg-Marquardt's rejected steps need. Diagonal scaling is done by the change of
 * variables δ = Sδ̃, S = diag(H)^{−½}, so every form solves (SHS + μI)δ̃ = −Sg.
 */
public abstract class StepSolver implements StepSystem {
  protected final int params;
  protected final double[] gradient;
  protected final double[] hessianDiagonal;
  protected final double[] scale;
  /** Set by the problem when pass 2 carried the subspace factor. */
  double principalAngle = Double.NaN;

  protected StepSolver(double[] gradient, double[] hessianDiagonal, boolean diagonalScaling) {
    this.params = gradient.length;
    this.gradient = gradient;
    this.hessianDiagonal = hessianDiagonal;
    this.scale = new double[params];
    double maxDiag = 0;
    for (double d : hessianDiagonal) {
      maxDiag = Math.max(maxDiag, d);
    }
    for (int q = 0; q < params; q++) {
      // Guard directions with no curvature so the scaling stays finite.
      double d = Math.max(hessianDiagonal[q], 1e-30 * Math.max(maxDiag, 1e-300));
      scale[q] = diagonalScaling ? 1 / Math.sqrt(d) : 1.0;
    }
  }

  /** g: the exact gradient of the reduced loss. */
  public double[] gradient() {
    return gradient.clone();
  }

  @Override
  public double gradientNorm() {
    return norm(gradient);
  }

  @Override
  public double principalAngle() {
    return principalAngle;
  }

  @Override
  public double curvatureScale() {
    return maxHessianDiagonal();
  }

  @Override
  public Trial solve(double mu) {
    double[] delta = step(mu);
    double norm = Trial.norm(delta);
    return new Trial(delta, predictedReduction(delta, mu), norm);
  }

  /** diag(H), for the initial damping. */
  public double maxHessianDiagonal() {
    double m = 0;
    for (int q = 0; q < params; q++) {
      m = Math.max(m, hessianDiagonal[q] * scale[q] * scale[q]);
    }
    return m;
  }

  /** δ̃ solving (SHS + μI)δ̃ = −Sg. */
  protected abstract double[] solveScaled(double mu);

  /** The step δ for damping μ. */
  public double[] step(double mu) {
    double[] d = solveScaled(mu);
    for (int q = 0; q < params; q++) {
      d[q] *= scale[q];
    }
    return d;
  }

  /**
   * Decrease predicted by the quadratic model, −gᵀδ − ½δᵀHδ, which for a solution of
   * (H + μM)δ = −g equals ½(−gᵀδ + μ·δᵀMδ).
   */
  public double predictedReduction(double[] delta, double mu) {
    double gd = 0;
    double md = 0;
    for (int q = 0; q < params; q++) {
      gd += gradient[q] * delta[q];
      double t = delta[q] / scale[q];
      md += t * t;
    }
    return 0.5 * (-gd + mu * md);
  }

  /** S applied to a vector, for subclasses: v_q·s_q. */
  protected double[] scaled(double[] v) {
    double[] out = new double[v.length];
    for (int q = 0; q < v.length; q++) {
      out[q] = v[q] * scale[q];
    }
    return out;
  }

  static double norm(double[] v) {
    return Trial.norm(v);
  }
}
