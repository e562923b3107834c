package org.varpro.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.varpro.core.solver.Evaluator;
import org.varpro.core.solver.HessianKind;
import org.varpro.core.solver.InnerSolution;
import org.varpro.core.solver.InnerSolver;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.StepSolver;
import org.varpro.core.solver.StepSystems;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.StatsKind;

/** Comparison of two solver runs iteration by iteration. */
final class Histories {
  private Histories() {}

  static double relative(double a, double b) {
    if (a == b) {
      return 0;
    }
    return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
  }

  /**
   * The largest relative difference of the loss and the gradient norm over the iterations
   * (asserting the same number of iterations and the same accept/reject decisions).
   */
  static double maxRelativeDifference(SolverResult a, SolverResult b) {
    List<IterationRecord> ha = a.history();
    List<IterationRecord> hb = b.history();
    assertEquals(ha.size(), hb.size(), "history lengths");
    double max = 0;
    for (int i = 0; i < ha.size(); i++) {
      IterationRecord ra = ha.get(i);
      IterationRecord rb = hb.get(i);
      assertEquals(ra.iteration(), rb.iteration());
      assertEquals(ra.accepted(), rb.accepted(), "accepted at iteration " + ra.iteration());
      assertEquals(ra.rejections(), rb.rejections(), "rejections at iteration " + ra.iteration());
      max = Math.max(max, relative(ra.loss(), rb.loss()));
      max = Math.max(max, relative(ra.gradientNorm(), rb.gradientNorm()));
    }
    return Math.max(max, relative(a.loss(), b.loss()));
  }

  static double maxRelativeDifference(double[] a, double[] b) {
    assertEquals(a.length, b.length);
    double scale = 0;
    for (double v : b) {
      scale = Math.max(scale, Math.abs(v));
    }
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]) / scale);
    }
    return max;
  }

  /**
   * One pass of each kind through two evaluators at the same θ: the largest relative difference
   * of the reduced loss, C, the gradient and a damped step (norm-wise for vectors).
   */
  static double passDifference(Evaluator a, Evaluator b, double[] theta, double[] thetaPrevious,
      StatsKind kind, double lambda, boolean golubPereyra) {
    StatsKind pass1 = kind == StatsKind.ROWS ? StatsKind.QR : kind;
    InnerSolution ia = InnerSolver.solve(a.project(theta, pass1), lambda);
    InnerSolution ib = InnerSolver.solve(b.project(theta, pass1), lambda);
    double max = relative(ia.loss(), ib.loss());
    max = Math.max(max, maxRelativeDifference(ia.c(), ib.c()));
    JacobianStats ja = a.jacobian(theta, ia.c(), lambda, thetaPrevious, kind, golubPereyra);
    JacobianStats jb = b.jacobian(theta, ia.c(), lambda, thetaPrevious, kind, golubPereyra);
    HessianKind h = golubPereyra ? HessianKind.GOLUB_PEREYRA : HessianKind.KAUFMAN;
    StepSolver sa = StepSystems.build(ja, h, false);
    StepSolver sb = StepSystems.build(jb, h, false);
    max = Math.max(max, maxRelativeDifference(sa.gradient(), sb.gradient()));
    double mu = 1e-3 * sb.maxHessianDiagonal();
    max = Math.max(max, maxRelativeDifference(sa.step(mu), sb.step(mu)));
    return max;
  }
}
