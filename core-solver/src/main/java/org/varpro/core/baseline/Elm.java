package org.varpro.core.baseline;

import java.util.List;
import java.util.Locale;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.InnerSolution;
import org.varpro.core.solver.InnerSolver;
import org.varpro.core.solver.LocalEvaluator;
import org.varpro.core.stats.StatsKind;

/**
 * Extreme learning machine / random features: θ stays at its initialization and only the output
 * weights are fitted, by the exact inner solve VarPro uses (TSQR of [W½A | W½Y], then
 * C = argmin ½‖W½(AC − Y)‖² + ½λ‖C‖²). With λ = 0 and numerically rank-deficient features the
 * inner solver returns the minimum-norm C. This is VarPro with zero outer iterations.
 */
public final class Elm {
  private Elm() {}

  public static String name(double lambda) {
    return lambda == 0 ? "elm" : String.format(Locale.ROOT, "elm(lambda=%s)", Adam.compact(lambda));
  }

  /**
   * Fits C at the fixed θ. The reported loss is F(θ, C) evaluated directly on the rows (as for
   * the other baselines), not the inner solver's value, although the two agree to rounding.
   */
  public static BaselineResult fit(FeatureMap map, RowBlock[] blocks, double[] theta, double lambda) {
    long start = System.nanoTime();
    LocalEvaluator evaluator = new LocalEvaluator(map, blocks);
    InnerSolution inner = InnerSolver.solve(evaluator.project(theta, StatsKind.QR), lambda);
    double[] c = inner.c();
    FullProblem problem = new FullProblem(map, blocks, lambda);
    double loss = problem.loss(problem.pack(theta, c));
    double seconds = Adam.seconds(start);
    return new BaselineResult(name(lambda), theta.clone(), c, loss, 0, seconds,
        List.of(new BaselineResult.Point(0, seconds, loss)), BaselineResult.STOP_CLOSED_FORM);
  }
}
