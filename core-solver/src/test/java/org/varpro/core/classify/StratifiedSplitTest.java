package org.varpro.core.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The stratified split: per-class counts, reproducibility, and too small classes. */
class StratifiedSplitTest {
  private static int[] labels(int... counts) {
    int n = 0;
    for (int c : counts) {
      n += c;
    }
    int[] l = new int[n];
    // Interleaved classes, so that the rows of a class are not contiguous.
    int i = 0;
    int[] left = counts.clone();
    while (i < n) {
      for (int k = 0; k < counts.length; k++) {
        if (left[k]-- > 0) {
          l[i++] = k;
        }
      }
    }
    return l;
  }

  @Test
  void holdsOutTheRoundedShareOfEveryClassReproducibly() {
    int[] l = labels(10, 7, 3);
    boolean[] held = StratifiedSplit.heldOut(l, 3, 0.3, 5, true, null);
    int[] perClass = new int[3];
    for (int i = 0; i < l.length; i++) {
      perClass[l[i]] += held[i] ? 1 : 0;
    }
    // round(0.3 · 10) = 3, round(0.3 · 7) = 2, round(0.3 · 3) = 1
    assertArrayEquals(new int[] {3, 2, 1}, perClass);
    assertArrayEquals(held, StratifiedSplit.heldOut(l, 3, 0.3, 5, true, null));
  }

  @Test
  void labeledDataSplitIsThisSplit() {
    int[] l = labels(6, 9, 4);
    double[] x = new double[l.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = i;
    }
    LabeledData.Split s = new LabeledData(l.length, 1, 3, x, l).split(0.25, 11);
    boolean[] held = StratifiedSplit.heldOut(l, 3, 0.25, 11, false, null);
    int t = 0;
    for (int i = 0; i < l.length; i++) {
      if (held[i]) {
        assertEquals(i, s.test().x()[t++], 0.0);
      }
    }
    assertEquals(s.test().rows(), t);
  }

  @Test
  void aClassWithoutRowsOnBothSidesIsNamed() {
    int[] l = labels(8, 1);
    StratifiedSplit.TooFewRows e = assertThrows(StratifiedSplit.TooFewRows.class,
        () -> StratifiedSplit.heldOut(l, 2, 0.25, 1, true, List.of("cat", "dog")));
    assertTrue(e.getMessage().startsWith("class 'dog' has 1 row, too few"), e.getMessage());
    // Without the requirement the same split is made (the class stays on the kept side).
    boolean[] held = StratifiedSplit.heldOut(l, 2, 0.25, 1, false, null);
    assertEquals(false, held[1]);
  }
}
