package org.varpro.core.solver;

/**
 * Truncated conjugate gradients with a trust region (Steihaug 1983, Toint 1981; Nocedal and
 * Wright, Alg. 7.2) for the quadratic model
 * <pre>
 *   m(δ) = gᵀδ + ½ δᵀ(H + μI)δ,   ‖δ‖ ≤ Δ,
 * </pre>
 * given only the products v ↦ Hv: the matrix-free step solve for large p, whatever the
 * objective (cross-entropy Gauss-Newton here; least squares can reuse it with v ↦ JᵀWJv). The
 * shift μ is the Levenberg-Marquardt damping; Δ = ∞ turns the trust region off.
 *
 * <p>Started from δ = 0, it stops at the first of: relative residual ‖(H + μI)δ + g‖ ≤ tol·‖g‖;
 * a direction of non-positive curvature (then it goes to the boundary, or stops where it is when
 * Δ = ∞); the boundary crossed; the iteration cap; the run's {@link Deadline} (checked before
 * every product after the first, so the step is at least the first CG iterate, a multiple of
 * −g). Every iterate lowers the model, so a
 * truncated step is still a descent step. Alongside δ it tracks Hδ (unshifted), so the caller
 * gets the model decrease without an extra product.
 */
public final class TruncatedCg {
  /** Products with the (symmetric, positive semi-definite for Gauss-Newton) operator H. */
  @FunctionalInterface
  public interface Operator {
    double[] apply(double[] v);
  }

  public enum Stop { CONVERGED, NEGATIVE_CURVATURE, TRUST_REGION, MAX_ITERATIONS, ZERO_GRADIENT, DEADLINE }

  /**
   * @param step δ
   * @param hessianTimesStep Hδ (without the shift)
   * @param iterations operator products used
   * @param residualNorm ‖(H + μI)δ + g‖ as tracked by the recurrence
   */
  public record Result(double[] step, double[] hessianTimesStep, int iterations, Stop stop,
      double residualNorm) {
    /** The decrease of the unshifted model predicted for δ: −gᵀδ − ½δᵀHδ. */
    public double predictedReduction(double[] g) {
      double s = 0;
      for (int q = 0; q < step.length; q++) {
        s -= step[q] * (g[q] + 0.5 * hessianTimesStep[q]);
      }
      return s;
    }

    public double stepNorm() {
      return Math.sqrt(dot(step, step));
    }
  }

  private final double relativeTolerance;
  private final int maxIterations;

  public TruncatedCg(double relativeTolerance, int maxIterations) {
    if (!(relativeTolerance >= 0) || maxIterations < 1) {
      throw new IllegalArgumentException("CG needs a tolerance >= 0 and at least one iteration");
    }
    this.relativeTolerance = relativeTolerance;
    this.maxIterations = maxIterations;
  }

  public Result solve(Operator h, double shift, double[] g, double radius) {
    return solve(h, shift, g, radius, Deadline.NONE);
  }

  /** As {@link #solve(Operator, double, double[], double)}, stopping at the deadline. */
  public Result solve(Operator h, double shift, double[] g, double radius, Deadline deadline) {
    int p = g.length;
    double[] x = new double[p];
    double[] hx = new double[p];
    double[] r = g.clone();
    double rr = dot(r, r);
    double gnorm = Math.sqrt(rr);
    if (gnorm == 0) {
      return new Result(x, hx, 0, Stop.ZERO_GRADIENT, 0);
    }
    double tol = relativeTolerance * gnorm;
    double[] d = new double[p];
    for (int q = 0; q < p; q++) {
      d[q] = -r[q];
    }
    int it = 0;
    while (true) {
      if (it >= maxIterations) {
        return new Result(x, hx, it, Stop.MAX_ITERATIONS, Math.sqrt(rr));
      }
      if (it > 0 && deadline.passed()) {
        return new Result(x, hx, it, Stop.DEADLINE, Math.sqrt(rr));
      }
      double[] hd = h.apply(d);
      it++;
      double curvature = 0;
      for (int q = 0; q < p; q++) {
        curvature += d[q] * (hd[q] + shift * d[q]);
      }
      if (!(curvature > 0)) {
        if (Double.isFinite(radius)) {
          double tau = boundary(x, d, radius);
          axpy(tau, d, x);
          axpy(tau, hd, hx);
          return new Result(x, hx, it, Stop.NEGATIVE_CURVATURE, Math.sqrt(rr));
        }
        return new Result(x, hx, it, Stop.NEGATIVE_CURVATURE, Math.sqrt(rr));
      }
      double alpha = rr / curvature;
      if (Double.isFinite(radius)) {
        double next = 0;
        for (int q = 0; q < p; q++) {
          double v = x[q] + alpha * d[q];
          next += v * v;
        }
        if (next >= radius * radius) {
          double tau = boundary(x, d, radius);
          axpy(tau, d, x);
          axpy(tau, hd, hx);
          return new Result(x, hx, it, Stop.TRUST_REGION, Math.sqrt(rr));
        }
      }
      axpy(alpha, d, x);
      axpy(alpha, hd, hx);
      double rrNew = 0;
      for (int q = 0; q < p; q++) {
        r[q] += alpha * (hd[q] + shift * d[q]);
        rrNew += r[q] * r[q];
      }
      if (Math.sqrt(rrNew) <= tol) {
        return new Result(x, hx, it, Stop.CONVERGED, Math.sqrt(rrNew));
      }
      double beta = rrNew / rr;
      rr = rrNew;
      for (int q = 0; q < p; q++) {
        d[q] = -r[q] + beta * d[q];
      }
    }
  }

  /** The τ ≥ 0 with ‖x + τd‖ = Δ (x inside the region), computed without cancellation. */
  static double boundary(double[] x, double[] d, double radius) {
    double dd = dot(d, d);
    double xd = dot(x, d);
    double xx = dot(x, x);
    double c = xx - radius * radius;
    double disc = Math.sqrt(Math.max(0, xd * xd - dd * c));
    // Roots (−xd ± disc)/dd; the positive one, in the stable form when xd > 0.
    return xd > 0 ? -c / (xd + disc) : (disc - xd) / dd;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int q = 0; q < y.length; q++) {
      y[q] += a * x[q];
    }
  }

  public static double dot(double[] a, double[] b) {
    double s = 0;
    for (int q = 0; q < a.length; q++) {
      s += a[q] * b[q];
    }
    return s;
  }
}
