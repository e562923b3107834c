package org.varpro.core.classify;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Accuracy, log-loss, per-class precision and recall, and the confusion matrix of predicted
 * probabilities against true labels (unweighted: every row counts once).
 *
 * @param confusion K×K counts, confusion[t][k] = rows of true class t predicted as k
 * @param precision per class: correct / predicted as that class (NaN when none predicted)
 * @param recall per class: correct / rows of that class (NaN when the class is absent)
 * @param logLoss mean −log p_i,y_i, probabilities floored at 1e-300
 */
public record ClassificationMetrics(int rows, int classes, double accuracy, double logLoss,
    double[] precision, double[] recall, long[][] confusion) {

  /** From probabilities p (rows×K column-major) and labels 0..K−1. */
  public static ClassificationMetrics of(double[] p, int rows, int classes, int[] labels) {
    long[][] confusion = new long[classes][classes];
    double ll = 0;
    long correct = 0;
    for (int i = 0; i < rows; i++) {
      int t = labels[i];
      int k = Softmax.argmax(p, rows, classes, i);
      confusion[t][k]++;
      if (t == k) {
        correct++;
      }
      ll -= Math.log(Math.max(p[i + t * rows], 1e-300));
    }
    double[] precision = new double[classes];
    double[] recall = new double[classes];
    for (int k = 0; k < classes; k++) {
      long predicted = 0;
      long actual = 0;
      for (int j = 0; j < classes; j++) {
        predicted += confusion[j][k];
        actual += confusion[k][j];
      }
      precision[k] = predicted > 0 ? (double) confusion[k][k] / predicted : Double.NaN;
      recall[k] = actual > 0 ? (double) confusion[k][k] / actual : Double.NaN;
    }
    return new ClassificationMetrics(rows, classes, rows > 0 ? (double) correct / rows : Double.NaN,
        rows > 0 ? ll / rows : Double.NaN, precision, recall, confusion);
  }

  /** Unweighted mean of the per-class recalls that are defined (balanced accuracy). */
  public double balancedAccuracy() {
    double s = 0;
    int n = 0;
    for (double r : recall) {
      if (!Double.isNaN(r)) {
        s += r;
        n++;
      }
    }
    return n > 0 ? s / n : Double.NaN;
  }

  /**
   * The figures as run summaries record them: rows, accuracy, log_loss, balanced_accuracy,
   * precision, recall, confusion.
   */
  public Map<String, Object> asMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", rows);
    out.put("accuracy", accuracy);
    out.put("log_loss", logLoss);
    out.put("balanced_accuracy", balancedAccuracy());
    out.put("precision", precision);
    out.put("recall", recall);
    out.put("confusion", confusion);
    return out;
  }

  /** One line for logs. */
  public String summary() {
    return String.format(Locale.ROOT, "rows=%d accuracy=%.4f log_loss=%.5f balanced_accuracy=%.4f",
        rows, accuracy, logLoss, balancedAccuracy());
  }
}
