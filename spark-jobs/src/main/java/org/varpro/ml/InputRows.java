package org.varpro.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.varpro.spark.DataError;
import org.varpro.spark.ParsedRow;

/**
 * The input columns of a VarPro stage: schema checks (on the driver, before any Spark job) and
 * the rows as {@link ParsedRow}s, partition by partition in the DataFrame's own order (a
 * projection: the input's partitioning is kept, so the merge order of the passes is the
 * DataFrame's partition order).
 */
final class InputRows {
  private InputRows() {}

  /** The schema field of a column param's column, or an error naming the param and the column. */
  static StructField field(StructType schema, String param, String column) {
    if (column == null || !Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(param + ": no column '" + column + "' in the input (columns: "
          + String.join(", ", schema.fieldNames()) + ")");
    }
    return schema.apply(column);
  }

  static boolean isVector(DataType t) {
    return t.equals(SQLDataTypes.VectorType());
  }

  /** The features column must be a Vector column. */
  static void requireVector(StructType schema, String param, String column) {
    DataType t = field(schema, param, column).dataType();
    if (!isVector(t)) {
      throw new IllegalArgumentException(param + ": column '" + column + "' is " + t.simpleString()
          + ", not a Vector (assemble numeric columns into one with VectorAssembler)");
    }
  }

  /** A numeric column (label of a classifier, weight). */
  static void requireNumeric(StructType schema, String param, String column) {
    DataType t = field(schema, param, column).dataType();
    if (!(t instanceof NumericType)) {
      throw new IllegalArgumentException(param + ": column '" + column + "' is " + t.simpleString()
          + ", must be numeric");
    }
  }

  /** A regression label: numeric, or a Vector for several outputs; returns whether it is a Vector. */
  static boolean requireRegressionLabel(StructType schema, String param, String column) {
    DataType t = field(schema, param, column).dataType();
    if (isVector(t)) {
      return true;
    }
    if (!(t instanceof NumericType)) {
      throw new IllegalArgumentException(param + ": column '" + column + "' is " + t.simpleString()
          + ", must be numeric or a Vector");
    }
    return false;
  }

  /** The schema with a new column appended; an existing column of that name is an error. */
  static StructType append(StructType schema, String param, String column, DataType type) {
    if (Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException(param + ": output column '" + column + "' already exists");
    }
    return schema.add(column, type, false);
  }

  /** The size of a Vector column from its ML attributes (VectorAssembler sets them), else -1. */
  static int declaredSize(StructType schema, String column) {
    return AttributeGroup.fromStructField(schema.apply(column)).size();
  }

  /**
   * The size of a Vector column: its declared size, or the first row's (one small Spark job).
   */
  static int vectorSize(Dataset<?> data, String param, String column) {
    int n = declaredSize(data.schema(), column);
    if (n >= 0) {
      return n;
    }
    List<Row> first = data.select(col(column)).na().drop().limit(1).collectAsList();
    if (first.isEmpty()) {
      throw new IllegalArgumentException(param + ": column '" + column + "' has no rows to fit");
    }
    return ((Vector) first.get(0).get(0)).size();
  }

  /** Names of the vector's slots: the ML attribute names when known, else column[0], column[1], …. */
  static String[] slotNames(StructType schema, String column, int size) {
    String[] names = new String[size];
    AttributeGroup g = AttributeGroup.fromStructField(schema.apply(column));
    for (int i = 0; i < size; i++) {
      names[i] = column + "[" + i + "]";
      if (g.attributes().isDefined()) {
        scala.Option<String> n = g.apply(i).name();
        if (n.isDefined()) {
          names[i] = n.get();
        }
      }
    }
    return names;
  }

  /**
   * The rows: features (a Vector of size {@code d}), labels ({@code k} values: a number, or a
   * Vector of size k) and weight. A missing, non-finite or mis-sized value, or a negative weight,
   * fails the Spark job that first reads the rows, with an error naming the param and column
   * ({@link DataError#unwrap} on the driver).
   *
   * @param classIndex the label must be a class index 0, 1, … (a non-negative integer)
   */
  static JavaRDD<ParsedRow> rows(Dataset<?> data, String featuresCol, String labelCol, String weightCol,
      int d, int k, boolean vectorLabel, boolean classIndex) {
    Column label = vectorLabel ? col(labelCol) : col(labelCol).cast(DataTypes.DoubleType);
    Column weight = weightCol == null ? lit(1.0) : col(weightCol).cast(DataTypes.DoubleType);
    String fc = featuresCol;
    String lc = labelCol;
    String wc = weightCol;
    return data.select(col(featuresCol), label, weight).javaRDD().map(r -> {
      double[] x = vector(r, 0, "featuresCol", fc, d);
      double[] y = vectorLabel ? vector(r, 1, "labelCol", lc, k) : new double[] {number(r, 1, "labelCol", lc)};
      if (classIndex && (y[0] < 0 || y[0] != Math.rint(y[0]))) {
        throw new DataError(null, 0, "labelCol: column '" + lc + "' holds " + y[0]
            + ", not a class index 0, 1, 2, …");
      }
      double w = wc == null ? 1.0 : number(r, 2, "weightCol", wc);
      if (w < 0) {
        throw new DataError(null, 0, "weightCol: column '" + wc + "' holds a negative weight " + w);
      }
      return new ParsedRow(x, y, w);
    });
  }

  private static double number(Row r, int i, String param, String column) {
    if (r.isNullAt(i)) {
      throw new DataError(null, 0, param + ": column '" + column + "' holds a null");
    }
    double v = r.getDouble(i);
    if (!Double.isFinite(v)) {
      throw new DataError(null, 0, param + ": column '" + column + "' holds " + v + " (values must be finite)");
    }
    return v;
  }

  private static double[] vector(Row r, int i, String param, String column, int size) {
    if (r.isNullAt(i)) {
      throw new DataError(null, 0, param + ": column '" + column + "' holds a null");
    }
    double[] v = ((Vector) r.get(i)).toArray();
    if (v.length != size) {
      throw new DataError(null, 0, param + ": column '" + column + "' holds a vector of size " + v.length
          + ", expected " + size);
    }
    for (double e : v) {
      if (!Double.isFinite(e)) {
        throw new DataError(null, 0, param + ": column '" + column + "' holds " + e + " (values must be finite)");
      }
    }
    return v;
  }
}
