package org.varpro.core.model;

/**
 * The classical separable model of VarPro's origins: a_j(x) = exp(−θ_j x), j = 1..q, plus a
 * constant column, for y ≈ c_0 + Σ c_j exp(−θ_j x). One input, value channel only.
 */
public final class ExponentialSum implements FeatureMap {
  private static final long serialVersionUID = 1L;

  private final double[] initialRates;

  /** @param initialRates the starting decay rates θ⁰ (q of them) */
  public ExponentialSum(double... initialRates) {
    if (initialRates.length == 0) {
      throw new IllegalArgumentException("an exponential sum needs at least one rate");
    }
    this.initialRates = initialRates.clone();
  }

  @Override
  public int inputDim() {
    return 1;
  }

  @Override
  public int numFeatures() {
    return initialRates.length + 1;
  }

  @Override
  public int numParams() {
    return initialRates.length;
  }

  @Override
  public double[] initialParams(long seed) {
    return initialRates.clone();
  }

  @Override
  public boolean supports(Channels channels) {
    return channels.inputDim() == 1 && channels.count() == 1;
  }

  @Override
  public String describe() {
    return "exponential sum q=" + initialRates.length + " (+constant)";
  }

  private void requireValueRows(RowBlock block) {
    if (!supports(block.channels)) {
      throw new IllegalArgumentException("exponential sums support value rows with one input only");
    }
  }

  @Override
  public void features(double[] theta, RowBlock block, double[] a, int offA) {
    requireValueRows(block);
    int r = block.rows;
    for (int j = 0; j < theta.length; j++) {
      for (int i = 0; i < r; i++) {
        a[offA + i + j * r] = block.coefficient(i, 0) * Math.exp(-theta[j] * block.x[i]);
      }
    }
    for (int i = 0; i < r; i++) {
      a[offA + i + theta.length * r] = block.coefficient(i, 0);
    }
  }

  @Override
  public void rowJacobianProducts(double[] theta, RowBlock block, double[][] cotangents,
      double[] a, int offA, double[][] out, int[] offOut) {
    if (a != null) {
      features(theta, block, a, offA);
    }
    int r = block.rows;
    for (int t = 0; t < cotangents.length; t++) {
      // ∂a_ij/∂θ_j = −x_i exp(−θ_j x_i); the other partial derivatives vanish.
      for (int j = 0; j < theta.length; j++) {
        for (int i = 0; i < r; i++) {
          double x = block.x[i];
          out[t][offOut[t] + i + j * r] =
              cotangents[t][i + j * r] * block.coefficient(i, 0) * (-x * Math.exp(-theta[j] * x));
        }
      }
    }
  }
}
