package org.varpro.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.varpro.core.model.RowBlock;
import org.varpro.spark.TabularData;
import org.varpro.spark.TabularSource;
import org.varpro.spark.TestSpark;

/** Data for the ML API tests: the diabetes rows as a DataFrame, read the way {@code train} reads them. */
final class MlFixtures {
  private MlFixtures() {}

  static final String[] DIABETES_COLUMNS = {"_c0", "_c1", "_c2", "_c3", "_c4", "_c5", "_c6", "_c7", "_c8", "_c9"};

  static String repoPath(String relative) {
    return TestSpark.repoFile(relative).toAbsolutePath().normalize().toString();
  }

  /**
   * The raw diabetes rows of conf/diabetes.conf's data section (4 partitions in file order and,
   * with {@code validationFraction} > 0, that section's random split): with standardization off
   * the blocks hold the raw values exactly.
   */
  static TabularData diabetes(SparkSession spark, double validationFraction) {
    return TabularSource.fromOptions(Map.of("path", repoPath("data/diabetes_data_raw.csv.gz"),
        "separator", "whitespace", "label-path", repoPath("data/diabetes_target.csv.gz"),
        "standardize", "false", "standardize-labels", "false",
        "validation-fraction", Double.toString(validationFraction), "seed", "1",
        "partitions", "4", "block-rows", "512")).load(spark);
  }

  /** Blocks of raw rows as a DataFrame (_c0.._c9, label), keeping their partitions and order. */
  static Dataset<Row> frame(SparkSession spark, JavaRDD<RowBlock> blocks) {
    JavaRDD<Row> rows = blocks.flatMap(b -> {
      List<Row> out = new ArrayList<>(b.rows);
      for (int i = 0; i < b.rows; i++) {
        Object[] v = new Object[b.inputDim + 1];
        for (int j = 0; j < b.inputDim; j++) {
          v[j] = b.x[i + j * b.rows];
        }
        v[b.inputDim] = b.y[i];
        out.add(RowFactory.create(v));
      }
      return out.iterator();
    });
    StructType schema = new StructType();
    for (String c : DIABETES_COLUMNS) {
      schema = schema.add(c, DataTypes.DoubleType, false);
    }
    return spark.createDataFrame(rows, schema.add("label", DataTypes.DoubleType, false));
  }
}
