package org.varpro.job;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.varpro.config.ClassifyConfig;
import org.varpro.config.ConfigError;
import org.varpro.core.classify.ClassificationMetrics;
import org.varpro.core.classify.ClassifierModel;
import org.varpro.core.classify.LabelIndex;
import org.varpro.core.classify.LabeledData;
import org.varpro.core.model.RowBlock;
import org.varpro.io.Location;
import org.varpro.model.FittedModel;
import org.varpro.spark.DataError;

/**
 * {@code varpro eval} for a classification model: the class probabilities and the most probable
 * class of every row, and, when the rows have labels, accuracy, log-loss, balanced accuracy and
 * the confusion matrix (the figures of summary.json, computed the same way).
 *
 * <ul>
 *   <li>Without {@code --data}: the run's test rows (the held-out split of the digits,
 *       Fashion-MNIST's test set, or a table's {@code classify.test-path}), so the figures are
 *       summary.json's {@code test} figures.</li>
 *   <li>With {@code --data FILE}: rows in the training data's format and layout (delimited text
 *       with the same header and separator, or Parquet; for the built-in digits, its headerless
 *       file: 64 pixel counts then the class); the feature columns are standardized with the
 *       saved statistics; the label column, when present, is mapped to classes by the saved
 *       label index, and a label the training never saw (or an empty one) is an error naming the
 *       file and line (Parquet: row), exit 2, nothing written.</li>
 * </ul>
 *
 * The predictions ({@code --output}) are one row per input row: {@code row} (1-based), the label
 * when known, {@code predicted} (the class name) and one {@code p_<class>} probability column
 * per class, as CSV, or as Parquet when the name ends in {@code .parquet}.
 */
final class ClassifyEval {
  private ClassifyEval() {}

  /** Rows in model units, their labels (class indices, null when unknown) and where they come from. */
  record Rows(RowBlock modelUnits, int[] labels, String source) {}

  static EvalJob.Result run(FittedModel model, EvalJob.Options o, Location output) {
    if (o.labels != null) {
      throw new ConfigError("--labels", "applies to regression models; a classification table holds its label column");
    }
    Rows rows = o.data != null ? read(model, o.data.toString(), o) : defaultRows(model, o);
    int m = rows.modelUnits().rows;
    int classes = model.outputCount();
    double[] p = model.probabilities(rows.modelUnits());
    int[] predicted = ClassifierModel.mostProbable(p, m, classes);
    Map<String, Object> metrics = new LinkedHashMap<>();
    if (rows.labels() != null) {
      metrics.putAll(ClassificationMetrics.of(p, m, classes, rows.labels()).asMap());
    } else {
      o.log.println("varpro: " + rows.source() + " has no label column '" + labelColumn(model)
          + "': predictions only");
    }
    if (output != null) {
      PredictionTable.write(output, model.outputs(), rows.labels(), predicted, p, m, o);
    }
    return new EvalJob.Result(metrics, m, output);
  }

  /**
   * Without --data: the test rows of a built-in set, loaded as training loaded them, or the test
   * file of a table ({@code classify.test-path}).
   */
  private static Rows defaultRows(FittedModel model, EvalJob.Options o) {
    Config config = model.configAsHocon();
    String section = ClassifyConfig.SECTION;
    String set = config.hasPath(section + ".data") ? config.getString(section + ".data").strip() : "table";
    if (set.equals("table")) {
      if (!config.hasPath(section + ".test-path")) {
        throw new ConfigError("--data", "the run split its table (no classify.test-path): give the rows to predict "
            + "(--data FILE)");
      }
      String testPath = config.getString(section + ".test-path");
      o.log.println("varpro: no --data: predicting the run's test file " + testPath);
      return read(model, testPath, o);
    }
    ClassifyConfig data = ClassifyConfig.parse(config);
    LabeledData test;
    try {
      test = data.load().test();
    } catch (org.varpro.core.classify.Datasets.InputError e) {
      throw DataError.of(e);
    }
    o.log.println("varpro: no --data: predicting the run's " + test.rows() + " test rows (" + data.data() + ")");
    return new Rows(test.toBlock(1.0), test.labels(), data.data() + " test rows");
  }

  private static String labelColumn(FittedModel model) {
    return model.standardization().labelNames()[0];
  }

