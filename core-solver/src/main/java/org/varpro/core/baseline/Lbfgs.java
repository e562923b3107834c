package org.varpro.core.baseline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * L-BFGS (Nocedal and Wright, Numerical Optimization, Alg. 7.4 and 7.5) on all parameters
 * [θ ; vec(C)] jointly, full batch, with a strong-Wolfe line search (Alg. 3.5 and 3.6, cubic
 * interpolation in the zoom phase, c1 = 1e-4, c2 = 0.9).
 *
 * <p>Details: the memory holds the last {@code m} pairs (default 20) and the initial inverse
 * Hessian is γI with γ = sᵀy/yᵀy of the newest pair. The first trial step is 1, except on the
 * very first iteration (or after a reset) where it is min(1, 1/‖g‖). A pair is stored only when
 * its curvature sᵀy > 1e-12·‖s‖‖y‖ holds. When the line search fails the memory is cleared and
 * steepest descent is tried; a second failure in a row (the loss cannot be lowered any more at
 * working precision) stops the run, as do the wall-clock budget and the iteration cap (checked
 * after every iteration; at least one iteration is tried), a zero gradient or a non-finite loss.
 */
public final class Lbfgs {
  static final double C1 = 1e-4;
  static final double C2 = 0.9;
  private static final int MAX_BRACKET = 30;
  private static final int MAX_ZOOM = 40;

  private int memory = 20;
  private double timeBudgetSeconds = Double.POSITIVE_INFINITY;
  private int maxIterations = Integer.MAX_VALUE;
  private int evaluations;

  public Lbfgs memory(int m) {
    if (m < 1) {
      throw new IllegalArgumentException("memory must be >= 1, got " + m);
    }
    this.memory = m;
    return this;
  }

