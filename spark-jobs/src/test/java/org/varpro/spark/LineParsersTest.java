package org.varpro.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.varpro.core.classify.LabelIndex;
import org.varpro.spark.DelimitedText.LineParser;
import org.varpro.spark.DelimitedText.Separator;
import org.varpro.spark.InputFiles.Line;

/** The line parsers of delimited text and LibSVM, and the class column, without Spark. */
class LineParsersTest {
  private static final String[] FILES = {"a.csv", "b.csv"};
  private static final String[] NAMES = {"x1", "x2", "kind", "w"};
  private static final LabelIndex CLASSES = LabelIndex.of(Map.of("cat", 3L, "dog", 5L));

  private static LineParser csv(LabelIndex classes) {
    return new LineParser(FILES, true, "x1,x2,kind,w", Separator.of(","), NAMES, new int[] {0, 1},
        new int[] {2}, 3, classes);
  }

  @Test
  void splitsQuotedFieldsAndBlanks() {
    assertEquals(List.of("1", "a,b", "say \"hi\"", ""), DelimitedText.splitFields(" 1 ,\"a,b\",\"say \"\"hi\"\"\",", ',', false));
    assertEquals(List.of("1", "2", "3"), DelimitedText.splitFields("  1 \t2   3 ", ' ', true));
  }

  @Test
  void parsesARowWithAClassLabelAndAWeight() {
    ParsedRow r = csv(CLASSES).parse(new Line(1, 7, "0.5, -2,cat,3"));
    assertArrayEquals(new double[] {0.5, -2}, r.x, 0.0);
    assertArrayEquals(new double[] {1}, r.y, 0.0); // dog (5 rows) is class 0, cat class 1
    assertEquals(3.0, r.w, 0.0);
    assertNull(csv(CLASSES).parse(new Line(0, 1, "x1,x2,kind,w")), "the header is no row");
    assertNull(csv(CLASSES).parse(new Line(0, 4, "   ")), "blank lines are skipped");
    assertEquals("dog", csv(null).labelText(new Line(0, 2, "1,2, dog ,1")));
  }

  @Test
  void badFieldsNameTheFileLineAndColumn() {
    assertEquals("b.csv:9: non-numeric value 'abc' in column x2",
        assertThrows(DataError.class, () -> csv(CLASSES).parse(new Line(1, 9, "1,abc,cat,1"))).getMessage());
    assertEquals("a.csv:3: empty label in column kind",
        assertThrows(DataError.class, () -> csv(null).labelText(new Line(0, 3, "1,2,,1"))).getMessage());
    assertEquals("a.csv:5: label 'eel' in column kind is not one of the 2 classes of the training data (dog, cat)",
        assertThrows(DataError.class, () -> csv(CLASSES).parse(new Line(0, 5, "1,2,eel,1"))).getMessage());
    assertEquals("a.csv:6: negative weight -1 in column w",
        assertThrows(DataError.class, () -> csv(CLASSES).parse(new Line(0, 6, "1,2,cat,-1"))).getMessage());
    assertEquals("b.csv:2: expected 4 columns, found 3",
        assertThrows(DataError.class, () -> csv(CLASSES).parse(new Line(1, 2, "1,2,cat"))).getMessage());
  }

  @Test
  void libSvmLinesWithNumericAndClassLabels() {
    LibSvmText numeric = new LibSvmText(FILES, 1, 4, null);
    ParsedRow r = numeric.parse(new Line(0, 1, "2.5 1:3 4:-1"));
    assertArrayEquals(new double[] {3, 0, 0, -1}, r.x, 0.0);
    assertArrayEquals(new double[] {2.5}, r.y, 0.0);
    assertNull(numeric.parse(new Line(0, 2, "# comment")));
    LibSvmText classes = new LibSvmText(FILES, 1, 4, LabelIndex.numeric(-1, 1));
    assertArrayEquals(new double[] {0}, classes.parse(new Line(0, 3, "-1 2:1")).y, 0.0);
    assertEquals("a.csv:4: label '0' in column label is not one of the 2 classes of the training data (-1, 1)",
        assertThrows(DataError.class, () -> classes.parse(new Line(0, 4, "0 2:1"))).getMessage());
    assertEquals("b.csv:8: indices must be 1-based and ascending, found 2 after 3",
        assertThrows(DataError.class, () -> numeric.parse(new Line(1, 8, "1 3:1 2:1"))).getMessage());
    assertEquals("+1", numeric.labelText(new Line(0, 5, "+1 1:0")));
  }

  @Test
  void aSingleClassIsAnErrorNamingTheColumn() {
    assertEquals("t.csv: a single class in column kind (every one of the 4 rows is labelled 'cat'); "
        + "a classification needs at least 2 classes",
        assertThrows(DataError.class, () -> ClassColumn.index(Map.of("cat", 4L), "kind", "t.csv")).getMessage());
  }
}