  /** Rows in the training data's format ({@code classify.format}: delimited text or Parquet). */
  private static Rows read(FittedModel model, String file, EvalJob.Options o) {
    Config config = model.configAsHocon();
    String key = ClassifyConfig.SECTION + ".format";
    String format = config.hasPath(key) ? config.getString(key).strip().toLowerCase(Locale.ROOT) : "csv";
    return switch (format) {
      case "parquet" -> parquet(model, file, o);
      case "libsvm" -> throw new ConfigError("--data", "eval reads delimited text and Parquet; the model was "
          + "trained on LibSVM data: convert the rows to predict to CSV or Parquet with the feature names "
          + model.inputs());
      default -> table(model, Path.of(file), config);
    };
  }

  /** The class of a label text, or a DataError at {@code where} (file:line, or file: row N). */
  private static int classOf(FittedModel model, String text, String label, Function<String, DataError> where) {
    if (text == null || text.isBlank()) {
      throw where.apply("empty label in column '" + label + "'");
    }
    LabelIndex index = model.labelIndex();
    int k = index.indexOf(text);
    if (k < 0) {
      throw where.apply("label '" + text.strip() + "' in column '" + label + "' was not seen in training (classes: "
          + String.join(", ", index.labels()) + ")");
    }
    return k;
  }

  /** A Parquet file or folder read with Spark: the feature columns as numbers, the label column as text. */
  private static Rows parquet(FittedModel model, String file, EvalJob.Options o) {
    String label = labelColumn(model);
    try (SparkHandle spark = SparkHandle.open("varpro eval", o.master, false, JobConfig.DEFAULT_LOG_LEVEL, o.log)) {
      Dataset<Row> df;
      try {
        df = spark.spark.read().parquet(file);
      } catch (RuntimeException e) {
        throw new DataError(file, 0, "cannot be read as Parquet: " + e.getMessage(), e);
      }
      List<String> columns = List.of(df.columns());
      List<Column> select = new ArrayList<>();
      for (String f : model.inputs()) {
        if (!columns.contains(f)) {
          throw new DataError(file, 0, "no column '" + f + "' (columns: " + String.join(", ", columns) + ")");
        }
        select.add(functions.col(f).cast("double"));
      }
      boolean labelled = columns.contains(label);
      if (labelled) {
        select.add(functions.col(label).cast("string"));
      }
      List<Row> rows = df.select(select.toArray(new Column[0])).collectAsList();
      int m = rows.size();
      int d = model.inputs().size();
      if (m == 0) {
        throw new DataError(file, 0, "no data rows");
      }
      double[] x = new double[m * d];
      int[] labels = labelled ? new int[m] : null;
      for (int i = 0; i < m; i++) {
        Row r = rows.get(i);
        long row = i + 1;
        for (int j = 0; j < d; j++) {
          if (r.isNullAt(j) || !Double.isFinite(r.getDouble(j))) {
            throw DataError.row(file, row, "column '" + model.inputs().get(j) + "' is "
                + (r.isNullAt(j) ? "null" : r.getDouble(j) + "") + " (a feature must be a finite number)");
          }
          x[i + j * m] = r.getDouble(j);
        }
        if (labelled) {
          labels[i] = classOf(model, r.isNullAt(d) ? null : r.getString(d), label,
              msg -> DataError.row(file, row, msg));
        }
      }
      return new Rows(model.modelRows(x, m), labels, file);
    }
  }

  /** A delimited table: features by name, the label column as text mapped by the class index. */
  private static Rows table(FittedModel model, Path data, Config config) {
    String section = ClassifyConfig.SECTION;
    // The table reader's defaults: no header, commas (the built-in digits file has no header either).
    boolean header = config.hasPath(section + ".header") && config.getBoolean(section + ".header");
    String separator = config.hasPath(section + ".separator") ? config.getString(section + ".separator") : ",";
    String label = labelColumn(model);
    TextTable t = TextTable.read(data, header, separator, List.of(label));
    int m = t.rows.size();
    double[] x = t.select(model.inputs());
    int[] labels = null;
    if (t.index(label) >= 0) {
      labels = new int[m];
      for (int i = 0; i < m; i++) {
        long line = t.lines.get(i);
        labels[i] = classOf(model, t.texts.get(i)[0], label, msg -> new DataError(t.file, line, msg));
      }
    }
    return new Rows(model.modelRows(x, m), labels, data.toString());
  }
}
