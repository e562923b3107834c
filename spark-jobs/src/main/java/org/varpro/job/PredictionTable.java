package org.varpro.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.varpro.io.Location;

/**
 * A classifier's predictions as a table: {@code row} (1-based, the input's order), {@code label}
 * (the true class name, when known), {@code predicted} (the most probable class name) and
 * {@code p_<class>}, the probability of every class. CSV (numbers in Java's shortest round-trip
 * form), or Parquet when the file name ends in {@code .parquet}. Either way the file appears
 * whole or not at all: it is written to a hidden sibling and renamed into place.
 */
final class PredictionTable {
  private PredictionTable() {}

  static boolean isParquet(Location file) {
    return file.name().toLowerCase(Locale.ROOT).endsWith(".parquet");
  }

  /**
   * @param classes class names in index order
   * @param labels true classes (null when unknown)
   * @param p probabilities, rows×K column-major
   */
  static void write(Location file, List<String> classes, int[] labels, int[] predicted, double[] p, int rows,
      EvalJob.Options o) {
    List<String> header = header(classes, labels != null);
    if (isParquet(file)) {
      parquet(file, header, classes, labels, predicted, p, rows, o);
    } else {
      csv(file, header, classes, labels, predicted, p, rows);
    }
  }

  /**
   * The column names; a class name becomes {@code p_<name>} with every character other than
   * letters, digits, - and . as _ (p_k, the class index, if two names would clash).
   */
  static List<String> header(List<String> classes, boolean withLabels) {
    List<String> h = new ArrayList<>(List.of("row"));
    if (withLabels) {
      h.add("label");
    }
    h.add("predicted");
    Set<String> seen = new HashSet<>(h);
    for (int k = 0; k < classes.size(); k++) {
      String name = "p_" + classes.get(k).replaceAll("[^A-Za-z0-9.\\-]", "_");
      h.add(seen.add(name) ? name : "p_" + k);
    }
    return h;
  }

  private static void csv(Location file, List<String> header, List<String> classes, int[] labels, int[] predicted,
      double[] p, int rows) {
    int k = classes.size();
    StringBuilder w = new StringBuilder(String.join(",", header)).append('\n');
    for (int i = 0; i < rows; i++) {
      w.append(i + 1).append(',');
      if (labels != null) {
        w.append(quoted(classes.get(labels[i]))).append(',');
      }
      w.append(quoted(classes.get(predicted[i])));
      for (int c = 0; c < k; c++) {
        w.append(',').append(p[i + c * rows]);
      }
      w.append('\n');
    }
    try {
      file.writeStringAtomically(w.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + RunFolder.describe(e), e);
    }
  }

  /** A CSV field: quoted (quotes doubled) when it holds a separator, a quote or a line break. */
  static String quoted(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  private static void parquet(Location file, List<String> header, List<String> classes, int[] labels,
      int[] predicted, double[] p, int rows, EvalJob.Options o) {
    int k = classes.size();
    List<StructField> fields = new ArrayList<>();
    for (String h : header) {
      fields.add(DataTypes.createStructField(h, h.equals("row") ? DataTypes.LongType
          : h.equals("label") || h.equals("predicted") ? DataTypes.StringType : DataTypes.DoubleType, false));
    }
    List<Row> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      List<Object> v = new ArrayList<>(header.size());
      v.add((long) i + 1);
      if (labels != null) {
        v.add(classes.get(labels[i]));
      }
      v.add(classes.get(predicted[i]));
      for (int c = 0; c < k; c++) {
        v.add(p[i + c * rows]);
      }
      out.add(RowFactory.create(v.toArray()));
    }
    Location tmp = file.hiddenSibling("tmp");
    try (SparkHandle spark = SparkHandle.open("varpro eval", o.master, false, JobConfig.DEFAULT_LOG_LEVEL, o.log)) {
      spark.spark.createDataFrame(out, DataTypes.createStructType(fields)).coalesce(1).write()
          .mode(SaveMode.ErrorIfExists).parquet(tmp.toString());
      file.delete();
      tmp.renameTo(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + RunFolder.describe(e), e);
    } finally {
      try {
        tmp.delete();
      } catch (IOException e) {
        o.log.println("varpro: could not remove the temporary folder " + tmp + ": " + RunFolder.describe(e));
      }
    }
  }
}
