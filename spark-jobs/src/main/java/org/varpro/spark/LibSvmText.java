package org.varpro.spark;

import java.io.Serializable;
import org.varpro.core.classify.LabelIndex;
import org.varpro.spark.InputFiles.Line;

/**
 * Parses LibSVM lines, {@code label[,label…] index:value …} with 1-based ascending indices;
 * blank and {@code #} lines carry no row. Labels are numbers, or with a {@link LabelIndex} class
 * labels mapped to their class index. Plain Java, no Spark ({@link LibSvmReader} maps it over
 * the lines).
 */
final class LibSvmText implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String[] files;
  private final int labels;
  private final int features;
  private final LabelIndex classes;

  /**
   * @param files the input files as the user sees them
   * @param labels labels per line
   * @param features the feature count (indices above it are errors)
   * @param classes the classes of a classification label (one label), null for numbers
   */
  LibSvmText(String[] files, int labels, int features, LabelIndex classes) {
    if (classes != null && labels != 1) {
      throw new IllegalArgumentException("a classification needs exactly one label per line, got " + labels);
    }
    this.files = files;
    this.labels = labels;
    this.features = features;
    this.classes = classes;
  }

  static boolean isData(String line) {
    String t = line.strip();
    return !t.isEmpty() && !t.startsWith("#");
  }

  static int labelCount(String line) {
    return line.strip().split("\\s+")[0].split(",", -1).length;
  }

  /** Validates the line and returns its largest feature index (0 for non-data lines). */
  int largestIndex(Line l) {
    Sparse s = sparse(l);
    return s == null || s.index.length == 0 ? 0 : s.index[s.index.length - 1];
  }

  ParsedRow parse(Line l) {
    Sparse s = sparse(l);
    if (s == null) {
      return null;
    }
    double[] x = new double[features];
    for (int i = 0; i < s.index.length; i++) {
      x[s.index[i] - 1] = s.value[i];
    }
    return new ParsedRow(x, s.labels, 1.0);
  }

  /** The label of a data line as written (for the class census), null for other lines. */
  String labelText(Line l) {
    if (!isData(l.text())) {
      return null;
    }
    String[] ls = l.text().strip().split("\\s+")[0].split(",", -1);
    if (ls.length != 1) {
      throw new DataError(files[l.file()], l.line(), "expected 1 label, found " + ls.length);
    }
    return ClassColumn.text(ls[0], "label", files[l.file()], l.line());
  }

  private record Sparse(double[] labels, int[] index, double[] value) {}

  private Sparse sparse(Line l) {
    if (!isData(l.text())) {
      return null;
    }
    String file = files[l.file()];
    String[] tokens = l.text().strip().split("\\s+");
    String[] ls = tokens[0].split(",", -1);
    if (ls.length != labels) {
      throw new DataError(file, l.line(), "expected " + labels + " label(s), found " + ls.length);
    }
    double[] y = new double[labels];
    for (int j = 0; j < labels; j++) {
      String column = labels == 1 ? "label" : "label_" + (j + 1);
      y[j] = classes == null ? DelimitedText.number(ls[j], column, file, l.line())
          : ClassColumn.classOf(classes, ls[j], column, file, l.line());
    }
    int[] index = new int[tokens.length - 1];
    double[] value = new double[tokens.length - 1];
    int previous = 0;
    for (int i = 1; i < tokens.length; i++) {
      String tok = tokens[i];
      int colon = tok.indexOf(':');
      if (colon <= 0) {
        throw new DataError(file, l.line(), "malformed entry '" + tok + "' (expected index:value)");
      }
      int idx;
      try {
        idx = Integer.parseInt(tok.substring(0, colon));
      } catch (NumberFormatException e) {
        throw new DataError(file, l.line(), "non-numeric index '" + tok.substring(0, colon) + "'");
      }
      if (idx <= previous) {
        throw new DataError(file, l.line(), "indices must be 1-based and ascending, found " + idx + " after " + previous);
      }
      if (idx > features) {
        throw new DataError(file, l.line(), "feature index " + idx + " exceeds num-features = " + features);
      }
      previous = idx;
      index[i - 1] = idx;
      value[i - 1] = DelimitedText.number(tok.substring(colon + 1), "f" + idx, file, l.line());
    }
    return new Sparse(y, index, value);
  }
}
