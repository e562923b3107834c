package org.varpro.core.classify;

import java.util.Map;

/** Progress hooks and extra per-iteration metrics (test accuracy, log-loss) of the classifier. */
public interface ClassifierListener {
  /** Extra metrics at the iterate (θ, C), recorded in the history; empty by default. */
  default Map<String, Double> metrics(double[] theta, double[] c) {
    return Map.of();
  }

  default void onIteration(ClassifierRecord record) {}

  ClassifierListener NONE = new ClassifierListener() {};
}
