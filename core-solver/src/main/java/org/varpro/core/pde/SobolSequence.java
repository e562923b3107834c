package org.varpro.core.pde;

/**
 * The Sobol sequence in up to {@value #MAX_DIMENSION} dimensions, 32-bit, in Gray-code order,
 * with the direction numbers of S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better
 * two-dimensional projections", SIAM J. Sci. Comput. 30 (2008) 2635–2654 (file
 * new-joe-kuo-6.21201). Dimension 1 is the van der Corput sequence in base 2.
 *
 * <p>Sobol point number n is x_n = ⊕_j g_j V_j with g = n ⊕ (n ≫ 1) (the Gray code of n), so
 * any point is computed directly from its number. Index i of this {@link PointSequence} is point
 * number i + 1: number 0 (the origin, a corner of the box) is skipped, so the first points are
 * (½, ½, …), (¾, ¼, …), (¼, ¾, …), as in the published sequence after its first point.
 *
 * <p>With a digital shift every coordinate's 32 bits are XOR-ed with a word drawn from the seed
 * (the same word for all points), which keeps the (t, s)-net structure; without it the seed is
 * ignored.
 */
public final class SobolSequence implements PointSequence {
  private static final long serialVersionUID = 1L;

  public static final int MAX_DIMENSION = 21;
  private static final int BITS = 32;

  /**
   * Joe–Kuo dimensions 2..21: degree s of the primitive polynomial, its coefficients a (the
   * inner bits), then the initial direction numbers m_1..m_s.
   */
  private static final int[][] JOE_KUO = {
      {1, 0, 1},
      {2, 1, 1, 3},
      {3, 1, 1, 3, 1},
      {3, 2, 1, 1, 1},
      {4, 1, 1, 1, 3, 3},
      {4, 4, 1, 3, 5, 13},
      {5, 2, 1, 1, 5, 5, 17},
      {5, 4, 1, 1, 5, 5, 5},
      {5, 7, 1, 1, 7, 11, 19},
      {5, 11, 1, 1, 5, 1, 1},
      {5, 13, 1, 1, 1, 3, 11},
      {5, 14, 1, 3, 5, 5, 31},
      {6, 1, 1, 3, 3, 9, 7, 49},
      {6, 13, 1, 1, 1, 15, 21, 21},
      {6, 16, 1, 3, 1, 13, 27, 49},
      {6, 19, 1, 1, 1, 15, 7, 5},
      {6, 22, 1, 3, 1, 15, 13, 25},
      {6, 25, 1, 1, 5, 5, 19, 61},
      {7, 1, 1, 3, 7, 11, 23, 15, 103},
      {7, 4, 1, 3, 7, 13, 13, 15, 69},
  };

  /** V[d][k]: direction number k+1 of dimension d+1, as a 32-bit word (m_k shifted left by 32−k). */
  private static final int[][] DIRECTIONS = directions();

  private final boolean digitalShift;

  public SobolSequence(boolean digitalShift) {
    this.digitalShift = digitalShift;
  }

  private static int[][] directions() {
    int[][] v = new int[MAX_DIMENSION][BITS];
    for (int k = 0; k < BITS; k++) {
      v[0][k] = 1 << (BITS - 1 - k);
    }
    for (int d = 1; d < MAX_DIMENSION; d++) {
      int[] row = JOE_KUO[d - 1];
      int s = row[0];
      int a = row[1];
      int[] vd = v[d];
      for (int k = 0; k < s; k++) {
        vd[k] = row[2 + k] << (BITS - 1 - k);
      }
      for (int k = s; k < BITS; k++) {
        // V_k = V_{k−s} ⊕ (V_{k−s} ≫ s) ⊕ ⊕_{j=1}^{s−1} a_j V_{k−j}
        int x = vd[k - s] ^ (vd[k - s] >>> s);
        for (int j = 1; j < s; j++) {
          if (((a >>> (s - 1 - j)) & 1) != 0) {
            x ^= vd[k - j];
          }
        }
        vd[k] = x;
      }
    }
    return v;
  }

  /** The 32-bit integer coordinates of Sobol point number n (n = 0 is the origin), unshifted. */
  public static int[] integerPoint(long n, int dim) {
    if (dim > MAX_DIMENSION) {
      throw new IllegalArgumentException("Sobol points are available in up to " + MAX_DIMENSION
          + " dimensions, asked for " + dim);
    }
    if (n < 0 || n >= (1L << BITS)) {
      throw new IllegalArgumentException("Sobol point number " + n + " outside 0..2^32−1");
    }
    long gray = n ^ (n >>> 1);
    int[] out = new int[dim];
    for (int k = 0; gray != 0; k++, gray >>>= 1) {
      if ((gray & 1) != 0) {
        for (int d = 0; d < dim; d++) {
          out[d] ^= DIRECTIONS[d][k];
        }
      }
    }
    return out;
  }

  @Override
  public void point(long seed, long index, double[] out) {
    int[] bits = integerPoint(index + 1, out.length);
    for (int d = 0; d < out.length; d++) {
      int b = bits[d];
      if (digitalShift) {
        b ^= (int) (Hash.mix(seed, 0x50B0L + d) >>> 32);
      }
      out[d] = (b & 0xFFFFFFFFL) * 0x1.0p-32;
    }
  }

  @Override
  public int maxDimension() {
    return MAX_DIMENSION;
  }

  @Override
  public String describe() {
    return digitalShift ? "sobol (digital shift)" : "sobol";
  }
}
