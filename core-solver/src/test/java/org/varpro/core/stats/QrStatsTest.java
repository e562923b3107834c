package org.varpro.core.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The buffered TSQR: RᵀR = MᵀM, and a summary's results do not depend on when it was read. */
class QrStatsTest {
  private static final int COLS = 6;

  private static double[] block(int rows, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] m = new double[rows * COLS];
    for (int i = 0; i < m.length; i++) {
      m[i] = rng.nextGaussian();
    }
    return m;
  }

  /** MᵀM of the blocks, summed directly. */
  private static double[] gram(int[] rows) {
    double[] g = new double[COLS * COLS];
    for (int b = 0; b < rows.length; b++) {
      double[] m = block(rows[b], b);
      for (int j = 0; j < COLS; j++) {
        for (int k = 0; k < COLS; k++) {
          for (int i = 0; i < rows[b]; i++) {
            g[j + k * COLS] += m[i + j * rows[b]] * m[i + k * rows[b]];
          }
        }
      }
    }
    return g;
  }

  private static double maxRelative(double[] a, double[] b) {
    double scale = 0;
    double diff = 0;
    for (int i = 0; i < a.length; i++) {
      scale = Math.max(scale, Math.abs(b[i]));
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
    }
    return diff / scale;
  }

  @Test
  void factorOfSmallAndLargeBlocksReproducesTheGramMatrix() {
    // 3 + 2 + 5 rows stay pending (< 8·6), then 60 rows cross the threshold, then 4 + 1 pend.
    int[] rows = {3, 2, 5, 60, 4, 1};
    QrStats s = new QrStats(COLS);
    for (int b = 0; b < rows.length; b++) {
      s.addRows(block(rows[b], b), rows[b]);
    }
    Triangular t = s.triangular();
    assertEquals(COLS, t.rows());
    assertEquals(75, s.count());
    double[] rtr = new double[COLS * COLS];
    for (int j = 0; j < COLS; j++) {
      for (int k = 0; k < COLS; k++) {
        for (int i = 0; i <= Math.min(j, k); i++) {
          rtr[j + k * COLS] += t.get(i, j) * t.get(i, k);
        }
      }
    }
    // Householder QR is backward stable: RᵀR matches MᵀM to a few ulp of its largest entry.
    assertTrue(maxRelative(rtr, gram(rows)) < 1e-13, "R^T R vs M^T M: " + maxRelative(rtr, gram(rows)));
    assertTrue(maxRelative(s.gram(), gram(rows)) < 1e-13);
  }

  private static QrStats copyOf(int[] rows) {
    QrStats s = new QrStats(COLS);
    for (int b = 0; b < rows.length; b++) {
      s.addRows(block(rows[b], b), rows[b]);
    }
    return s;
  }

  @Test
  void readingOrShippingASummaryChangesNoLaterResult() throws Exception {
    int[] rows = {3, 2, 5, 4};
    QrStats read = new QrStats(COLS);
    QrStats unread = new QrStats(COLS);
    for (int b = 0; b < rows.length; b++) {
      read.addRows(block(rows[b], b), rows[b]);
      unread.addRows(block(rows[b], b), rows[b]);
      read.triangular();
      read.gram();
    }
    assertArrayEquals(unread.triangular().r(), read.triangular().r());

    // Serialized (a Spark task's result): the copy reads the same factor and goes on identically.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(read);
    }
    QrStats shipped;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      shipped = (QrStats) in.readObject();
    }
    assertArrayEquals(read.triangular().r(), shipped.triangular().r());
    assertEquals(read.count(), shipped.count());
    QrStats local = copyOf(rows);
    local.addRows(block(3, 11), 3);
    shipped.addRows(block(3, 11), 3);
    assertArrayEquals(local.triangular().r(), shipped.triangular().r());

    // Merging a read and an unread copy of the same summary gives the same result.
    QrStats a = new QrStats(COLS);
    QrStats b = new QrStats(COLS);
    a.addRows(block(7, 9), 7);
    b.addRows(block(7, 9), 7);
    a.merge(read);
    b.merge(unread);
    a.addRows(block(2, 10), 2);
    b.addRows(block(2, 10), 2);
    assertArrayEquals(b.triangular().r(), a.triangular().r());
    assertArrayEquals(unread.triangular().r(), read.triangular().r(), "merging reads the other summary only");
  }
}
