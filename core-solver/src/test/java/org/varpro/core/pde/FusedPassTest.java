package org.varpro.core.pde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.varpro.core.Fixtures;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Channels;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pass.FoldThreads;
import org.varpro.core.solver.InnerSolver;
import org.varpro.core.solver.LocalEvaluator;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.VarProSolver;
import org.varpro.core.stats.FusedStats;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.StatsKind;

/**
 * One pass for projection and Jacobian statistics (FusedStats): its factors stand for the same
 * MᵀM as the two separate passes, on PDE rows (value and derivative channels) and on data rows
 * with two outputs; a solve through it follows the two-pass trajectory and evaluates the features
 * once per iteration.
 */
class FusedPassTest {
  private final Perceptron net = Perceptron.of(Activation.TANH, 2, 8);
  private final double[] theta = net.initialParams(3);

  private static RowBlock[] heatRows() {
    return PdeProblem.builder(LinearPdeTest.heat()).interiorPoints(200).boundaryPoints(40)
        .testGrid(11).blockRows(64).build().trainingBlocks();
  }

  /**
   * Both summaries are backward-stable factorizations of the same rows (or, for the scaled D
   * columns, exact scalings of one), so their Gram matrices agree to a few hundred ulp of the
   * largest entry; 1e-12 leaves room for the ~10⁴ flops per entry.
   */
  private void assertSameStatistics(RowBlock[] blocks, int outputs, double lambda) {
    ProjectionStats two = new ProjectionStats(net.numFeatures(), outputs, StatsKind.QR);
    FusedStats fused = new FusedStats(net, outputs);
    for (RowBlock b : blocks) {
      two.add(net, theta, b);
      fused.add(net, theta, b);
    }
    ProjectionStats one = fused.projection();
    double ep = Fixtures.relativeError(one.stats.gram(), two.stats.gram());
    assertTrue(ep < 1e-12, "projection M^T M: " + ep);
    assertEquals(two.stats.count(), one.stats.count());
    double[] c = InnerSolver.solve(two, lambda).c();
    double[] cFused = InnerSolver.solve(one, lambda).c();
    assertTrue(Fixtures.relativeError(cFused, c) < 1e-9, "C: " + Fixtures.relativeError(cFused, c));

    JacobianStats js = new JacobianStats(net.numFeatures(), net.numParams(), outputs, StatsKind.QR, false, false)
        .addRidge(lambda);
    for (RowBlock b : blocks) {
      js.add(net, theta, c, null, b);
    }
    JacobianStats jf = fused.jacobian(c, lambda);
    for (int j = 0; j < outputs; j++) {
      double ej = Fixtures.relativeError(jf.perOutput[j].gram(), js.perOutput[j].gram());
      assertTrue(ej < 1e-12, "output " + j + ", lambda " + lambda + ", Jacobian M^T M: " + ej);
    }
    assertEquals(lambda, jf.ridge());
  }

  @Test
  void pdeRowsGiveTheTwoPassStatistics() {
    for (double lambda : new double[] {0, 1e-6}) {
      assertSameStatistics(heatRows(), 1, lambda);
    }
  }

  @Test
  void twoOutputsGiveTheTwoPassStatistics() {
    RowBlock rows = Fixtures.rows(7, 150, 2, 2, -1, 1, (x, j) -> Math.sin(2 * x[0] + j) * Math.cos(x[1]), true);
    assertSameStatistics(rows.split(40), 2, 1e-8);
  }

  /**
   * A block of several factors' worth of rows is folded in row chunks (QrStats.chunks): the
   * statistics still match the unchunked two-pass ones, and folding the chunks on two threads
   * gives the single-thread fold's bits (the cut and the merge order depend on the rows only).
   */
  @Test
  void rowChunksKeepTheStatisticsAndTheirBitsDoNotDependOnThreads() {
    // One block per row group (interior, boundary, initial); the interior block is cut.
    RowBlock[] groups = PdeProblem.builder(LinearPdeTest.heat()).interiorPoints(200).boundaryPoints(40)
        .testGrid(11).blockRows(512).build().trainingBlocks();
    int cols = net.numFeatures() + net.numParams() + 1;
    assertEquals(4, org.varpro.core.stats.QrStats.chunks(groups[0].rows, cols), "the interior block is cut in 4");
    for (double lambda : new double[] {0, 1e-6}) {
      assertSameStatistics(groups, 1, lambda);
    }
    double[] serial = foldAll(groups).projection().stats.gram();
    for (int threads : new int[] {2, 3}) {
      double[] parallel = FoldThreads.granting(threads, () -> foldAll(groups)).projection().stats.gram();
      assertArrayEquals(serial, parallel, threads + " threads");
    }
  }

