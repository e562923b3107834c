package org.varpro.core;

import java.util.SplittableRandom;
import org.varpro.core.model.Channels;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;

/** Small random problems and dense reference computations for tests. */
public final class Fixtures {
  private Fixtures() {}

  /** Uniform inputs in [lo, hi]^d, targets from {@code target}, random positive weights if asked. */
  public static RowBlock rows(long seed, int m, int d, int k, double lo, double hi,
      java.util.function.BiFunction<double[], Integer, Double> target, boolean randomWeights) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] x = new double[m * d];
    double[] y = new double[m * k];
    double[] w = new double[m];
    for (int i = 0; i < m; i++) {
      double[] pt = new double[d];
      for (int j = 0; j < d; j++) {
        pt[j] = lo + (hi - lo) * rng.nextDouble();
        x[i + j * m] = pt[j];
      }
      for (int j = 0; j < k; j++) {
        y[i + j * m] = target.apply(pt, j);
      }
      w[i] = randomWeights ? 0.5 + rng.nextDouble() : 1.0;
    }
    return RowBlock.regression(m, d, k, x, y, w);
  }

  /** Rows with random coefficients over the given channels (a random linear operator per row). */
  public static RowBlock operatorRows(long seed, int m, Channels ch, int k) {
    SplittableRandom rng = new SplittableRandom(seed);
    int d = ch.inputDim();
    double[] x = new double[m * d];
    double[] y = new double[m * k];
    double[] w = new double[m];
    double[] coef = new double[m * ch.count()];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < d; j++) {
        x[i + j * m] = rng.nextDouble() * 2 - 1;
      }
      for (int j = 0; j < k; j++) {
        y[i + j * m] = rng.nextGaussian();
      }
      w[i] = 0.5 + rng.nextDouble();
      for (int c = 0; c < ch.count(); c++) {
        coef[i + c * m] = rng.nextGaussian();
      }
    }
    return new RowBlock(m, d, k, x, y, w, ch, coef);
  }

  public static double[] features(FeatureMap map, double[] theta, RowBlock b) {
    double[] a = new double[b.rows * map.numFeatures()];
    map.features(theta, b, a, 0);
    return a;
  }

  public static double[] gaussian(long seed, int len, double scale) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] v = new double[len];
    for (int i = 0; i < len; i++) {
      v[i] = scale * rng.nextGaussian();
    }
    return v;
  }

  /** Solves the dense system A x = b (n×n, column-major) by Gaussian elimination with pivoting. */
  public static double[] solveDense(double[] a, double[] b, int n) {
    double[] m = a.clone();
    double[] x = b.clone();
    for (int col = 0; col < n; col++) {
      int piv = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(m[r + col * n]) > Math.abs(m[piv + col * n])) {
          piv = r;
        }
      }
      for (int c = 0; c < n; c++) {
        double t = m[col + c * n];
        m[col + c * n] = m[piv + c * n];
        m[piv + c * n] = t;
      }
      double t = x[col];
      x[col] = x[piv];
      x[piv] = t;
      for (int r = col + 1; r < n; r++) {
        double f = m[r + col * n] / m[col + col * n];
        for (int c = col; c < n; c++) {
          m[r + c * n] -= f * m[col + c * n];
        }
        x[r] -= f * x[col];
      }
    }
    for (int r = n - 1; r >= 0; r--) {
      double s = x[r];
      for (int c = r + 1; c < n; c++) {
        s -= m[r + c * n] * x[c];
      }
      x[r] = s / m[r + r * n];
    }
    return x;
  }

  /** max |a − b| / max |b|. */
  public static double relativeError(double[] a, double[] b) {
    double num = 0;
    double den = 0;
    for (int i = 0; i < a.length; i++) {
      num = Math.max(num, Math.abs(a[i] - b[i]));
      den = Math.max(den, Math.abs(b[i]));
    }
    return num / Math.max(den, 1e-300);
  }
}
