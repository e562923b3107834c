package org.varpro.core.pde;

import java.util.Arrays;

/**
 * The Halton sequence: coordinate d of point number n is the radical inverse of n in the d-th
 * prime (2, 3, 5, 7, …), computed exactly in integers and rounded once. Index i of this
 * {@link PointSequence} is point number i + 1 (number 0, the origin, is skipped), so base 2 starts
 * ½, ¼, ¾, ⅛, … and base 3 starts ⅓, ⅔, 1/9, 4/9, …
 *
 * <p>With a random shift (Cranley–Patterson rotation) coordinate d becomes (x + u_d) mod 1 with
 * u_d drawn from the seed; without it the seed is ignored.
 */
public final class HaltonSequence implements PointSequence {
  private static final long serialVersionUID = 1L;

  public static final int MAX_DIMENSION = 1000;
  private static final int[] PRIMES = primes(MAX_DIMENSION);

  private final boolean randomShift;

  public HaltonSequence(boolean randomShift) {
    this.randomShift = randomShift;
  }

  private static int[] primes(int count) {
    int[] p = new int[count];
    int found = 0;
    for (int c = 2; found < count; c++) {
      boolean prime = true;
      for (int j = 0; j < found && p[j] * p[j] <= c; j++) {
        if (c % p[j] == 0) {
          prime = false;
          break;
        }
      }
      if (prime) {
        p[found++] = c;
      }
    }
    return p;
  }

  /** The first {@code count} primes, the bases of the coordinates. */
  public static int[] bases(int count) {
    return Arrays.copyOf(PRIMES, count);
  }

  /** The radical inverse of n ≥ 0 in base b: the digits of n mirrored about the radix point. */
  public static double radicalInverse(long n, int base) {
    long reversed = 0;
    long denominator = 1;
    while (n > 0) {
      reversed = reversed * base + n % base;
      denominator *= base;
      n /= base;
    }
    return (double) reversed / denominator;
  }

  @Override
  public void point(long seed, long index, double[] out) {
    if (out.length > MAX_DIMENSION) {
      throw new IllegalArgumentException("Halton points are available in up to " + MAX_DIMENSION
          + " dimensions, asked for " + out.length);
    }
    for (int d = 0; d < out.length; d++) {
      double x = radicalInverse(index + 1, PRIMES[d]);
      if (randomShift) {
        x += Hash.unit(Hash.mix(seed, 0x4A17L + d));
        if (x >= 1) {
          x -= 1;
        }
      }
      out[d] = x;
    }
  }

  @Override
  public int maxDimension() {
    return MAX_DIMENSION;
  }

  @Override
  public String describe() {
    return randomShift ? "halton (random shift)" : "halton";
  }
}
