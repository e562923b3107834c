package org.varpro.core.classify;

import java.util.SplittableRandom;
import org.varpro.core.model.RowBlock;

/** Small random classification problems for tests. */
final class ClassifyFixtures {
  private ClassifyFixtures() {}

  /**
   * m rows with inputs uniform in [−1, 1]^d and labels from the argmax of a random quadratic
   * score plus noise (so the classes overlap and are not linearly separable), weights in
   * [0.5, 1.5]/m.
   */
  static RowBlock rows(long seed, int m, int d, int classes) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] lin = new double[d * classes];
    double[] quad = new double[d * classes];
    for (int q = 0; q < lin.length; q++) {
      lin[q] = 2 * rng.nextGaussian();
      quad[q] = rng.nextGaussian();
    }
    double[] x = new double[m * d];
    int[] labels = new int[m];
    double[] w = new double[m];
    for (int i = 0; i < m; i++) {
      double[] s = new double[classes];
      for (int j = 0; j < d; j++) {
        double v = 2 * rng.nextDouble() - 1;
        x[i + j * m] = v;
        for (int k = 0; k < classes; k++) {
          s[k] += lin[j + k * d] * v + quad[j + k * d] * v * v;
        }
      }
      int best = 0;
      for (int k = 0; k < classes; k++) {
        s[k] += 0.7 * rng.nextGaussian();
        if (s[k] > s[best]) {
          best = k;
        }
      }
      labels[i] = best;
      w[i] = (0.5 + rng.nextDouble()) / m;
    }
    return ClassLabels.block(x, m, d, labels, w);
  }

  static double[] gaussian(long seed, int len, double scale) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] v = new double[len];
    for (int i = 0; i < len; i++) {
      v[i] = scale * rng.nextGaussian();
    }
    return v;
  }

  /** The product v ↦ Hv with an explicit p×p matrix H (column-major), for CG tests. */
  static org.varpro.core.solver.TruncatedCg.Operator operator(double[] h, int p) {
    return v -> {
      double[] out = new double[p];
      org.varpro.core.linalg.Lapack.gemm(false, false, p, 1, p, 1.0, h, 0, p, v, 0, p, 0.0, out, 0, p);
      return out;
    };
  }

  /** BᵀB for a seeded Gaussian B (p×p): symmetric positive definite (almost surely). */
  static double[] spd(long seed, int p) {
    double[] b = gaussian(seed, p * p, 1.0);
    double[] h = new double[p * p];
    org.varpro.core.linalg.Lapack.gemm(true, false, p, p, p, 1.0, b, 0, p, b, 0, p, 0.0, h, 0, p);
    return h;
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  static double norm(double[] a) {
    return Math.sqrt(dot(a, a));
  }

  static double relativeDifference(double[] a, double[] b) {
    double d = 0;
    for (int i = 0; i < a.length; i++) {
      d += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(d) / Math.max(norm(b), 1e-300);
  }
}
