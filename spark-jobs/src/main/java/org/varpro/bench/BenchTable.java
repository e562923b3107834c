package org.varpro.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small result table for the benchmarks: named columns, each with a printf format for its
 * numbers, rows of values, and free-text notes printed under the table. Renders as aligned text
 * (strings left-aligned, numbers right-aligned) and as plain maps for JSON.
 */
public final class BenchTable {
  /** A column: header (also the JSON key) and the format of its numbers, e.g. "%.3e". */
  public record Column(String name, String format) {
    public static Column text(String name) {
      return new Column(name, null);
    }

    public static Column number(String name, String format) {
      return new Column(name, format);
    }
  }

  private final String title;
  private final List<Column> columns;
  private final List<List<Object>> rows = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  public BenchTable(String title, List<Column> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    this.title = title;
    this.columns = List.copyOf(columns);
  }

  public BenchTable(String title, Column... columns) {
    this(title, List.of(columns));
  }

  /** One value per column: String, any Number, Boolean, or null (printed as "-"). */
  public BenchTable addRow(Object... values) {
    if (values.length != columns.size()) {
      throw new IllegalArgumentException("row has " + values.length + " values, the table has "
          + columns.size() + " columns");
    }
    List<Object> row = new ArrayList<>(values.length);
    Collections.addAll(row, values);
    rows.add(Collections.unmodifiableList(row));
    return this;
  }

  /** A line printed under the table (and kept in the JSON). */
  public BenchTable addNote(String note) {
    notes.add(note);
    return this;
  }

  public String title() {
    return title;
  }

  public List<Column> columns() {
    return columns;
  }

  public List<List<Object>> rows() {
    return Collections.unmodifiableList(rows);
  }

  public List<String> notes() {
    return Collections.unmodifiableList(notes);
  }

  /** The value in the first row whose first column equals {@code key}, or null. */
  public Object value(String key, String column) {
    int c = columnIndex(column);
    for (List<Object> row : rows) {
      if (key.equals(String.valueOf(row.get(0)))) {
        return row.get(c);
      }
    }
    return null;
  }

  public int columnIndex(String column) {
    for (int c = 0; c < columns.size(); c++) {
      if (columns.get(c).name().equals(column)) {
        return c;
      }
    }
    throw new IllegalArgumentException("no column '" + column + "'");
  }

  /** A cell as text: numbers through the column's format, non-finite doubles as nan/inf. */
  public String cell(int row, int column) {
    return format(rows.get(row).get(column), columns.get(column));
  }

  private static String format(Object v, Column col) {
    if (v == null) {
      return "-";
    }
    if (v instanceof Double d && !Double.isFinite(d)) {
      return d.isNaN() ? "nan" : (d > 0 ? "inf" : "-inf");
    }
    if (v instanceof Number n && col.format() != null) {
      return String.format(Locale.ROOT, col.format(), n);
    }
    return String.valueOf(v);
  }

  /** Title, header, a rule, the rows and the notes, columns separated by two spaces. */
  public String render() {
    int nc = columns.size();
    int[] width = new int[nc];
    String[][] text = new String[rows.size()][nc];
    for (int c = 0; c < nc; c++) {
      width[c] = columns.get(c).name().length();
    }
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < nc; c++) {
        text[r][c] = cell(r, c);
        width[c] = Math.max(width[c], text[r][c].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    if (title != null && !title.isEmpty()) {
      sb.append(title).append('\n');
    }
    int total = 0;
    for (int c = 0; c < nc; c++) {
      appendCell(sb, columns.get(c).name(), width[c], isNumeric(c), c == nc - 1);
      total += width[c] + (c == nc - 1 ? 0 : 2);
    }
    sb.append('\n').append("-".repeat(total)).append('\n');
    for (String[] row : text) {
      for (int c = 0; c < nc; c++) {
        appendCell(sb, row[c], width[c], isNumeric(c), c == nc - 1);
      }
      sb.append('\n');
    }
    for (String note : notes) {
      sb.append(note).append('\n');
    }
    return sb.toString();
  }

  private boolean isNumeric(int c) {
    if (columns.get(c).format() != null) {
      return true;
    }
    for (List<Object> row : rows) {
      Object v = row.get(c);
      if (v != null && !(v instanceof Number)) {
        return false;
      }
    }
    return !rows.isEmpty();
  }

  private static void appendCell(StringBuilder sb, String s, int width, boolean right, boolean last) {
    String pad = " ".repeat(Math.max(0, width - s.length()));
    if (right) {
      sb.append(pad).append(s);
    } else {
      sb.append(s);
      if (!last) {
        sb.append(pad);
      }
    }
    if (!last) {
      sb.append("  ");
    }
  }

  /**
   * The table as nested maps and lists for a JSON writer: {title, columns, rows: [{column:
   * value}], notes}. Numbers stay numbers (non-finite doubles become the strings "NaN",
   * "Infinity", "-Infinity", which JSON cannot hold as numbers).
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("title", title);
    List<String> names = new ArrayList<>();
    for (Column c : columns) {
      names.add(c.name());
    }
    m.put("columns", names);
    List<Map<String, Object>> out = new ArrayList<>();
    for (List<Object> row : rows) {
      Map<String, Object> r = new LinkedHashMap<>();
      for (int c = 0; c < columns.size(); c++) {
        r.put(columns.get(c).name(), jsonValue(row.get(c)));
      }
      out.add(r);
    }
    m.put("rows", out);
    m.put("notes", List.copyOf(notes));
    return m;
  }

  static Object jsonValue(Object v) {
    if (v instanceof Double d && !Double.isFinite(d)) {
      return d.toString();
    }
    if (v instanceof Float f && !Float.isFinite(f)) {
      return f.toString();
    }
    return v;
  }

  /** Short decimal text: 0.003 rather than 3.0E-3, 1e-11 rather than 1.0E-11. */
  public static String compact(double v) {
    String plain = java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    if (plain.length() <= 8) {
      return plain;
    }
    String e = String.format(java.util.Locale.ROOT, "%.6e", v);
    int at = e.indexOf('e');
    String mantissa = e.substring(0, at).replaceAll("0+$", "").replaceAll("\\.$", "");
    int exponent = Integer.parseInt(e.substring(at + 1));
    return mantissa + "e" + exponent;
  }
}
