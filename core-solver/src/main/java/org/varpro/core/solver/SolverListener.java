package org.varpro.core.solver;

import java.util.Map;

/** Hooks for progress logs and extra per-iteration metrics (validation or PDE errors). */
public interface SolverListener {
  /** Extra metrics at the iterate (θ, C), recorded in the history; empty by default. */
  default Map<String, Double> metrics(double[] theta, double[] c) {
    return Map.of();
  }

  default void onIteration(IterationRecord record) {}

  SolverListener NONE = new SolverListener() {};
}
