package org.varpro.spark;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.varpro.core.classify.LabelIndex;
import org.varpro.spark.DelimitedText.LineParser;
import org.varpro.spark.DelimitedText.Separator;
import org.varpro.spark.InputFiles.InputFile;
import org.varpro.spark.InputFiles.Line;

/**
 * Reads delimited text with Spark: the column layout from the header (or the first row), the
 * label, feature and weight columns picked by name, labels from the data or from a line-aligned
 * label file, every line parsed by {@link LineParser}. A classification label is first counted
 * over the rows (the class census, one pass) unless the classes are given.
 */
final class DelimitedReader {
  private DelimitedReader() {}

  /** The lines of a set of text files and their column layout (from the header or first row). */
  static final class TextTable {
    final JavaRDD<Line> lines;
    final String[] displayNames;
    String[] columnNames;
    /** The first file's header line (null without header). */
    String headerText;

    private TextTable(JavaRDD<Line> lines, String[] displayNames) {
      this.lines = lines;
      this.displayNames = displayNames;
    }

    static TextTable open(JavaSparkContext sc, List<InputFile> files, boolean header, Separator sep) {
      TextTable t = new TextTable(InputFiles.lines(sc, files), InputFiles.displayNames(files));
      String display = t.displayNames[0];
      if (header) {
        List<Line> first = t.lines.filter(l -> l.file() == 0 && l.line() == 1).take(1);
        if (first.isEmpty()) {
          throw new DataError(display, 0, "is empty (a header line was expected)");
        }
        t.headerText = first.get(0).text();
        List<String> fields = sep.split(t.headerText);
        Set<String> seen = new HashSet<>();
        for (String f : fields) {
          if (f.isEmpty()) {
            throw new DataError(display, 1, "empty column name in the header");
          }
          if (!seen.add(f)) {
            throw new DataError(display, 1, "column '" + f + "' appears twice in the header");
          }
        }
        t.columnNames = fields.toArray(new String[0]);
      } else {
        List<Line> first = t.lines.filter(l -> !l.text().isBlank()).take(1);
        if (first.isEmpty()) {
          throw new DataError(display, 0, "no data rows");
        }
        int n = sep.split(first.get(0).text()).size();
        t.columnNames = new String[n];
        for (int i = 0; i < n; i++) {
          t.columnNames[i] = "_c" + i;
        }
      }
      return t;
    }

    int index(String column, String where) {
      for (int i = 0; i < columnNames.length; i++) {
        if (columnNames[i].equals(column)) {
          return i;
        }
      }
      throw new DataError(where, 0, "no column '" + column + "' (columns: " + String.join(", ", columnNames) + ")");
    }
  }

