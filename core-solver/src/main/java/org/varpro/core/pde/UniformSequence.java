package org.varpro.core.pde;

/**
 * Independent uniform points in [0, 1)^k. Coordinate d of point i is the top 53 bits of
 * mix64(mix(seed, i) + (d+1)·γ) with SplitMix64's mixer and golden-ratio increment γ: a
 * counter-based generator, so point i depends on (seed, i) only.
 */
public final class UniformSequence implements PointSequence {
  private static final long serialVersionUID = 1L;

  @Override
  public void point(long seed, long index, double[] out) {
    long base = Hash.mix(seed, index);
    for (int d = 0; d < out.length; d++) {
      out[d] = Hash.unit(Hash.mix64(base + (d + 1) * Hash.GOLDEN));
    }
  }

  @Override
  public int maxDimension() {
    return Integer.MAX_VALUE;
  }

  @Override
  public String describe() {
    return "uniform";
  }
}
