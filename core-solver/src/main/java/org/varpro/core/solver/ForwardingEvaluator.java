package org.varpro.core.solver;

import org.varpro.core.model.FeatureMap;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.ReducedProductStats;
import org.varpro.core.stats.StatsKind;

/**
 * An evaluator that hands every call to another one: the base of decorators that time the passes
 * or check a deadline before each of them (override {@link #project} and {@link #jacobian} and
 * call {@code super}).
 */
public abstract class ForwardingEvaluator implements Evaluator {
  private Evaluator inner;

  protected ForwardingEvaluator(Evaluator inner) {
    this.inner = inner;
  }

  @Override
  public FeatureMap featureMap() {
    return inner.featureMap();
  }

  @Override
  public int outputs() {
    return inner.outputs();
  }

  @Override
  public long rows() {
    return inner.rows();
  }

  @Override
  public ProjectionStats project(double[] theta, StatsKind kind) {
    return inner.project(theta, kind);
  }

  @Override
  public JacobianStats jacobian(double[] theta, double[] c, double lambda, double[] thetaPrevious, StatsKind kind,
      boolean golubPereyra) {
    return inner.jacobian(theta, c, lambda, thetaPrevious, kind, golubPereyra);
  }

  @Override
  public ReducedProductStats tangentProduct(double[] theta, double[] c, double[] v) {
    return inner.tangentProduct(theta, c, v);
  }

  @Override
  public ReducedProductStats transposeProduct(double[] theta, double[] c, double[] v, double[] z, double beta) {
    return inner.transposeProduct(theta, c, v, z, beta);
  }

  @Override
  public void planJacobianAtAcceptedTrials(boolean plan) {
    inner.planJacobianAtAcceptedTrials(plan);
  }

  @Override
  public boolean canRedraw() {
    return inner.canRedraw();
  }

  /** Redraws the inner evaluator's rows and keeps decorating it. */
  @Override
  public Evaluator redraw(int round) {
    inner = inner.redraw(round);
    return this;
  }
}
