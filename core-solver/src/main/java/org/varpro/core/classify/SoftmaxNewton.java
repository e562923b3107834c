package org.varpro.core.classify;

import org.varpro.core.linalg.Lapack;
import org.varpro.core.solver.StepSystem;

/**
 * The inner problem of GNvpro (DESIGN §2.6): C(θ) = argmin_C Σ_i w_i CE(softmax(a_i C), y_i)
 * + ½λ‖C‖²_F over all K columns of C (n×K), by Newton's method with a backtracking (Armijo)
 * line search, warm-started from a given C.
 *
 * <p>For λ > 0 the objective is strictly convex (the CE part is convex, the ridge makes it
 * strongly convex), so no class has to be pinned: the softmax shift invariance is removed by
 * the ridge. Each iteration is one {@link SoftmaxStats.Level#HESSIAN} pass and, when the full
 * Newton step fails the Armijo test, {@link SoftmaxStats.Level#LOSS} passes for the shorter
 * trials. The full step's pass is taken at the Hessian level, so an accepted full step (the
 * usual case near the solution) costs exactly one pass per iteration. The Newton system is
 * solved by Cholesky, with an eigen-decomposition (eigenvalues floored at λ) as the fallback.
 *
 * <p>Convergence: ‖∇‖₂ ≤ max(absoluteTolerance, relativeTolerance·‖∇₀‖), with ∇ the gradient
 * of the objective as the weights define it (absolute by default: 1e-10; with weights 1/m
 * this is a tolerance on the mean cross-entropy's gradient). When the Newton decrement is
 * below rounding of the objective, the Armijo test cannot discriminate any more, so the full
 * step is taken without it (Newton's local quadratic convergence applies there).
 */
public final class SoftmaxNewton {
  /** One pass over the rows at output weights C (features fixed). */
  @FunctionalInterface
  public interface Passes {
    SoftmaxStats pass(double[] c, SoftmaxStats.Level level);
  }

  /**
   * @param c the solution (n×K)
   * @param objective the inner objective at c, ridge included
   * @param gradientNorm ‖∇‖₂ at c
   * @param stats the Hessian-level pass at c (loss, gradient, Hessian, accuracy)
   */
  public record Result(double[] c, double objective, double gradientNorm, int iterations,
      int passes, boolean converged, SoftmaxStats stats) {}

  private static final double ARMIJO = 1e-4;

  private double absoluteTolerance = 1e-10;
  private double relativeTolerance = 0;
  private int maxIterations = 100;

  public SoftmaxNewton absoluteTolerance(double t) {
    this.absoluteTolerance = t;
    return this;
  }

  public SoftmaxNewton relativeTolerance(double t) {
    this.relativeTolerance = t;
    return this;
  }

  public SoftmaxNewton maxIterations(int m) {
    this.maxIterations = m;
    return this;
  }

  public Result solve(Passes passes, int features, int classes, double lambda, double[] c0) {
    if (!(lambda > 0)) {
      throw new IllegalArgumentException("the softmax inner problem needs lambda > 0 (strict convexity), got " + lambda);
    }
    int nk = features * classes;
    double[] c = c0 == null ? new double[nk] : c0.clone();
    if (c.length != nk) {
      throw new IllegalArgumentException("initial C has " + c.length + " entries, expected " + nk);
    }
    SoftmaxStats s = passes.pass(c, SoftmaxStats.Level.HESSIAN);
    int passCount = 1;
    double f = s.objective(lambda, c);
    double[] g = s.gradient(lambda, c);
    double gn = StepSystem.Trial.norm(g);
    double tol = Math.max(absoluteTolerance, relativeTolerance * gn);
    int it = 0;
    while (gn > tol && it < maxIterations && Double.isFinite(f)) {
      it++;
      double[] step = newtonStep(s.hessian(lambda), g, nk, lambda);
      double decrement = -SoftmaxStats.dot(g, step);
      if (!(decrement > 0)) {
        break;
      }
      boolean tiny = decrement <= 1e-13 * (1 + Math.abs(f));
      double t = 1;
      SoftmaxStats accepted = null;
      double[] trial = null;
      double ft = Double.NaN;
      for (int ls = 0; ls < 60; ls++) {
        trial = c.clone();
        for (int q = 0; q < nk; q++) {
          trial[q] += t * step[q];
        }
        SoftmaxStats.Level level = t == 1 ? SoftmaxStats.Level.HESSIAN : SoftmaxStats.Level.LOSS;
        SoftmaxStats st = passes.pass(trial, level);
        passCount++;
        ft = st.objective(lambda, trial);
        if (Double.isFinite(ft) && (tiny || ft <= f - ARMIJO * t * decrement)) {
          accepted = st;
          break;
        }
        t *= 0.5;
      }
      if (accepted == null) {
        break;
      }
      c = trial;
      if (accepted.level != SoftmaxStats.Level.HESSIAN) {
        accepted = passes.pass(c, SoftmaxStats.Level.HESSIAN);
        passCount++;
      }
      s = accepted;
      f = s.objective(lambda, c);
      double[] gNew = s.gradient(lambda, c);
      double gnNew = StepSystem.Trial.norm(gNew);
      g = gNew;
      if (tiny && gnNew >= gn) {
        // At rounding level: the gradient cannot be lowered further.
        gn = gnNew;
        break;
      }
      gn = gnNew;
    }
    return new Result(c, f, gn, it, passCount, gn <= tol, s);
  }

  /** Solves H δ = −g by Cholesky, or by the eigen-decomposition with eigenvalues ≥ λ. */
  static double[] newtonStep(double[] h, double[] g, int nk, double lambda) {
    double[] f = h.clone();
    double[] x = new double[nk];
    for (int q = 0; q < nk; q++) {
      x[q] = -g[q];
    }
    if (Lapack.cholesky(f, nk)) {
      Lapack.triangularSolve(true, f, 0, nk, nk, x, 0, nk, 1);
      Lapack.triangularSolve(false, f, 0, nk, nk, x, 0, nk, 1);
      boolean finite = true;
      for (double v : x) {
        finite &= Double.isFinite(v);
      }
      if (finite) {
        return x;
      }
    }
    double[] v = h.clone();
    double[] ev = Lapack.symmetricEigen(v, nk);
    double[] vtg = new double[nk];
    Lapack.gemm(true, false, nk, 1, nk, 1.0, v, 0, nk, g, 0, nk, 0.0, vtg, 0, nk);
    for (int q = 0; q < nk; q++) {
      vtg[q] = -vtg[q] / Math.max(ev[q], lambda);
    }
    double[] d = new double[nk];
    Lapack.gemm(false, false, nk, 1, nk, 1.0, v, 0, nk, vtg, 0, nk, 0.0, d, 0, nk);
    return d;
  }
}
