package org.varpro.job;

import com.typesafe.config.Config;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.varpro.config.ClassifyConfig;
import org.varpro.config.ConfigError;
import org.varpro.core.classify.ClassificationMetrics;
import org.varpro.core.classify.LabeledData;
import org.varpro.core.model.RowBlock;
import org.varpro.io.Location;
import org.varpro.core.classify.LabelIndex;
import org.varpro.model.FittedModel;
import org.varpro.spark.DataError;

/**
 * {@code varpro eval} for a classification model: the class probabilities and the most probable
 * class of every row, and, when the rows have labels, accuracy, log-loss, balanced accuracy and
 * the confusion matrix (the figures of summary.json, computed the same way).
 *
 * <ul>
 *   <li>Without {@code --data}: the run's test rows (the held-out split or test set of its
 *       configuration), so the figures reproduce summary.json's {@code test} section.</li>
 *   <li>With {@code --data FILE}: a delimited table in the training data's layout (for the built-in
 *       digits, its headerless file: 64 pixel counts then the class); the feature columns are
 *       standardized with the saved statistics; the label column, when present, is mapped to
 *       classes by the saved index, and a label the training never saw is an error naming the
 *       file and line (exit 2, nothing written).</li>
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
    Rows rows = o.data == null ? testRows(model, o) : table(model, o);
    int m = rows.modelUnits().rows;
    int classes = model.outputCount();
    double[] p = model.probabilities(rows.modelUnits());
    int[] predicted = FittedModel.mostProbable(p, m, classes);
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

  /** The held-out rows of the run's configuration, loaded as training loaded them. */
  private static Rows testRows(FittedModel model, EvalJob.Options o) {
    ClassifyConfig data = ClassifyConfig.parse(model.configAsHocon());
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

  /** A delimited table: features by name, the label column as text mapped by the class index. */
  private static Rows table(FittedModel model, EvalJob.Options o) {
    Config config = model.configAsHocon();
    String section = ClassifyConfig.SECTION;
    // The table reader's defaults: no header, commas (the built-in digits file has no header either).
    boolean header = config.hasPath(section + ".header") && config.getBoolean(section + ".header");
    String separator = config.hasPath(section + ".separator") ? config.getString(section + ".separator") : ",";
    String label = labelColumn(model);
    TextTable t = TextTable.read(o.data, header, separator, List.of(label));
    int m = t.rows.size();
    double[] x = t.select(model.inputs());
    int[] labels = null;
    if (t.index(label) >= 0) {
      LabelIndex index = model.labelIndex();
      labels = new int[m];
      for (int i = 0; i < m; i++) {
        String text = t.texts.get(i)[0];
        if (text.isBlank()) {
          throw new DataError(t.file, t.lines.get(i), "empty label in column '" + label + "'");
        }
        int k = index.indexOf(text);
        if (k < 0) {
          throw new DataError(t.file, t.lines.get(i), "label '" + text.strip() + "' in column '" + label
              + "' was not seen in training (classes: " + String.join(", ", index.labels()) + ")");
        }
        labels[i] = k;
      }
    }
    return new Rows(model.modelRows(x, m), labels, o.data.toString());
  }

}
