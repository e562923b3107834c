package org.varpro.core.pde;

import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.Residuals;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.Validation;

/**
 * The held-out score of a PINN iterate: the weighted PDE residual ½Σ w_i (a_i·C − y_i)² of the
 * current (θ, C) on collocation rows the fit never saw — the same equation, boundary and initial
 * conditions at fresh points. It uses no exact solution, so it is a fair stopping rule.
 */
public final class PdeValidation {
  private PdeValidation() {}

  /** @param heldOut a problem with the same PDE and weights but different collocation points */
  public static Validation of(FeatureMap map, PdeProblem heldOut) {
    return of(map, heldOut.trainingBlocks());
  }

  /** Same, from explicit rows. */
  public static Validation of(FeatureMap map, RowBlock... rows) {
    return (theta, c) -> Residuals.loss(map, theta, c, rows);
  }
}
