package org.varpro.core.baseline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Adam (Kingma and Ba 2015) on all parameters [θ ; vec(C)] jointly, full batch: every step uses
 * the exact gradient of {@link FullProblem} over all rows. β1 = 0.9, β2 = 0.999, ε = 1e-8 and a
 * constant learning rate (default 1e-3, no decay), with the usual bias correction:
 * <pre>
 *   m ← β1 m + (1−β1) g,   v ← β2 v + (1−β2) g²,
 *   x ← x − lr · m̂ / (√v̂ + ε),   m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ).
 * </pre>
 * Runs until the wall-clock budget or the iteration cap is reached (both checked after every
 * step; at least one step is taken), or the loss stops being finite. The returned iterate is the
 * last one, not the best seen: Adam's loss is not monotone and this is what a user gets.
 *
 * <p>The caller chooses the starting output weights C0; the benchmarks pass zeros (which
 * {@link #zeroOutputs} gives), so that the output layer is learned by the optimizer too.
 */
public final class Adam {
  public static final double BETA1 = 0.9;
  public static final double BETA2 = 0.999;
  public static final double EPSILON = 1e-8;

  private double learningRate = 1e-3;
  private double timeBudgetSeconds = Double.POSITIVE_INFINITY;
  private int maxIterations = Integer.MAX_VALUE;

  public Adam learningRate(double lr) {
    if (!(lr > 0) || !Double.isFinite(lr)) {
      throw new IllegalArgumentException("learning rate must be finite and > 0, got " + lr);
    }
    this.learningRate = lr;
    return this;
  }

  public Adam timeBudgetSeconds(double seconds) {
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("time budget must be > 0 seconds, got " + seconds);
    }
    this.timeBudgetSeconds = seconds;
    return this;
  }

  public Adam maxIterations(int iterations) {
    if (iterations < 0) {
      throw new IllegalArgumentException("max iterations must be >= 0, got " + iterations);
    }
    this.maxIterations = iterations;
    return this;
  }

  public double learningRate() {
    return learningRate;
  }

  public String name() {
    return String.format(Locale.ROOT, "adam(lr=%s)", compact(learningRate));
  }

  /** Zero output weights of the right size for {@code problem}. */
  public static double[] zeroOutputs(FullProblem problem) {
    return new double[problem.cLength()];
  }

  public BaselineResult minimize(FullProblem problem, double[] theta0, double[] c0) {
    long start = System.nanoTime();
    double[] x = problem.pack(theta0, c0);
    int dim = x.length;
    double[] g = new double[dim];
    double[] m = new double[dim];
    double[] v = new double[dim];
    List<BaselineResult.Point> history = new ArrayList<>();
    double b1t = 1;
    double b2t = 1;
    int t = 0;
    double loss = problem.lossAndGradient(x, g);
    history.add(new BaselineResult.Point(0, seconds(start), loss));
    String stop = BaselineResult.STOP_MAX_ITERATIONS;
    while (t < maxIterations) {
      if (!Double.isFinite(loss)) {
        stop = BaselineResult.STOP_NON_FINITE;
        break;
      }
      t++;
      b1t *= BETA1;
      b2t *= BETA2;
      double c1 = 1 / (1 - b1t);
      double c2 = 1 / (1 - b2t);
      for (int i = 0; i < dim; i++) {
        double gi = g[i];
        m[i] = BETA1 * m[i] + (1 - BETA1) * gi;
        v[i] = BETA2 * v[i] + (1 - BETA2) * gi * gi;
        x[i] -= learningRate * (m[i] * c1) / (Math.sqrt(v[i] * c2) + EPSILON);
      }
      // The loss and gradient at the new iterate: the next step needs the gradient anyway.
      loss = problem.lossAndGradient(x, g);
      double s = seconds(start);
      history.add(new BaselineResult.Point(t, s, loss));
      if (s >= timeBudgetSeconds) {
        stop = BaselineResult.STOP_TIME_BUDGET;
        break;
      }
    }
    if (!Double.isFinite(loss)) {
      stop = BaselineResult.STOP_NON_FINITE;
    }
    return new BaselineResult(name(), problem.theta(x), problem.c(x), loss, t, seconds(start),
        List.copyOf(history), stop);
  }

  static double seconds(long start) {
    return (System.nanoTime() - start) * 1e-9;
  }

  /** Short decimal text: 0.003 rather than 3.0E-3, 1e-11 rather than 1.0E-11. */
  static String compact(double v) {
    String plain = java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    if (plain.length() <= 8) {
      return plain;
    }
    String e = String.format(java.util.Locale.ROOT, "%.6e", v);
    int at = e.indexOf('e');
    String mantissa = e.substring(0, at).replaceAll("0+$", "").replaceAll("\\.$", "");
    int exponent = Integer.parseInt(e.substring(at + 1));
    return mantissa + "e" + exponent;
  }
}
