package org.varpro.core.pass;

import org.varpro.core.model.FeatureMap;

/**
 * The base of the evaluators that are thin adapters over a {@link PassRunner}: what they say
 * about the rows is the runner's.
 */
public abstract class RunnerAdapter {
  private final PassRunner runner;

  protected RunnerAdapter(PassRunner runner) {
    this.runner = runner;
  }

  /** The runner of this evaluator's passes. */
  protected PassRunner runner() {
    return runner;
  }

  public FeatureMap featureMap() {
    return runner.featureMap();
  }

  /** Total rows m. */
  public long rows() {
    return runner.rows();
  }

  public int partitions() {
    return runner.partitions();
  }

  /** Passes over the rows so far. */
  public long passes() {
    return runner.passes();
  }
}
