package org.varpro.core.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Gram sums kept as the upper triangle and shipped packed: the sums against MᵀM summed
 * directly, the serial form's size and round trip, and merges of shipped partials bit for bit
 * equal to merges of the originals.
 */
class GramStatsTest {
  private static final int COLS = 37;

  private static GramStats summary(int[] rows, long seed) {
    GramStats s = new GramStats(COLS);
    for (int b = 0; b < rows.length; b++) {
      s.addRows(GaussianBlocks.block(rows[b], COLS, seed + b), rows[b]);
    }
    return s;
  }

  @SuppressWarnings("unchecked")
  private static <T> T shipped(T value, int[] bytes) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(out)) {
      o.writeObject(value);
    }
    bytes[0] = out.size();
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(out.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @Test
  void sumsOfBlocksAndMergesAreTheGramMatrixBothTriangles() {
    int[] first = {5, 60, 1};
    int[] second = {17, 3};
    double[] g = summary(first, 0).merge(summary(second, 100)).gram();
    double[] direct = GaussianBlocks.gram(first, COLS, 0);
    double[] directSecond = GaussianBlocks.gram(second, COLS, 100);
    for (int i = 0; i < direct.length; i++) {
      direct[i] += directSecond[i];
    }
    // Sums of at most 86 products of standard normals (entries up to ~100): different summation
    // orders agree to a few hundred ulp of 100, far below 1e-11.
    for (int j = 0; j < COLS; j++) {
      for (int k = 0; k < COLS; k++) {
        assertEquals(direct[j + k * COLS], g[j + k * COLS], 1e-11, "entry " + j + "," + k);
        assertEquals(g[k + j * COLS], g[j + k * COLS], 0.0, "symmetric " + j + "," + k);
      }
    }
  }

  @Test
  void shipsItsUpperTrianglePackedAndReadsAndMergesBitForBitAfterwards() throws Exception {
    GramStats a = summary(new int[] {9, 40}, 1);
    GramStats b = summary(new int[] {2, 31}, 7);
    int[] bytes = new int[1];
    GramStats shippedA = shipped(summary(new int[] {9, 40}, 1), bytes);
    GramStats shippedB = shipped(summary(new int[] {2, 31}, 7), new int[1]);
    // N(N+1)/2 doubles plus the stream's class descriptors (a few hundred bytes), not N² doubles.
    int packed = 8 * COLS * (COLS + 1) / 2;
    assertTrue(bytes[0] >= packed && bytes[0] < packed + 1024, bytes[0] + " bytes for " + packed + " packed");
    assertEquals(a.count(), shippedA.count());
    assertEquals(COLS, shippedA.cols());
    assertArrayEquals(a.gram(), shippedA.gram());
    // A shipped partial merged into a local one and a shipped one merged into a shipped one.
    double[] local = summary(new int[] {9, 40}, 1).merge(b).gram();
    assertArrayEquals(local, summary(new int[] {9, 40}, 1).merge(shippedB).gram());
    assertArrayEquals(local, shippedA.merge(shippedB).gram());
    assertEquals(a.count() + b.count(), shippedA.count());
    // Shipping a merged summary again changes nothing either.
    GramStats twice = shipped(shippedA, new int[1]);
    assertArrayEquals(local, twice.gram());
  }

  @Test
  void packingKeepsTheUpperTrapezoidAndRejectsAWrongLength() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int[] shape : new int[][] {{6, 6}, {4, 9}, {1, 5}, {0, 3}}) {
      int rows = shape[0];
      int cols = shape[1];
      double[] a = new double[rows * cols];
      for (int i = 0; i < a.length; i++) {
        a[i] = rng.nextDouble();
      }
      double[] packed = UpperPacking.pack(a, rows, cols);
      int size = 0;
      for (int j = 0; j < cols; j++) {
        size += Math.min(j + 1, rows);
      }
      assertEquals(size, packed.length);
      double[] back = UpperPacking.unpack(packed, rows, cols);
      for (int j = 0; j < cols; j++) {
        for (int i = 0; i < rows; i++) {
          assertEquals(i <= j ? a[i + j * rows] : 0.0, back[i + j * rows], 0.0, rows + "x" + cols + " " + i + "," + j);
        }
      }
    }
    assertThrows(IllegalArgumentException.class, () -> UpperPacking.unpack(new double[5], 3, 3));
  }

  @Test
  void mergingSummariesOfDifferentWidthsIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new GramStats(3).merge(new GramStats(4)));
  }
}
