package org.varpro.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The structured stacked QR against LAPACK's dgeqrf of the explicitly stacked matrix: both run
 * the same Householder reflectors (the structured one skips the products with known zeros), so
 * their R factors agree entry by entry, signs included, to rounding.
 */
class StackedQrTest {
  private static double[] gaussian(int length, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] a = new double[length];
    for (int i = 0; i < length; i++) {
      a[i] = rng.nextGaussian();
    }
    return a;
  }

  /** An n×n upper triangle: the R of 2n Gaussian rows. */
  private static double[] triangle(int n, long seed) {
    return Lapack.qrFactor(gaussian(2 * n * n, seed), 2 * n, n);
  }

  /** B (m×n) with its last l rows upper trapezoidal (zero left of their diagonal). */
  private static double[] pentagon(int m, int n, int l, long seed) {
    double[] b = gaussian(m * n, seed);
    for (int i = 0; i < l; i++) {
      for (int j = 0; j < Math.min(i, n); j++) {
        b[m - l + i + j * m] = 0.0;
      }
    }
    return b;
  }

  /** The R of dgeqrf on [R; B] stacked. */
  private static double[] stackedReference(double[] r, int n, double[] b, int m) {
    int total = n + m;
    double[] s = new double[total * n];
    for (int j = 0; j < n; j++) {
      System.arraycopy(r, j * n, s, j * total, n);
      System.arraycopy(b, j * m, s, n + j * total, m);
    }
    return Lapack.qrFactor(s, total, n);
  }

  private static void assertSameFactor(int n, int m, int l, int panel, long seed) {
    double[] r = triangle(n, seed);
    double[] b = pentagon(m, n, l, seed + 1);
    double[] expected = stackedReference(r, n, b, m);
    double[] got = r.clone();
    StackedQr.factor(got, n, b.clone(), m, l, panel);
    double scale = 0;
    double diff = 0;
    for (int i = 0; i < expected.length; i++) {
      scale = Math.max(scale, Math.abs(expected[i]));
      diff = Math.max(diff, Math.abs(got[i] - expected[i]));
    }
    // Both are backward-stable QRs of a Gaussian matrix with condition number O(10): their
    // factors differ by a small multiple of n·ε relative to the largest entry.
    assertTrue(diff <= 1e-13 * scale, "n=" + n + " m=" + m + " l=" + l + " panel=" + panel
        + ": max difference " + diff / scale + " of the largest entry");
  }

  @Test
  void denseBlockUnderATriangleMatchesTheStackedDgeqrf() {
    assertSameFactor(70, 50, 0, 16, 1); // several panels, a narrower last one
    assertSameFactor(70, 5, 0, 32, 2); // fewer rows than a panel
    assertSameFactor(40, 100, 0, 40, 3); // one panel, split once (20 + 20 columns)
    assertSameFactor(150, 120, 0, 96, 9); // panels split twice (96 → 48 → 24) and a last one of 54
  }

  @Test
  void twoTrianglesAndAPentagonMatchTheStackedDgeqrf() {
    assertSameFactor(70, 70, 70, 16, 4); // the merge of two factors
    assertSameFactor(70, 30, 30, 16, 5); // a trapezoidal factor of fewer rows merged in
    assertSameFactor(70, 50, 20, 24, 6); // dense rows above a trapezoid
  }

  @Test
  void zeroColumnsGiveIdentityReflectorsAndRerunsAreBitIdentical() {
    int n = 48;
    int m = 40;
    double[] r = triangle(n, 7);
    double[] b = pentagon(m, n, 0, 8);
    for (int i = 0; i < m; i++) {
      b[i + 5 * m] = 0.0; // column 5 of B is zero: τ = 0 there (H = I)
    }
    double[] expected = stackedReference(r, n, b, m);
    double[] first = r.clone();
    StackedQr.factor(first, n, b.clone(), m, 0, 16);
    double[] second = r.clone();
    StackedQr.factor(second, n, b.clone(), m, 0, 16);
    assertArrayEquals(first, second);
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Math.abs(first[i] - expected[i]) <= 1e-13 * 10, "entry " + i);
    }
  }
}