  private FusedStats foldAll(RowBlock[] blocks) {
    FusedStats s = new FusedStats(net, 1);
    for (RowBlock b : blocks) {
      s.add(net, theta, b);
    }
    return s;
  }

  @Test
  void parametersOfOneHiddenLayerMoveOneFeatureOnly() {
    int[] pf = net.parameterFeatures();
    RowBlock rows = heatRows()[0];
    int r = rows.rows;
    int n = net.numFeatures();
    int p = net.numParams();
    // Feature l's own Jacobian (cotangent e_l) vanishes on every parameter not assigned to l.
    for (int l = 0; l < n; l++) {
      double[] u = new double[r * n];
      java.util.Arrays.fill(u, l * r, (l + 1) * r, 1.0);
      double[] out = new double[r * p];
      net.rowJacobianProducts(theta, rows, new double[][] {u}, null, 0, new double[][] {out}, new int[] {0});
      for (int q = 0; q < p; q++) {
        if (pf[q] != l) {
          for (int i = 0; i < r; i++) {
            assertEquals(0.0, out[i + q * r], "feature " + l + ", parameter " + q);
          }
        }
      }
    }
    assertNull(Perceptron.of(Activation.TANH, 2, 4, 4).parameterFeatures());
  }

  /** Counts the forward passes that evaluate features alone. */
  private static final class Counting implements FeatureMap {
    private final FeatureMap inner;
    int featurePasses;
    int jacobianPasses;

    Counting(FeatureMap inner) {
      this.inner = inner;
    }

    @Override public int inputDim() { return inner.inputDim(); }
    @Override public int numFeatures() { return inner.numFeatures(); }
    @Override public int numParams() { return inner.numParams(); }
    @Override public double[] initialParams(long seed) { return inner.initialParams(seed); }
    @Override public boolean supports(Channels channels) { return inner.supports(channels); }
    @Override public int[] parameterFeatures() { return inner.parameterFeatures(); }
    @Override public String describe() { return inner.describe(); }

    @Override
    public void features(double[] theta, RowBlock block, double[] a, int offA) {
      featurePasses++;
      inner.features(theta, block, a, offA);
    }

    @Override
    public void rowJacobianProducts(double[] theta, RowBlock block, double[][] cotangents, double[] a,
        int offA, double[][] out, int[] offOut) {
      jacobianPasses++;
      inner.rowJacobianProducts(theta, block, cotangents, a, offA, out, offOut);
    }
  }

  @Test
  void solveFollowsTheTwoPassTrajectoryWithOnePassPerIteration() {
    RowBlock[] blocks = heatRows();
    SolverOptions o = SolverOptions.builder().maxIterations(15).lambda(1e-8).lambdaFactor(0.9).principalAngles(false)
        .build();
    Counting counting = new Counting(net);
    SolverResult fused = new VarProSolver(o).solve(new LocalEvaluator(counting, blocks), theta);
    // The same fold order, always two passes.
    SolverResult twoPass = new VarProSolver(o).solve(new LocalEvaluator(net, blocks).withTwoPasses(), theta);
    assertEquals(15, fused.iterations());
    int trials = 0;
    for (int i = 0; i < fused.history().size(); i++) {
      trials += 1 + fused.history().get(i).rejections();
      // Rounding differs between the two routes; over 15 well-conditioned steps it stays far below 1e-8.
      double a = fused.history().get(i).loss();
      double b = twoPass.history().get(i).loss();
      assertEquals(b, a, 1e-8 * b, "iteration " + (i + 1) + " loss");
    }
    assertTrue(Fixtures.relativeError(fused.theta(), twoPass.theta()) < 1e-8);
    // Every pass, θ0's included, carries the Jacobian statistics the next iteration uses.
    int perPass = blocks.length;
    assertEquals(0, counting.featurePasses);
    assertEquals(perPass * (1 + trials), counting.jacobianPasses);

    // Asked for principal angles, the solver plans no fused passes: features alone per trial.
    o = o.toBuilder().principalAngles(true).build();
    Counting plain = new Counting(net);
    SolverResult unfused = new VarProSolver(o).solve(new LocalEvaluator(plain, blocks), theta);
    int plainTrials = 0;
    for (var h : unfused.history()) {
      plainTrials += 1 + h.rejections();
    }
    // θ0, each trial, and the previous iterate's features for the angles from iteration 2 on.
    assertEquals(perPass * (1 + plainTrials + unfused.iterations() - 1), plain.featurePasses);
  }
}
