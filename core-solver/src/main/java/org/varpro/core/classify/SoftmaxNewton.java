package org.varpro.core.classify;

import org.varpro.core.linalg.Lapack;
import org.varpro.core.solver.Deadline;
import org.varpro.core.solver.StepSystem;

/**
 * The inner problem of GNvpro (DESIGN §2.6): C(θ) = argmin_C Σ_i w_i CE(softmax(a_i C), y_i)
 * + ½λ‖C‖²_F over all K columns of C (n×K), by Newton's method with lazily refreshed curvature
 * and a backtracking (Armijo) line search, warm-started from a given C.
 *
 * <p>For λ > 0 the objective is strictly convex (the CE part is convex, the ridge makes it
 * strongly convex), so no class has to be pinned: the softmax shift invariance is removed by
 * the ridge. The Newton system is solved by Cholesky, with an eigen-decomposition (eigenvalues
 * floored at λ) as the fallback.
 *
 * <p><b>Lazy curvature.</b> The Hessian sum is most of a pass's cost (K(K+1)/2 products of n×n
 * over the rows, against one n×K product for loss and gradient), and near the solution it
 * changes little from one iterate to the next. So a step is taken with the last Hessian
 * computed, possibly at an earlier C or at the previous θ (the chord method, or Shamanskii's
 * lazy Newton; Kelley, Iterative Methods for Linear and Nonlinear Equations, §5.4), and the
 * pass at the full step sums loss and gradient only ({@link SoftmaxStats.Level#GRADIENT}). The
 * Hessian is summed afresh ({@link SoftmaxStats.Level#HESSIAN}) when the stale one does badly:
 * a full step that fails the Armijo test is retried from the same C with the Hessian there,
 * and after a step that cut ‖∇‖ by less than {@link #CONTRACTION} the next pass sums it. Only
 * the matrix changes, never the gradient or the stopping test, so the solution is the same to
 * the tolerance. A step with the Hessian of the current C that fails the Armijo test backtracks
 * with {@link SoftmaxStats.Level#LOSS} passes. The Hessians may also come from a pass over a
 * row sample ({@link Curvature}), a tenth of the cost for a tenth of the rows: the steps are then
 * quasi-Newton steps, the gradient and the stopping test still those of every row.
 *
 * <p>Convergence: ‖∇‖₂ ≤ max(absoluteTolerance, relativeTolerance·‖∇₀‖), with ∇ the gradient
 * of the objective as the weights define it (absolute by default: 1e-10; with weights 1/m
 * this is a tolerance on the mean cross-entropy's gradient). When the Newton decrement is
 * below rounding of the objective, the Armijo test cannot discriminate any more, so the full
 * step is taken without it (Newton's local quadratic convergence applies there).
 *
 * <p>A {@link Deadline} ends the solve early, after its first iteration: C is then not the
 * minimizer but an iterate that lowered the objective, and the objective returned is the true
 * value at that C (an upper bound on the minimum), so a caller comparing objectives stays honest.
 */
public final class SoftmaxNewton {
  /** One pass over the rows at output weights C (features fixed). */
  @FunctionalInterface
  public interface Passes {
    SoftmaxStats pass(double[] c, SoftmaxStats.Level level);
  }

  /**
   * The Hessian sum at C from a pass of its own, without the ridge ((nK)×(nK)): over a row
   * sample whose weights make it an estimate of the full one ({@link CurvatureSample}). Steps
   * then use it, while the objective and gradient keep coming from the passes over every row.
   */
  @FunctionalInterface
  public interface Curvature {
    double[] hessian(double[] c);
  }

  /**
   * @param c the solution (n×K)
   * @param objective the inner objective at c, ridge included
   * @param gradientNorm ‖∇‖₂ at c
   * @param stats the last pass at c (loss, gradient, accuracy)
   * @param curvature the last Hessian summed, without the ridge ((nK)×(nK); at c or at an earlier
   *     point): what a later solve nearby may start from
   */
  public record Result(double[] c, double objective, double gradientNorm, int iterations,
      int passes, boolean converged, SoftmaxStats stats, double[] curvature) {}

