package org.varpro.job;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.varpro.spark.DataError;

/**
 * A small delimited text table read on the driver (for {@code eval} on new data): gzip or plain,
 * optional header, a one-character separator or runs of whitespace, double-quoted fields. Columns
 * are named by the header or {@code _c0, _c1, …} (as Spark and TabularSource name them). Every
 * problem is a {@link DataError} with the file and line.
 */
final class TextTable {
  final String file;
  final List<String> columns;
  /** Values by row; {@link #lines} gives each row's line number. */
  final List<double[]> rows;
  final List<Long> lines;

  private TextTable(String file, List<String> columns, List<double[]> rows, List<Long> lines) {
    this.file = file;
    this.columns = columns;
    this.rows = rows;
    this.lines = lines;
  }

  int index(String column) {
    return columns.indexOf(column);
  }

  /** The values of the named columns, rows × names (column-major, leading dimension rows). */
  double[] select(List<String> names) {
    int r = rows.size();
    double[] out = new double[r * names.size()];
    for (int j = 0; j < names.size(); j++) {
      int c = index(names.get(j));
      if (c < 0) {
        throw new DataError(file, 0, "no column '" + names.get(j) + "' (columns: " + String.join(", ", columns) + ")");
      }
      for (int i = 0; i < r; i++) {
        out[i + j * r] = rows.get(i)[c];
      }
    }
    return out;
  }

  static TextTable read(Path path, boolean header, String separator) {
    String file = path.toString();
    if (!Files.exists(path)) {
      throw new DataError(file, 0, "no such file");
    }
    if (Files.isDirectory(path)) {
      throw new DataError(file, 0, "is a folder, not a file");
    }
    boolean whitespace = separator.equalsIgnoreCase("whitespace") || separator.equals("\\s+");
    char sep = switch (separator.toLowerCase(Locale.ROOT)) {
      case "tab", "\\t" -> '\t';
      case "space" -> ' ';
      case "whitespace", "\\s+" -> ' ';
      case "comma" -> ',';
      case "semicolon" -> ';';
      default -> {
        if (separator.length() != 1) {
          throw new DataError(file, 0, "the separator must be one character, tab, space or whitespace; got '"
              + separator + "'");
        }
        yield separator.charAt(0);
      }
    };
    List<String> columns = null;
    List<double[]> rows = new ArrayList<>();
    List<Long> lines = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(path);
        InputStream in = file.endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String text;
      long line = 0;
      while ((text = r.readLine()) != null) {
        line++;
        if (line == 1 && header) {
          columns = split(text, sep, whitespace);
          Set<String> seen = new HashSet<>();
          for (String c : columns) {
            if (c.isEmpty()) {
              throw new DataError(file, 1, "empty column name in the header");
            }
            if (!seen.add(c)) {
              throw new DataError(file, 1, "column '" + c + "' appears twice in the header");
            }
          }
          continue;
        }
        if (text.isBlank()) {
          continue;
        }
        List<String> fields = split(text, sep, whitespace);
        if (columns == null) {
          columns = new ArrayList<>();
          for (int i = 0; i < fields.size(); i++) {
            columns.add("_c" + i);
          }
        }
        if (fields.size() != columns.size()) {
          throw new DataError(file, line, "expected " + columns.size() + " columns, found " + fields.size());
        }
        double[] v = new double[fields.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = number(fields.get(i), columns.get(i), file, line);
        }
        rows.add(v);
        lines.add(line);
      }
    } catch (NoSuchFileException e) {
      throw new DataError(file, 0, "no such file");
    } catch (IOException e) {
      throw new DataError(file, 0, "cannot be read: " + RunFolder.describe(e), e);
    }
    if (rows.isEmpty()) {
      throw new DataError(file, 0, "no data rows");
    }
    return new TextTable(file, columns, rows, lines);
  }

  static double number(String text, String column, String file, long line) {
    return org.varpro.spark.DelimitedText.number(text, column, file, line);
  }

  static List<String> split(String line, char sep, boolean whitespace) {
    List<String> fields = org.varpro.spark.DelimitedText.splitFields(line, sep, whitespace);
    if (whitespace) {
      fields.replaceAll(TextTable::unquote);
    }
    return fields;
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
  }
}
