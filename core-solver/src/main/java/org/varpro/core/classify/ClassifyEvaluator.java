package org.varpro.core.classify;

import org.varpro.core.model.FeatureMap;
import org.varpro.core.stats.StatsKind;

/**
 * The passes over the rows that {@link ClassifierSolver} needs, each an associative reduction
 * of per-block sums: the single-process evaluator folds its blocks in order, a Spark evaluator
 * would fold partitions on executors and merge the partial sums on the driver.
 */
public interface ClassifyEvaluator {
  FeatureMap featureMap();

  /** K. */
  int classes();

  /** Total rows m. */
  long rows();

  /** Inner pass at (θ, C): loss, and the gradient / Hessian in C as the level asks. */
  SoftmaxStats softmax(double[] theta, double[] c, SoftmaxStats.Level level);

  /** Dense outer pass at (θ, C): reduced gradient and Gauss-Newton matrix (p×p). */
  GaussNewtonStats gaussNewton(double[] theta, double[] c, StatsKind kind);

  /** Matrix-free outer pass: the reduced gradient g (p). */
  ParamVectorStats gradient(double[] theta, double[] c);

  /** Matrix-free outer pass: the Gauss-Newton product H v (p). */
  ParamVectorStats product(double[] theta, double[] c, double[] v);
}
