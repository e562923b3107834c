package org.varpro.core.pde;

import java.io.Serializable;

/**
 * An indexed sequence of points in the unit cube [0, 1)^k: point {@code index} is computed
 * directly from (seed, index), with no sequential state, so any range of indices can be produced
 * on any machine. The dimension k is the length of the output array.
 */
public interface PointSequence extends Serializable {
  /** Writes point {@code index} (0-based) of the sequence for {@code seed} into {@code out}. */
  void point(long seed, long index, double[] out);

  /** The largest dimension supported. */
  int maxDimension();

  /** One word for logs: uniform, sobol, halton (with the randomization, if any). */
  String describe();

  /** Independent uniform random points (counter-based SplitMix64 hashing of seed and index). */
  static PointSequence uniform() {
    return new UniformSequence();
  }

  /** Sobol points (Joe–Kuo direction numbers); with a random digital shift from the seed when asked. */
  static PointSequence sobol(boolean digitalShift) {
    return new SobolSequence(digitalShift);
  }

  /** Halton points (radical inverses in the first primes); with a random shift mod 1 when asked. */
  static PointSequence halton(boolean randomShift) {
    return new HaltonSequence(randomShift);
  }
}