  static TableRows read(JavaSparkContext sc, TabularSource s) {
    Separator sep = Separator.of(s.separator);
    String path = s.path;
    TextTable data = TextTable.open(sc, InputFiles.resolve(sc, path), s.header, sep);
    String[] names = data.columnNames;
    Set<String> used = new HashSet<>();
    int weightIdx = -1;
    if (s.weightColumn != null) {
      weightIdx = data.index(s.weightColumn, path);
      used.add(s.weightColumn);
    }
    int[] labelIdx;
    String[] labelNames;
    TextTable labels = null;
    int[] labelFileIdx = null;
    if (s.labelPath != null) {
      labels = TextTable.open(sc, InputFiles.resolve(sc, s.labelPath), s.header, sep);
      if (!s.header) {
        labels.columnNames = labels.columnNames.length == 1 ? new String[] {"label"}
            : TableRows.numberedNames("label_", labels.columnNames.length);
      }
      List<String> pick = s.labelColumns.isEmpty() ? List.of(labels.columnNames) : s.labelColumns;
      labelFileIdx = new int[pick.size()];
      for (int i = 0; i < pick.size(); i++) {
        labelFileIdx[i] = labels.index(pick.get(i), s.labelPath);
      }
      labelNames = pick.toArray(new String[0]);
      labelIdx = new int[0];
    } else {
      if (s.labelColumns.isEmpty()) {
        throw new IllegalArgumentException("no label column given for " + path + " (columns: "
            + String.join(", ", names) + "); set the label columns or a label path");
      }
      labelIdx = new int[s.labelColumns.size()];
      for (int i = 0; i < labelIdx.length; i++) {
        labelIdx[i] = data.index(s.labelColumns.get(i), path);
        if (!used.add(s.labelColumns.get(i))) {
          throw new IllegalArgumentException("column '" + s.labelColumns.get(i) + "' is used twice");
        }
      }
      labelNames = s.labelColumns.toArray(new String[0]);
    }
    if (s.classify && labelNames.length != 1) {
      throw new IllegalArgumentException("a classification needs exactly one label column, got "
          + labelNames.length + " (" + String.join(", ", labelNames) + ")");
    }
    int[] featureIdx = featureIndices(s.featureColumns, names, used, data, path);
    if (featureIdx.length == 0) {
      throw new IllegalArgumentException("no feature columns left in " + path);
    }
    String[] featureNames = new String[featureIdx.length];
    for (int i = 0; i < featureIdx.length; i++) {
      featureNames[i] = names[featureIdx[i]];
    }
    // The class census runs over the table that holds the label column.
    LabelIndex classes = s.classes;
    if (s.classify && classes == null) {
      TextTable holder = labels != null ? labels : data;
      LineParser census = new LineParser(holder.displayNames, s.header, holder.headerText, sep, holder.columnNames,
          new int[0], labels != null ? labelFileIdx : labelIdx, -1, null);
      classes = ClassColumn.index(holder.lines.map(census::labelText).filter(t -> t != null).countByValue(),
          labelNames[0], labels != null ? s.labelPath : path);
    }
    LineParser parser = new LineParser(data.displayNames, s.header, data.headerText, sep, names,
        featureIdx, labelIdx, weightIdx, labels == null ? classes : null);
    JavaPairRDD<Long, ParsedRow> rows = TableRows.numbered(data.lines.map(parser::parse).filter(Objects::nonNull))
        .persist(StorageLevel.MEMORY_AND_DISK());
    List<JavaRDD<?>> persisted = new ArrayList<>(List.of(rows.rdd().toJavaRDD()));
    long count = rows.count();
    if (labels != null) {
      LineParser labelParser = new LineParser(labels.displayNames, s.header, labels.headerText, sep,
          labels.columnNames, new int[0], labelFileIdx, -1, classes);
      JavaPairRDD<Long, ParsedRow> labelRows = TableRows.numbered(labels.lines.map(labelParser::parse)
          .filter(Objects::nonNull)).persist(StorageLevel.MEMORY_AND_DISK());
      persisted.add(labelRows.rdd().toJavaRDD());
      long labelCount = labelRows.count();
      if (labelCount != count) {
        throw new DataError(s.labelPath, 0, "has " + labelCount + " label rows, but " + path + " has "
            + count + " data rows (the label file must be line-aligned with the data)");
      }
      rows = rows.join(labelRows).mapValues(t -> new ParsedRow(t._1.x, t._2.y, t._1.w));
    }
    return new TableRows(rows, count, featureNames, labelNames, classes, persisted);
  }

  private static int[] featureIndices(List<String> featureColumns, String[] names, Set<String> used, TextTable data,
      String where) {
    if (featureColumns != null) {
      int[] idx = new int[featureColumns.size()];
      for (int i = 0; i < idx.length; i++) {
        String f = featureColumns.get(i);
        if (used.contains(f)) {
          throw new IllegalArgumentException("column '" + f + "' cannot be both a feature and a label or weight");
        }
        idx[i] = data.index(f, where);
      }
      return idx;
    }
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      if (!used.contains(names[i])) {
        idx.add(i);
      }
    }
    return idx.stream().mapToInt(Integer::intValue).toArray();
  }
}