  public Lbfgs timeBudgetSeconds(double seconds) {
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("time budget must be > 0 seconds, got " + seconds);
    }
    this.timeBudgetSeconds = seconds;
    return this;
  }

  public Lbfgs maxIterations(int iterations) {
    if (iterations < 0) {
      throw new IllegalArgumentException("max iterations must be >= 0, got " + iterations);
    }
    this.maxIterations = iterations;
    return this;
  }

  public String name() {
    return String.format(Locale.ROOT, "lbfgs(m=%d)", memory);
  }

  /** Loss and gradient evaluations of the last run (line-search trials included). */
  public int evaluations() {
    return evaluations;
  }

  public BaselineResult minimize(FullProblem problem, double[] theta0, double[] c0) {
    long start = System.nanoTime();
    evaluations = 0;
    double[] x = problem.pack(theta0, c0);
    int dim = x.length;
    double[] g = new double[dim];
    double f = eval(problem, x, g);
    List<BaselineResult.Point> history = new ArrayList<>();
    history.add(new BaselineResult.Point(0, Adam.seconds(start), f));

    double[][] s = new double[memory][];
    double[][] y = new double[memory][];
    double[] rho = new double[memory];
    int stored = 0;
    int newest = -1;
    boolean lastFailed = false;
    int iteration = 0;
    double[] d = new double[dim];
    double[] alphas = new double[memory];

    String stop = BaselineResult.STOP_MAX_ITERATIONS;
    while (iteration < maxIterations) {
      double gnorm = Math.sqrt(dot(g, g));
      if (!Double.isFinite(f) || !Double.isFinite(gnorm)) {
        stop = BaselineResult.STOP_NON_FINITE;
        break;
      }
      if (gnorm == 0) {
        stop = BaselineResult.STOP_ZERO_GRADIENT;
        break;
      }
      // Two-loop recursion: d = −H g.
      for (int i = 0; i < dim; i++) {
        d[i] = -g[i];
      }
      for (int j = 0; j < stored; j++) {
        int idx = Math.floorMod(newest - j, memory);
        alphas[idx] = rho[idx] * dot(s[idx], d);
        axpy(-alphas[idx], y[idx], d);
      }
      if (stored > 0) {
        double gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
        for (int i = 0; i < dim; i++) {
          d[i] *= gamma;
        }
      }
      for (int j = stored - 1; j >= 0; j--) {
        int idx = Math.floorMod(newest - j, memory);
        double beta = rho[idx] * dot(y[idx], d);
        axpy(alphas[idx] - beta, s[idx], d);
      }
      double slope = dot(g, d);
      if (!(slope < 0)) {
        // Not a descent direction (lost positive definiteness to rounding): restart.
        stored = 0;
        for (int i = 0; i < dim; i++) {
          d[i] = -g[i];
        }
        slope = -gnorm * gnorm;
      }
      double alpha0 = stored == 0 ? Math.min(1, 1 / gnorm) : 1;
      LineSearch ls = lineSearch(problem, x, f, g, d, slope, alpha0);
      iteration++;
      if (ls == null) {
        if (stored == 0 && lastFailed) {
          history.add(new BaselineResult.Point(iteration, Adam.seconds(start), f));
          stop = BaselineResult.STOP_NO_PROGRESS;
          break;
        }
        stored = 0;
        lastFailed = true;
      } else {
        lastFailed = false;
        double[] sNew = new double[dim];
        double[] yNew = new double[dim];
        for (int i = 0; i < dim; i++) {
          sNew[i] = ls.x[i] - x[i];
          yNew[i] = ls.g[i] - g[i];
        }
        double sy = dot(sNew, yNew);
        if (sy > 1e-12 * Math.sqrt(dot(sNew, sNew) * dot(yNew, yNew))) {
          newest = (newest + 1) % memory;
          s[newest] = sNew;
          y[newest] = yNew;
          rho[newest] = 1 / sy;
          stored = Math.min(stored + 1, memory);
        }
        x = ls.x;
        g = ls.g;
        f = ls.f;
      }
      double sec = Adam.seconds(start);
      history.add(new BaselineResult.Point(iteration, sec, f));
      if (sec >= timeBudgetSeconds) {
        stop = BaselineResult.STOP_TIME_BUDGET;
        break;
      }
    }
    return new BaselineResult(name(), problem.theta(x), problem.c(x), f, iteration,
        Adam.seconds(start), List.copyOf(history), stop);
  }

  private double eval(FullProblem problem, double[] x, double[] g) {
    evaluations++;
    return problem.lossAndGradient(x, g);
  }

  /** An accepted point of the line search. */
  private record LineSearch(double[] x, double f, double[] g) {}

  /** One trial point along the search direction. */
  private static final class Trial {
    final double alpha;
    final double[] x;
    final double f;
    final double[] g;
    final double slope;

    Trial(double alpha, double[] x, double f, double[] g, double slope) {
      this.alpha = alpha;
      this.x = x;
      this.f = f;
      this.g = g;
      this.slope = slope;
    }
  }

  private Trial trial(FullProblem problem, double[] x0, double[] d, double alpha) {
    double[] x = x0.clone();
    axpy(alpha, d, x);
    double[] g = new double[x.length];
    double f = eval(problem, x, g);
    return new Trial(alpha, x, f, g, dot(g, d));
  }

  /**
   * Strong-Wolfe line search: returns a point with f ≤ f0 + c1·α·φ'(0) and |φ'(α)| ≤ c2·|φ'(0)|,
   * or, when the zoom runs out of trials, the best point with sufficient decrease; null when no
   * point lowers the loss.
   */
  private LineSearch lineSearch(FullProblem problem, double[] x0, double f0, double[] g0,
      double[] d, double slope0, double alpha0) {
    Trial prev = new Trial(0, x0, f0, g0, slope0);
    double alpha = alpha0;
    for (int i = 0; i < MAX_BRACKET; i++) {
      Trial t = trial(problem, x0, d, alpha);
      if (!Double.isFinite(t.f) || t.f > f0 + C1 * alpha * slope0 || (i > 0 && t.f >= prev.f)) {
        return zoom(problem, x0, f0, d, slope0, prev, t);
      }
      if (Math.abs(t.slope) <= -C2 * slope0) {
        return new LineSearch(t.x, t.f, t.g);
      }
      if (t.slope >= 0) {
        return zoom(problem, x0, f0, d, slope0, t, prev);
      }
      prev = t;
      alpha *= 2;
    }
    return prev.alpha > 0 ? new LineSearch(prev.x, prev.f, prev.g) : null;
  }

  /** Alg. 3.6: lo satisfies sufficient decrease and has the lower loss; the minimizer is between. */
  private LineSearch zoom(FullProblem problem, double[] x0, double f0, double[] d, double slope0,
      Trial lo, Trial hi) {
    for (int j = 0; j < MAX_ZOOM; j++) {
      double a = lo.alpha;
      double b = hi.alpha;
      double width = Math.abs(b - a);
      if (width <= 1e-16 * Math.max(Math.abs(a), Math.abs(b))) {
        break;
      }
      double alpha = cubicMinimizer(lo, hi);
      double left = Math.min(a, b);
      double right = Math.max(a, b);
      if (!Double.isFinite(alpha) || alpha < left + 0.1 * width || alpha > right - 0.1 * width) {
        alpha = 0.5 * (a + b);
      }
      Trial t = trial(problem, x0, d, alpha);
      if (!Double.isFinite(t.f) || t.f > f0 + C1 * alpha * slope0 || t.f >= lo.f) {
        hi = t;
      } else {
        if (Math.abs(t.slope) <= -C2 * slope0) {
          return new LineSearch(t.x, t.f, t.g);
        }
        if (t.slope * (hi.alpha - lo.alpha) >= 0) {
          hi = lo;
        }
        lo = t;
      }
    }
    return lo.alpha > 0 && lo.f < f0 ? new LineSearch(lo.x, lo.f, lo.g) : null;
  }

  /** Minimizer of the cubic through (α, f, f') at both ends (N&W eq. 3.59); NaN if none. */
  static double cubicMinimizer(Trial lo, Trial hi) {
    if (!Double.isFinite(hi.f) || !Double.isFinite(hi.slope)) {
      return Double.NaN;
    }
    double d1 = lo.slope + hi.slope - 3 * (lo.f - hi.f) / (lo.alpha - hi.alpha);
    double disc = d1 * d1 - lo.slope * hi.slope;
    if (!(disc >= 0)) {
      return Double.NaN;
    }
    double d2 = Math.signum(hi.alpha - lo.alpha) * Math.sqrt(disc);
    return hi.alpha - (hi.alpha - lo.alpha) * (hi.slope + d2 - d1) / (hi.slope - lo.slope + 2 * d2);
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static void axpy(double alpha, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += alpha * x[i];
    }
  }
}
