package org.varpro.spark;

import java.util.Map;
import org.varpro.core.classify.LabelIndex;

/**
 * The label column of a classification table: label texts checked where they are read, counted
 * into a {@link LabelIndex}, and mapped to class indices (stored as doubles in a row's label,
 * the encoding of {@link org.varpro.core.classify.ClassLabels}). Plain Java, no Spark.
 */
public final class ClassColumn {
  /** More distinct labels than this is taken for a mistake (a regression target, an id column). */
  public static final int MAX_CLASSES = 10_000;

  private ClassColumn() {}

  /** A label as written, blanks around it removed; an empty label is a {@link DataError}. */
  public static String text(String field, String column, String file, long line) {
    String t = field == null ? "" : field.strip();
    if (t.isEmpty()) {
      throw new DataError(file, line, "empty label in column " + column);
    }
    return t;
  }

  /** The class of a label, or a {@link DataError} when the label is empty or not one of the classes. */
  public static double classOf(LabelIndex classes, String field, String column, String file, long line) {
    String t = text(field, column, file, line);
    int k = classes.indexOf(t);
    if (k < 0) {
      throw new DataError(file, line, unseen(classes, t, column));
    }
    return k;
  }

  /** The message for a label that is not one of the classes. */
  static String unseen(LabelIndex classes, String label, String column) {
    return "label '" + label + "' in column " + column + " is not one of the " + classes.classes()
        + " classes of the training data (" + shortList(classes) + ")";
  }

  /**
   * The classes of the label counts of a table ({@link LabelIndex#of}); a single class or more
   * than {@link #MAX_CLASSES} is a {@link DataError} naming the data and the column.
   */
  public static LabelIndex index(Map<String, Long> counts, String column, String where) {
    if (counts.isEmpty()) {
      throw new DataError(where, 0, "no data rows");
    }
    if (counts.size() == 1) {
      Map.Entry<String, Long> only = counts.entrySet().iterator().next();
      throw new DataError(where, 0, "a single class in column " + column + " (every one of the " + only.getValue()
          + " rows is labelled '" + only.getKey() + "'); a classification needs at least 2 classes");
    }
    if (counts.size() > MAX_CLASSES) {
      throw new DataError(where, 0, "column " + column + " has " + counts.size() + " distinct labels (at most "
          + MAX_CLASSES + " classes); is it a regression target?");
    }
    return LabelIndex.of(counts);
  }

  private static String shortList(LabelIndex classes) {
    int n = Math.min(10, classes.classes());
    String s = String.join(", ", classes.labels().subList(0, n));
    return n < classes.classes() ? s + ", …" : s;
  }
}
