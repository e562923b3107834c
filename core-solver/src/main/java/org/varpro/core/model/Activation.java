package org.varpro.core.model;

/**
 * Scalar activations with their first three derivatives, which Taylor-mode propagation of
 * second input derivatives and their parameter Jacobians need.
 */
public enum Activation {
  TANH, SIN, SOFTPLUS, GELU, RELU, IDENTITY;

  /** Writes σ(z), σ'(z), σ''(z), σ'''(z) into d[0..3]. */
  public void derivatives(double z, double[] d) {
    switch (this) {
      case TANH -> {
        // 1 − 2/(1 + e^{2z}): the intrinsic exp is several times faster than StrictMath.tanh,
        // and the absolute error (what least squares on features sees) stays at a few ulp.
        double t = 1 - 2 / (1 + Math.exp(2 * z));
        double s = 1 - t * t;
        d[0] = t;
        d[1] = s;
        d[2] = -2 * t * s;
        d[3] = s * (6 * t * t - 2);
      }
      case SIN -> {
        double s = Math.sin(z);
        double c = Math.cos(z);
        d[0] = s;
        d[1] = c;
        d[2] = -s;
        d[3] = -c;
      }
      case SOFTPLUS -> {
        // log(1 + e^z) without overflow; σ' is the logistic function.
        d[0] = Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
        double g = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
        d[1] = g;
        d[2] = g * (1 - g);
        d[3] = g * (1 - g) * (1 - 2 * g);
      }
      case GELU -> {
        // Exact GELU z·Φ(z); φ is the standard normal density.
        double phi = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
        double cdf = normalCdf(z);
        d[0] = z * cdf;
        d[1] = cdf + z * phi;
        d[2] = phi * (2 - z * z);
        d[3] = phi * (z * z * z - 4 * z);
      }
      case RELU -> {
        d[0] = Math.max(z, 0);
        d[1] = z > 0 ? 1 : 0;
        d[2] = 0;
        d[3] = 0;
      }
      case IDENTITY -> {
        d[0] = z;
        d[1] = 1;
        d[2] = 0;
        d[3] = 0;
      }
      default -> throw new IllegalStateException();
    }
  }

  /**
   * Φ(z) to full double accuracy: erf by the everywhere-convergent series with positive terms
   * erf(x) = 2/√π·e^{−x²}·Σ 2ⁿx^{2n+1}/(1·3···(2n+1)), so no cancellation; |x| > 6 saturates.
   */
  static double normalCdf(double z) {
    double x = Math.abs(z) / Math.sqrt(2);
    double erf;
    if (x > 6) {
      erf = 1;
    } else {
      double term = x;
      double sum = x;
      for (int n = 1; n < 500 && term > 1e-17 * sum; n++) {
        term *= 2 * x * x / (2 * n + 1);
        sum += term;
      }
      erf = 2 / Math.sqrt(Math.PI) * Math.exp(-x * x) * sum;
    }
    return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
  }

  public static Activation parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown activation '" + name
          + "' (expected one of tanh, sin, softplus, gelu, relu, identity)");
    }
  }
}
