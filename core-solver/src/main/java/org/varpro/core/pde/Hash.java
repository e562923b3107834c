package org.varpro.core.pde;

/**
 * Counter-based random numbers: SplitMix64's finalizer applied to (seed, counter) pairs, so the
 * value for any index is computed directly, with no sequential state. This is what lets a Spark
 * partition generate its share of the points from (seed, partition) alone.
 */
final class Hash {
  static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private Hash() {}

  /** SplitMix64 finalizer (Stafford's variant 13): a bijection of 64-bit words. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A well-mixed word for the pair (seed, a). */
  static long mix(long seed, long a) {
    return mix64(mix64(seed + GOLDEN) + (a + 1) * GOLDEN);
  }

  /** The top 53 bits as a double in [0, 1). */
  static double unit(long bits) {
    return (bits >>> 11) * 0x1.0p-53;
  }
}
