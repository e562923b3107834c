package org.varpro.core.solver;

import java.util.Arrays;
import java.util.Locale;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.pass.PassRunner;
import org.varpro.core.pass.RunnerAdapter;
import org.varpro.core.stats.FusedStats;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.ReducedProductStats;
import org.varpro.core.stats.StatsKind;

/**
 * The least-squares {@link Evaluator} over any {@link PassRunner}: each request is one
 * {@link LeastSquaresPasses} pass, named for the job descriptions ("iteration k: Jacobian pass",
 * "iteration k: projection pass (trial t)", k counting the Jacobian requests so far). The
 * single-process, partitioned and Spark evaluators are this class over their runners.
 *
 * <p><b>One pass per iteration.</b> For a map whose parameters each move one feature (one hidden
 * layer), when the solver plans Kaufman QR Jacobians at its accepted trial points
 * ({@link #planJacobianAtAcceptedTrials}), every QR projection pass also carries the Jacobian's
 * ingredients ({@link FusedStats}) and the Jacobian request at the same θ is answered from it
 * without a pass. Every runner does this alike, so for the same partitions the results stay equal
 * bit for bit; {@link #twoPasses()} keeps the two separate passes (equal to rounding).
 * Not thread-safe: one solver drives one evaluator.
 */
public class PassEvaluator extends RunnerAdapter implements Evaluator {
  /** Every parameter moves one feature ({@link FeatureMap#parameterFeatures()}). */
  private final boolean separable;
  /** Projections fold the Jacobian ingredients too (the solver's plan, on a separable map). */
  private boolean fuse;
  /** Cleared by {@link #twoPasses()}. */
  private boolean fusionAllowed = true;
  /** The last fused pass and its θ. */
  private FusedStats fused;
  private double[] fusedTheta;
  private int iteration;
  private int trial;

  public PassEvaluator(PassRunner runner) {
    super(runner);
    this.separable = runner.featureMap().parameterFeatures() != null;
  }

  /** An evaluator over {@code runner} continuing {@code from}'s plan and counters (after a redraw). */
  protected PassEvaluator(PassRunner runner, PassEvaluator from) {
    this(runner);
    this.fuse = from.fuse;
    this.fusionAllowed = from.fusionAllowed;
    this.iteration = from.iteration;
  }

  /** Always the two separate passes (projection, then Jacobian); see the class comment. */
  protected void twoPasses() {
    fusionAllowed = false;
    fuse = false;
    fused = null;
  }

  @Override
  public void planJacobianAtAcceptedTrials(boolean plan) {
    fuse = plan && separable && fusionAllowed;
    fused = null;
  }

  @Override
  public int outputs() {
    return runner().outputs();
  }

  /** Jacobian requests so far (the iteration number in the pass descriptions). */
  public int iteration() {
    return iteration;
  }

  @Override
  public boolean canRedraw() {
    return runner().canRedraw();
  }

  @Override
  public PassEvaluator redraw(int round) {
    if (!canRedraw()) {
      return (PassEvaluator) Evaluator.super.redraw(round);
    }
    return successor(runner().redraw(round));
  }

  /** The evaluator over the redrawn rows: subclasses return their own type. */
  protected PassEvaluator successor(PassRunner redrawn) {
    return new PassEvaluator(redrawn, this);
  }

  @Override
  public ProjectionStats project(double[] theta, StatsKind kind) {
    FeatureMap map = featureMap();
    checkLength(theta, map.numParams(), "θ");
    String what = describe(iteration == 0 && trial == 0 ? "projection pass" : "projection pass (trial " + (trial + 1) + ")");
    if (iteration > 0) {
      trial++;
    }
    if (fuse && kind == StatsKind.QR) {
      fused = runner().run(what, LeastSquaresPasses.fused(theta, outputs()));
      fusedTheta = theta.clone();
      return fused.projection();
    }
    return runner().run(what, LeastSquaresPasses.projection(theta, map.numFeatures(), outputs(), kind));
  }

  @Override
  public JacobianStats jacobian(double[] theta, double[] c, double lambda, double[] thetaPrevious,
      StatsKind kind, boolean golubPereyra) {
    FeatureMap map = featureMap();
    int n = map.numFeatures();
    int p = map.numParams();
    checkLength(theta, p, "θ");
    checkLength(c, n * outputs(), "C");
    if (thetaPrevious != null) {
      checkLength(thetaPrevious, p, "previous θ");
    }
    iteration++;
    trial = 0;
    if (fused != null && kind == StatsKind.QR && !golubPereyra && thetaPrevious == null
        && Arrays.equals(theta, fusedTheta)) {
      JacobianStats s = fused.jacobian(c, lambda);
      fused = null;
      return s;
    }
    return runner().run(describe("Jacobian pass"),
        LeastSquaresPasses.jacobian(theta, c, lambda, thetaPrevious, n, p, outputs(), kind, golubPereyra));
  }

  @Override
  public ReducedProductStats tangentProduct(double[] theta, double[] c, double[] v) {
    FeatureMap map = featureMap();
    checkProduct(theta, c);
    checkLength(v, map.numParams(), "v");
    return runner().run(describe("tangent product pass"),
        LeastSquaresPasses.tangentProduct(theta, c, v, map.numFeatures(), map.numParams(), outputs()));
  }

  @Override
  public ReducedProductStats transposeProduct(double[] theta, double[] c, double[] v, double[] z, double beta) {
    FeatureMap map = featureMap();
    checkProduct(theta, c);
    if (v != null) {
      checkLength(v, map.numParams(), "v");
    }
    checkLength(z, map.numFeatures() * outputs(), "z");
    return runner().run(describe("transpose product pass"),
        LeastSquaresPasses.transposeProduct(theta, c, v, z, beta, map.numFeatures(), map.numParams(), outputs()));
  }

  private String describe(String what) {
    return String.format(Locale.ROOT, "iteration %d: %s", iteration, what);
  }

  private void checkProduct(double[] theta, double[] c) {
    FeatureMap map = featureMap();
    checkLength(theta, map.numParams(), "θ");
    checkLength(c, map.numFeatures() * outputs(), "C");
  }

  private static void checkLength(double[] a, int expected, String name) {
    if (a == null || a.length != expected) {
      throw new IllegalArgumentException(name + " has length " + (a == null ? "null" : a.length)
          + ", expected " + expected);
    }
  }
}
