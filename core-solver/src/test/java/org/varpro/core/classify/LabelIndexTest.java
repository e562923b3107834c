package org.varpro.core.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Class indices of numeric and text labels, and the JSON round trip. */
class LabelIndexTest {
  @Test
  void textLabelsByDecreasingFrequencyTiesInStringOrder() {
    LabelIndex idx = LabelIndex.of(Map.of("cat", 5L, "dog", 9L, "ant", 5L, "bee", 1L));
    assertEquals(LabelIndex.Kind.STRING, idx.kind());
    assertEquals(List.of("dog", "ant", "cat", "bee"), idx.labels());
    assertEquals(0, idx.indexOf("dog"));
    assertEquals(2, idx.indexOf(" cat "));
    assertEquals(-1, idx.indexOf("eel"));
  }

  @Test
  void numericLabelsAscendingWhateverTheirCounts() {
    LabelIndex idx = LabelIndex.of(Map.of("2", 1L, "-1", 7L, "10.5", 3L));
    assertEquals(LabelIndex.Kind.NUMERIC, idx.kind());
    assertEquals(List.of("-1", "2", "10.5"), idx.labels());
    assertEquals(1, idx.indexOf("2.0"));
    assertEquals(2, idx.indexOf(10.5));
    assertEquals(-1, idx.indexOf(3.0));
    assertEquals(-1, idx.indexOf("two"));
    assertEquals(LabelIndex.range(3), LabelIndex.numeric(2, 0, 1, 1));
  }

  @Test
  void oneNonNumericLabelMakesAllLabelsText() {
    LabelIndex idx = LabelIndex.of(Map.of("1", 2L, "x", 1L));
    assertEquals(LabelIndex.Kind.STRING, idx.kind());
    assertEquals(List.of("1", "x"), idx.labels());
  }

  @Test
  void roundTripsThroughItsMapForm() {
    LabelIndex idx = LabelIndex.byFrequency(Map.of("b", 2L, "a", 1L));
    assertEquals(Map.of("type", "string", "labels", List.of("b", "a")), idx.toMap());
    assertEquals(idx, LabelIndex.fromMap(idx.toMap()));
    assertEquals(LabelIndex.range(10), LabelIndex.fromMap(LabelIndex.range(10).toMap()));
  }

  @Test
  void aSingleClassIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LabelIndex.of(Map.of("yes", 4L)));
    assertEquals("a classification needs at least 2 classes, found 1 (yes)", e.getMessage());
  }
}
