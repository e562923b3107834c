package org.varpro.job;

import java.util.List;
import java.util.Map;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.solver.Evaluator;
import org.varpro.model.FittedModel;
import org.varpro.spark.Standardization;

/**
 * What a training run fits: the rows (as an {@link Evaluator} over Spark partitions), the
 * feature map, and the problem's own metrics and plots. One implementation per problem kind.
 */
interface TrainingSetup extends AutoCloseable {
  /** "pde" or "regression". */
  String kind();

  FeatureMap featureMap();

  /** The passes over the training rows. */
  Evaluator evaluator();

  /** Spark partitions of the training rows. */
  int partitions();

  /** Names of the inputs (PDE variables or feature columns). */
  List<String> inputNames();

  /** Names of the outputs (u, or the label columns). */
  List<String> outputNames();

  /** The standardization to save with the model (identity when the data is used raw). */
  Standardization standardization();

  /** Lines describing the problem, for the log. */
  String describe();

  /**
   * Metrics recorded per iteration in the history (test error of a PDE, validation error of a
   * regression); may run a Spark job.
   */
  Map<String, Double> iterationMetrics(double[] theta, double[] c);

  /**
   * A held-out score for best-iterate selection and early stopping
   * ({@code solver.validation-every}), or null when the problem has none.
   */
  default org.varpro.core.solver.Validation validation() {
    return null;
  }

  /** The final metrics for summary.json (error figures of the fitted model). */
  Map<String, Object> finalMetrics(FittedModel model);

  /** The main error figure of {@link #iterationMetrics}, plotted against the iterations. */
  String errorMetric();

  /** Problem plots (heat maps of a PDE solution, predicted vs true): PNG bytes by file name, in order. */
  Map<String, byte[]> plots(FittedModel model) throws java.io.IOException;

  @Override
  void close();
}
