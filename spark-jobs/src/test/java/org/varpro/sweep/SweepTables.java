package org.varpro.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reading a sweep's results.csv in tests. */
public final class SweepTables {
  /** The columns that legitimately differ between two runs of the same configurations. */
  public static final List<String> TIMING_COLUMNS = List.of("solver_seconds", "wall_seconds", "executor");

  private SweepTables() {}

  public static List<Map<String, String>> csv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<String> header = splitCsv(lines.get(0));
    List<Map<String, String>> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      List<String> cells = splitCsv(line);
      assertEquals(header.size(), cells.size(), line);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        row.put(header.get(i), cells.get(i));
      }
      rows.add(row);
    }
    return rows;
  }

  /** RFC 4180 fields of one line (the table has no line breaks inside fields). */
  public static List<String> splitCsv(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char ch = line.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          cell.append(ch);
        }
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        out.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(ch);
      }
    }
    out.add(cell.toString());
    return out;
  }

  public static List<Map<String, String>> withoutTiming(List<Map<String, String>> rows) {
    List<Map<String, String>> out = new ArrayList<>();
    for (Map<String, String> r : rows) {
      Map<String, String> m = new LinkedHashMap<>(r);
      TIMING_COLUMNS.forEach(m::remove);
      out.add(m);
    }
    return out;
  }

  /** The finished rows of a sweep folder, rows/HASH.json, in name order. */
  public static List<Path> rowFiles(Path out) throws IOException {
    Path rows = out.resolve("rows");
    if (!Files.isDirectory(rows)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(rows)) {
      return s.filter(p -> p.getFileName().toString().matches("[0-9a-f]{16}\\.json")).sorted().toList();
    }
  }
}
