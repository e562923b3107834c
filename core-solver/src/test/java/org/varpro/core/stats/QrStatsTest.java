package org.varpro.core.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The buffered TSQR: RᵀR = MᵀM, and a summary's results do not depend on when it was read. */
class QrStatsTest {
  private static final int COLS = 6;

  private static double[] block(int rows, long seed) {
    return GaussianBlocks.block(rows, COLS, seed);
  }

  /** MᵀM of the blocks, summed directly. */
  private static double[] gram(int[] rows) {
    return GaussianBlocks.gram(rows, COLS, 0);
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
    // Partials are only merged after shipping (a task result, a shuffle): the same bits.
    QrStats intoLocal = new QrStats(COLS);
    QrStats intoShipped = new QrStats(COLS);
    intoLocal.addRows(block(3, 11), 3);
    intoShipped.addRows(block(3, 11), 3);
    intoLocal.merge(copyOf(rows));
    intoShipped.merge(shipped);
    assertArrayEquals(intoLocal.triangular().r(), intoShipped.triangular().r());
    assertArrayEquals(copyOf(rows).merge(intoLocal).gram(), shipped.merge(intoShipped).gram());

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

  /** Gaussian rows × cols block. */
  private static double[] wide(int rows, int cols, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] m = new double[rows * cols];
    for (int i = 0; i < m.length; i++) {
      m[i] = rng.nextGaussian();
    }
    return m;
  }

  /** Partial j: blocks of 90, 130 and 7 rows of 100 columns (several panels of the structured kernel). */
  private static QrStats partial(int j, int cols) {
    QrStats s = new QrStats(cols);
    int[] rows = {90, 130, 7};
    for (int b = 0; b < rows.length; b++) {
      s.addRows(wide(rows[b], cols, 10L * j + b), rows[b]);
    }
    return s;
  }

  /**
   * The pairwise tree of the Jacobian pass (((0,1),(2,3)),4) against merging the partials one by
   * one into the first: the same factor to rounding (RᵀR equal as the Gram matrix of all rows),
   * and the tree twice gives the same bits.
   */
  @Test
  void treeMergeEqualsSequentialMergeToRounding() {
    int cols = 100;
    int parts = 5;
    double[][] trees = new double[2][];
    for (int run = 0; run < 2; run++) {
      List<QrStats> level = new ArrayList<>();
      for (int j = 0; j < parts; j++) {
        level.add(partial(j, cols));
      }
      while (level.size() > 1) {
        List<QrStats> next = new ArrayList<>();
        for (int i = 0; i < level.size(); i += 2) {
          next.add(i + 1 < level.size() ? (QrStats) level.get(i).merge(level.get(i + 1)) : level.get(i));
        }
        level = next;
      }
      trees[run] = level.get(0).triangular().r();
      assertEquals(parts * 227L, level.get(0).count());
    }
    assertArrayEquals(trees[0], trees[1], "the same tree twice: bit-identical");
    QrStats sequential = partial(0, cols);
    for (int j = 1; j < parts; j++) {
      sequential.merge(partial(j, cols));
    }
    QrStats tree = QrStats.ofFactor(new Triangular(cols, cols, trees[0]), parts * 227L);
    // Gram matrix of 1135 Gaussian rows: well conditioned (κ ≈ 2), so both factorizations give
    // RᵀR to a few ulp of its largest entry (≈ 1135).
    double rel = maxRelative(tree.gram(), sequential.gram());
    assertTrue(rel < 1e-13, "tree vs sequential R^T R: " + rel);
  }
  /** The chunk rule: powers of two up to 4, every chunk at least one factor's worth of rows. */
  @Test
  void blocksAreCutIntoChunksOfAtLeastOneFactorEach() {
    assertEquals(1, QrStats.chunks(515, 258));
    assertEquals(2, QrStats.chunks(516, 258));
    assertEquals(2, QrStats.chunks(1020, 258));
    assertEquals(4, QrStats.chunks(1032, 258));
    assertEquals(4, QrStats.chunks(3500, 322));
    assertEquals(1, QrStats.chunks(2048, 2042));
  }

  /**
   * addRows borrows the caller's array for the call only: a caller that refills one buffer for
   * every block (longer than the blocks, poisoned after each call) gets the bits of a caller that
   * hands over fresh arrays, and RᵀR is the Gram matrix of the rows. 70 columns take the
   * multi-panel kernel with a 512-row buffer: the first 100 + 30 rows pend (copied), 400 rows
   * complete the trapezoid, then 300 + 100 pend and 200 stack them into the reused buffer, 700
   * rows go in alone (in place, the caller's array the workspace), and 50 pend at the end.
   */
  @Test
  void aBorrowedBufferGivesTheBitsOfFreshArrays() {
    int cols = 70;
    int[] rows = {100, 30, 400, 300, 100, 200, 700, 50};
    QrStats fresh = new QrStats(cols);
    QrStats borrowed = new QrStats(cols);
    double[] buffer = new double[800 * cols];
    for (int b = 0; b < rows.length; b++) {
      double[] m = GaussianBlocks.block(rows[b], cols, 30 + b);
      fresh.addRows(m.clone(), rows[b]);
      Arrays.fill(buffer, Double.NaN);
      System.arraycopy(m, 0, buffer, 0, m.length);
      borrowed.addRows(buffer, rows[b]);
      Arrays.fill(buffer, Double.NaN);
    }
    assertArrayEquals(fresh.triangular().r(), borrowed.triangular().r());
    assertEquals(1880, borrowed.count());
    // 1880 Gaussian rows of 70 columns: κ(M) ≈ 1.5, so RᵀR matches MᵀM to a few ulp of ≈ 1880.
    double rel = maxRelative(borrowed.gram(), GaussianBlocks.gram(rows, cols, 30));
    assertTrue(rel < 1e-13, "R^T R vs M^T M: " + rel);
  }

  /** A factor merged into an empty summary is taken as it is, bit for bit. */
  @Test
  void mergingIntoAnEmptySummaryKeepsTheFactor() {
    QrStats full = QrStats.factorOf(block(40, 3), 40, COLS);
    QrStats empty = new QrStats(COLS);
    empty.merge(full);
    assertArrayEquals(full.triangular().r(), empty.triangular().r());
    assertEquals(40, empty.count());
    QrStats fewRows = QrStats.factorOf(block(4, 5), 4, COLS);
    QrStats empty2 = new QrStats(COLS);
    empty2.merge(fewRows);
    assertArrayEquals(fewRows.triangular().r(), empty2.triangular().r());
  }
}
