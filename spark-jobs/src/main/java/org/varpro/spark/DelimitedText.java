package org.varpro.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.varpro.core.classify.LabelIndex;
import org.varpro.spark.InputFiles.Line;

/**
 * Delimited text (CSV, TSV, blank-separated), line by line: the field separator, the field
 * splitter, the number parser and the row parser. Plain Java, no Spark: the readers map these
 * over the lines of the input ({@link DelimitedReader}).
 */
public final class DelimitedText {
  private DelimitedText() {}

  /** Field separator of delimited text. */
  static final class Separator implements Serializable {
    private static final long serialVersionUID = 1L;
    final char ch;
    final boolean whitespace;

    private Separator(char ch, boolean whitespace) {
      this.ch = ch;
      this.whitespace = whitespace;
    }

    /** A single character, "tab", "space", "comma", "semicolon" or "whitespace" (runs of blanks). */
    static Separator of(String s) {
      if (s == null || s.isEmpty()) {
        throw new IllegalArgumentException("the separator must not be empty");
      }
      switch (s.toLowerCase(Locale.ROOT)) {
        case "tab", "\\t":
          return new Separator('\t', false);
        case "space":
          return new Separator(' ', false);
        case "whitespace", "\\s+":
          return new Separator(' ', true);
        case "comma":
          return new Separator(',', false);
        case "semicolon":
          return new Separator(';', false);
        default:
          if (s.length() != 1 || s.charAt(0) == '"') {
            throw new IllegalArgumentException("the separator must be one character (not a quote), tab, space or whitespace; got '" + s + "'");
          }
          return new Separator(s.charAt(0), false);
      }
    }

    /** Fields of a line, unquoted, blanks around unquoted fields removed. */
    List<String> split(String line) {
      return splitFields(line, ch, whitespace);
    }
  }

  /**
   * Parses the data lines of delimited text into rows; null for headers and blank lines. Labels
   * are numbers, or with a {@link LabelIndex} class labels mapped to their class index.
   */
  static final class LineParser implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String[] files;
    private final boolean header;
    private final String headerText;
    private final Separator sep;
    private final String[] names;
    private final int[] featureIdx;
    private final int[] labelIdx;
    private final int weightIdx;
    private final LabelIndex classes;

    /**
     * @param files the input files as the user sees them (indexed by {@link Line#file()})
     * @param headerText the first file's header (null without header)
     * @param names the column names
     * @param weightIdx the weight column, −1 for none
     * @param classes the classes of a classification label (one label column), null for numbers
     */
    LineParser(String[] files, boolean header, String headerText, Separator sep, String[] names,
        int[] featureIdx, int[] labelIdx, int weightIdx, LabelIndex classes) {
      if (classes != null && labelIdx.length != 1) {
        throw new IllegalArgumentException("a classification needs exactly one label column, got " + labelIdx.length);
      }
      this.files = files;
      this.header = header;
      this.headerText = headerText;
      this.sep = sep;
      this.names = names;
      this.featureIdx = featureIdx;
      this.labelIdx = labelIdx;
      this.weightIdx = weightIdx;
      this.classes = classes;
    }

    /** The fields of a data line (checked against the header and column count), null for others. */
    private List<String> fields(Line l) {
      String file = files[l.file()];
      if (header && l.line() == 1) {
        if (!sep.split(l.text()).equals(sep.split(headerText))) {
          throw new DataError(file, 1, "header differs from that of " + files[0]);
        }
        return null;
      }
      if (l.text().isBlank()) {
        return null;
      }
      List<String> fields = sep.split(l.text());
      if (fields.size() != names.length) {
        throw new DataError(file, l.line(), "expected " + names.length + " columns, found " + fields.size());
      }
      return fields;
    }

    ParsedRow parse(Line l) {
      List<String> fields = fields(l);
      if (fields == null) {
        return null;
      }
      String file = files[l.file()];
      double[] x = new double[featureIdx.length];
      double[] y = new double[labelIdx.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = number(fields, featureIdx[i], file, l.line());
      }
      for (int i = 0; i < y.length; i++) {
        int c = labelIdx[i];
        y[i] = classes == null ? number(fields, c, file, l.line())
            : ClassColumn.classOf(classes, fields.get(c), names[c], file, l.line());
      }
      double w = 1;
      if (weightIdx >= 0) {
        w = number(fields, weightIdx, file, l.line());
        if (w < 0) {
          throw new DataError(file, l.line(), "negative weight " + fields.get(weightIdx) + " in column " + names[weightIdx]);
        }
      }
      return new ParsedRow(x, y, w);
    }

    /** The first label of a data line as written (for the class census), null for other lines. */
    String labelText(Line l) {
      List<String> fields = fields(l);
      if (fields == null) {
        return null;
      }
      int c = labelIdx[0];
      return ClassColumn.text(fields.get(c), names[c], files[l.file()], l.line());
    }

    private double number(List<String> fields, int i, String file, long line) {
      return DelimitedText.number(fields.get(i), names[i], file, line);
    }
  }

  /** A finite number from one field, or a {@link DataError} naming the file, line and column. */
  public static double number(String text, String column, String file, long line) {
    String t = text.strip();
    if (t.isEmpty()) {
      throw new DataError(file, line, "empty value in column " + column);
    }
    double v;
    try {
      v = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new DataError(file, line, "non-numeric value '" + t + "' in column " + column);
    }
    if (Double.isNaN(v)) {
      throw new DataError(file, line, "NaN value in column " + column);
    }
    if (Double.isInfinite(v)) {
      throw new DataError(file, line, "infinite value '" + t + "' in column " + column);
    }
    return v;
  }

  /**
   * Fields of one delimited line: double-quoted fields may contain the separator and "" for a
   * quote; blanks around unquoted fields are removed. With {@code whitespace}, runs of blanks
   * separate the fields.
   */
  public static List<String> splitFields(String line, char ch, boolean whitespace) {
    List<String> out = new ArrayList<>();
    if (whitespace) {
      String t = line.strip();
      if (!t.isEmpty()) {
        out.addAll(Arrays.asList(t.split("\\s+")));
      }
      return out;
    }
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cur.append(c);
        }
      } else if (c == ch) {
        out.add(wasQuoted ? cur.toString() : cur.toString().strip());
        cur.setLength(0);
        wasQuoted = false;
      } else if (c == '"' && cur.toString().isBlank()) {
        quoted = true;
        wasQuoted = true;
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(wasQuoted ? cur.toString() : cur.toString().strip());
    return out;
  }
}