  private static final double ARMIJO = 1e-4;
  /**
   * A step with a stale Hessian that leaves more than this fraction of ‖∇‖ has the next pass
   * sum the Hessian afresh: below it a gradient pass (a fraction of a Hessian pass) gains more
   * than a decimal digit every two passes, as good a use of the time as an exact Newton step.
   */
  static final double CONTRACTION = 0.25;

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
    return solve(passes, features, classes, lambda, c0, null, Deadline.NONE);
  }

  /**
   * As {@link #solve(Passes, int, int, double, double[])}, starting with the Hessian
   * {@code curvature0} (without the ridge, from an earlier point; null: summed at c0) and
   * stopping at the deadline.
   */
  public Result solve(Passes passes, int features, int classes, double lambda, double[] c0, double[] curvature0,
      Deadline deadline) {
    return solve(passes, null, features, classes, lambda, c0, curvature0, deadline);
  }

  /**
   * As {@link #solve(Passes, int, int, double, double[], double[], Deadline)}, with every Hessian
   * summed by {@code sampled} (null: by the passes over every row, at the Hessian level).
   */
  public Result solve(Passes passes, Curvature sampled, int features, int classes, double lambda, double[] c0,
      double[] curvature0, Deadline deadline) {
    if (!(lambda > 0)) {
      throw new IllegalArgumentException("the softmax inner problem needs lambda > 0 (strict convexity), got " + lambda);
    }
    int nk = features * classes;
    double[] c = c0 == null ? new double[nk] : c0.clone();
    if (c.length != nk) {
      throw new IllegalArgumentException("initial C has " + c.length + " entries, expected " + nk);
    }
    if (curvature0 != null && curvature0.length != nk * nk) {
      throw new IllegalArgumentException("initial Hessian has " + curvature0.length + " entries, expected " + nk * nk);
    }
    // The level of a pass at a point whose Hessian is wanted: that pass sums it, unless a sample does.
    SoftmaxStats.Level withHessian = sampled == null ? SoftmaxStats.Level.HESSIAN : SoftmaxStats.Level.GRADIENT;
    double[] h = curvature0;
    SoftmaxStats s = passes.pass(c, h == null ? withHessian : SoftmaxStats.Level.GRADIENT);
    int passCount = 1;
    // Whether h was summed at the current c (else it is stale).
    boolean hereH = h == null;
    if (hereH) {
      h = sampled == null ? s.hessian(0) : sampled.hessian(c);
      passCount += sampled == null ? 0 : 1;
    }
    boolean refresh = false;
    double f = s.objective(lambda, c);
    double[] g = s.gradient(lambda, c);
    double gn = StepSystem.Trial.norm(g);
    double tol = Math.max(absoluteTolerance, relativeTolerance * gn);
    int it = 0;
    while (gn > tol && it < maxIterations && Double.isFinite(f) && !(it > 0 && deadline.passed())) {
      it++;
      double[] step = newtonStep(ridged(h, nk, lambda), g, nk, lambda);
      double decrement = -SoftmaxStats.dot(g, step);
      if (!(decrement > 0) && hereH) {
        break;
      }
      boolean tiny = decrement <= 1e-13 * (1 + Math.abs(f));
      SoftmaxStats st = null;
      double[] trial = null;
      double ft = Double.NaN;
      // Whether the point taken gets its own Hessian.
      boolean sumThere = refresh;
      if (decrement > 0) {
        trial = axpy(1, step, c);
        st = passes.pass(trial, refresh ? withHessian : SoftmaxStats.Level.GRADIENT);
        passCount++;
        ft = st.objective(lambda, trial);
      }
      if (!(decrement > 0) || !(Double.isFinite(ft) && (tiny || ft <= f - ARMIJO * decrement))) {
        if (!hereH) {
          // The stale Hessian failed here: sum it at c and take the step again.
          if (sampled == null) {
            s = passes.pass(c, SoftmaxStats.Level.HESSIAN);
            h = s.hessian(0);
          } else {
            h = sampled.hessian(c);
          }
          passCount++;
          hereH = true;
          refresh = false;
          continue;
        }
        // An exact Newton step too long: backtrack on the loss alone.
        trial = null;
        for (double t = 0.5; t > 0x1p-60; t *= 0.5) {
          double[] shorter = axpy(t, step, c);
          SoftmaxStats sl = passes.pass(shorter, SoftmaxStats.Level.LOSS);
          passCount++;
          double fl = sl.objective(lambda, shorter);
          if (Double.isFinite(fl) && fl <= f - ARMIJO * t * decrement) {
            trial = shorter;
            break;
          }
        }
        if (trial == null) {
          break;
        }
        // Curvature changes fast where full steps fail: sum it at the point reached.
        st = passes.pass(trial, withHessian);
        passCount++;
        sumThere = true;
      }
      c = trial;
      s = st;
      hereH = sumThere;
      if (sumThere) {
        if (sampled == null) {
          h = st.hessian(0);
        } else {
          h = sampled.hessian(c);
          passCount++;
        }
      }
      f = s.objective(lambda, c);
      double[] gNew = s.gradient(lambda, c);
      double gnNew = StepSystem.Trial.norm(gNew);
      g = gNew;
      refresh = !hereH && gnNew > CONTRACTION * gn;
      if (tiny && gnNew >= gn) {
        // At rounding level: the gradient cannot be lowered further.
        gn = gnNew;
        break;
      }
      gn = gnNew;
    }
    return new Result(c, f, gn, it, passCount, gn <= tol, s, h);
  }

  /** c + t·step (a new array). */
  private static double[] axpy(double t, double[] step, double[] c) {
    double[] out = c.clone();
    for (int q = 0; q < out.length; q++) {
      out[q] += t * step[q];
    }
    return out;
  }

  /** H + λI (a new array). */
  private static double[] ridged(double[] h, int nk, double lambda) {
    double[] out = h.clone();
    for (int q = 0; q < nk; q++) {
      out[q + q * nk] += lambda;
    }
    return out;
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
