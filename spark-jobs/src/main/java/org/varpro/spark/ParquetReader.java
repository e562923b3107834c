package org.varpro.spark;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.varpro.core.classify.LabelIndex;
import org.varpro.spark.InputFiles.InputFile;

/**
 * Reads Parquet with Spark: numeric columns of any numeric type (a classification label may also
 * be a string column), nulls and non-finite values are errors naming {@code file: row N}; rows
 * in file then row order.
 */
final class ParquetReader {
  private static final Logger LOG = LoggerFactory.getLogger(ParquetReader.class);

  private ParquetReader() {}

  static TableRows read(SparkSession spark, TabularSource s) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    String path = s.path;
    List<InputFile> files = InputFiles.resolve(sc, path);
    Dataset<Row> df = spark.read().parquet(files.stream().map(InputFile::uri).toArray(String[]::new));
    StructType schema = df.schema();
    List<String> names = Arrays.asList(schema.fieldNames());
    List<String> labelColumns = s.labelColumns;
    Set<String> used = new HashSet<>();
    if (labelColumns.isEmpty()) {
      throw new IllegalArgumentException("no label column given for " + path + " (columns: " + String.join(", ", names) + ")");
    }
    if (s.classify && labelColumns.size() != 1) {
      throw new IllegalArgumentException("a classification needs exactly one label column, got " + labelColumns);
    }
    for (String l : labelColumns) {
      requireColumn(schema, l, path, s.classify);
      if (!used.add(l)) {
        throw new IllegalArgumentException("column '" + l + "' is used twice");
      }
    }
    String weightColumn = s.weightColumn;
    if (weightColumn != null) {
      requireColumn(schema, weightColumn, path, false);
      if (!used.add(weightColumn)) {
        throw new IllegalArgumentException("column '" + weightColumn + "' is used twice");
      }
    }
    List<String> features = new ArrayList<>();
    if (s.featureColumns != null) {
      for (String f : s.featureColumns) {
        requireColumn(schema, f, path, false);
        if (used.contains(f)) {
          throw new IllegalArgumentException("column '" + f + "' cannot be both a feature and a label or weight");
        }
        features.add(f);
      }
    } else {
      for (StructField f : schema.fields()) {
        if (!used.contains(f.name())) {
          if (f.dataType() instanceof NumericType) {
            features.add(f.name());
          } else {
            LOG.info("{}: column '{}' ({}) is not numeric and is not used as a feature", path, f.name(), f.dataType().simpleString());
          }
        }
      }
    }
    if (features.isEmpty()) {
      throw new IllegalArgumentException("no numeric feature columns left in " + path);
    }
    List<Column> cols = new ArrayList<>();
    cols.add(col("_metadata.file_path").as("__file"));
    cols.add(col("_metadata.row_index").as("__row"));
    List<String> all = new ArrayList<>(features);
    all.addAll(labelColumns);
    if (weightColumn != null) {
      all.add(weightColumn);
    }
    int d = features.size();
    int k = labelColumns.size();
    for (int i = 0; i < all.size(); i++) {
      String c = all.get(i);
      // A class label is read as text (numbers too), then indexed like text labels of CSV.
      boolean text = s.classify && i == d;
      cols.add(col("`" + c + "`").cast(text ? DataTypes.StringType : DataTypes.DoubleType).as(c));
    }
    Dataset<Row> ordered = df.select(cols.toArray(new Column[0])).orderBy("__file", "__row");
    String[] allNames = all.toArray(new String[0]);
    boolean weighted = weightColumn != null;
    LabelIndex classes = s.classes;
    if (s.classify && classes == null) {
      String label = labelColumns.get(0);
      classes = ClassColumn.index(ordered.javaRDD().map(r -> labelText(r, d, label)).countByValue(), label, path);
    }
    LabelIndex index = classes;
    JavaRDD<ParsedRow> parsed = ordered.javaRDD().map(r -> row(r, allNames, d, k, weighted, index));
    JavaPairRDD<Long, ParsedRow> rows = TableRows.numbered(parsed).persist(StorageLevel.MEMORY_AND_DISK());
    long count = rows.count();
    return new TableRows(rows, count, features.toArray(new String[0]), labelColumns.toArray(new String[0]), classes,
        List.of(rows.rdd().toJavaRDD()));
  }

  private static void requireColumn(StructType schema, String name, String path, boolean textAllowed) {
    if (!Arrays.asList(schema.fieldNames()).contains(name)) {
      throw new DataError(path, 0, "no column '" + name + "' (columns: " + String.join(", ", schema.fieldNames()) + ")");
    }
    StructField f = schema.apply(name);
    if (!(f.dataType() instanceof NumericType) && !(textAllowed && f.dataType() instanceof StringType)) {
      throw new DataError(path, 0, "column '" + name + "' is " + f.dataType().simpleString() + ", not numeric"
          + (textAllowed ? " or string" : ""));
    }
  }

  /** The class label (column d + 2 of the selection) as written; null or empty is an error. */
  private static String labelText(Row r, int d, String column) {
    String t = r.isNullAt(d + 2) ? "" : r.getString(d + 2).strip();
    if (t.isEmpty()) {
      throw DataError.row(r.getString(0), r.getLong(1) + 1, "empty label in column " + column);
    }
    return t;
  }

  private static ParsedRow row(Row r, String[] names, int d, int k, boolean weighted, LabelIndex classes) {
    String file = r.getString(0);
    long row = r.getLong(1) + 1;
    double[] v = new double[names.length];
    for (int i = 0; i < names.length; i++) {
      if (classes != null && i == d) {
        String t = labelText(r, d, names[d]);
        int c = classes.indexOf(t);
        if (c < 0) {
          throw DataError.row(file, row, ClassColumn.unseen(classes, t, names[d]));
        }
        v[i] = c;
        continue;
      }
      if (r.isNullAt(i + 2)) {
        throw DataError.row(file, row, "null value in column " + names[i]);
      }
      v[i] = r.getDouble(i + 2);
      if (!Double.isFinite(v[i])) {
        throw DataError.row(file, row, (Double.isNaN(v[i]) ? "NaN" : "infinite") + " value in column " + names[i]);
      }
    }
    double w = weighted ? v[d + k] : 1.0;
    if (weighted && w < 0) {
      throw DataError.row(file, row, "negative weight " + w + " in column " + names[d + k]);
    }
    return new ParsedRow(Arrays.copyOfRange(v, 0, d), Arrays.copyOfRange(v, d, d + k), w);
  }
}
