package org.varpro.core.solver;

import java.util.Map;

/** Hooks for progress logs, extra per-iteration metrics (validation or PDE errors) and checkpoints. */
public interface SolverListener {
  /** Extra metrics at the iterate (θ, C), recorded in the history; empty by default. */
  default Map<String, Double> metrics(double[] theta, double[] c) {
    return Map.of();
  }

  /**
   * A history record: called by {@link #onCompleted} for completed iterations, and directly for
   * a final iteration whose step was rejected (the run stalled).
   */
  default void onIteration(IterationRecord record) {}

  /**
   * Iteration {@code state.iteration()} completed; the state is what {@link VarProSolver#resume}
   * continues from. By default passes its record to {@link #onIteration}.
   */
  default void onCompleted(SolverState state) {
    onIteration(state.lastRecord());
  }

  SolverListener NONE = new SolverListener() {};
}
