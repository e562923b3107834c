package org.varpro.core.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.varpro.core.classify.ClassifierOptions.CURVATURE_MIN_ROWS;
import static org.varpro.core.classify.ClassifierOptions.CURVATURE_SAMPLE;
import static org.varpro.core.classify.ClassifierOptions.INNER_TOLERANCE;
import static org.varpro.core.classify.ClassifierOptions.STEP;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.Activation;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.ReducedProblem;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.StepSystem;
import org.varpro.core.stats.StatsKind;

/**
 * The subsampled Gauss-Newton curvature of the matrix-free step: which rows the seeded sample
 * takes (the same whatever the blocking, at the rate asked, weights divided by the fraction),
 * the step it gives against a dense solve with the sample's H and every row's g, and a run with
 * it (objective decreasing, bit-identical on rerun).
 */
class CurvatureSampleTest {
  private static final int K = 3;
  private static final double LAMBDA = 1e-3;

  private final RowBlock rows = ClassifyFixtures.rows(31, 400, 3, K);

  /** The sampled rows of every block, concatenated (x, then y, then weights). */
  private static double[][] flatten(RowBlock[] blocks) {
    List<RowBlock> nonEmpty = new ArrayList<>(List.of(blocks));
    RowBlock all = RowBlock.concat(nonEmpty.toArray(new RowBlock[0]));
    return new double[][] {all.x, all.y, all.weight};
  }

  @Test
  void sampleIsTheSameHoweverTheRowsAreBlockedAndReweighted() {
    double f = 0.3;
    double[][] whole = flatten(CurvatureSample.partition(List.of(rows), f, 5));
    double[][] small = flatten(CurvatureSample.partition(List.of(rows.split(7)), f, 5));
    double[][] large = flatten(CurvatureSample.partition(List.of(rows.split(150)), f, 5));
    for (int a = 0; a < 3; a++) {
      assertArrayEquals(whole[a], small[a], 0.0);
      assertArrayEquals(whole[a], large[a], 0.0);
    }
    // Partitions sample their own rows: together they are the same rows, in the same order.
    RowBlock[] blocks = rows.split(40);
    RowBlock[][] parts = {java.util.Arrays.copyOfRange(blocks, 0, 3), java.util.Arrays.copyOfRange(blocks, 3, 10)};
    RowBlock[][] sampled = CurvatureSample.partitions(parts, f, 5);
    List<RowBlock> joined = new ArrayList<>(List.of(sampled[0]));
    joined.addAll(List.of(sampled[1]));
    assertArrayEquals(whole[0], flatten(joined.toArray(new RowBlock[0]))[0], 0.0);
    // Blocks as large as the partition's largest input block.
    for (RowBlock b : CurvatureSample.partition(List.of(rows.split(40)), 0.9, 5)) {
      assertTrue(b.rows <= 40);
    }
    // Each sampled row is an input row with its weight divided by f (exactly).
    RowBlock s = CurvatureSample.partition(List.of(rows), f, 5)[0];
    int found = 0;
    for (int i = 0; i < s.rows; i++) {
      for (int r = 0; r < rows.rows; r++) {
        if (rows.input(r, 0) == s.input(i, 0) && rows.input(r, 1) == s.input(i, 1)) {
          assertEquals(rows.weight[r] / f, s.weight[i], 0.0);
          assertEquals(rows.target(r, 0), s.target(i, 0), 0.0);
          found++;
        }
      }
    }
    assertEquals(s.rows, found);
  }

  @Test
  void sampleTakesTheFractionAskedAndDependsOnTheSeed() {
    RowBlock many = ClassifyFixtures.rows(32, 8000, 3, K);
    double f = 0.25;
    int count = CurvatureSample.partition(List.of(many), f, 1)[0].rows;
    // Binomial(8000, 0.25): mean 2000, standard deviation 38.7; 5 deviations either way.
    assertTrue(Math.abs(count - 2000) < 5 * 38.7, "sampled " + count);
    RowBlock other = CurvatureSample.partition(List.of(many), f, 2)[0];
    RowBlock first = CurvatureSample.partition(List.of(many), f, 1)[0];
    assertNotEquals(first.x[0], other.x[0]);
    // The fraction rule: the dense step samples nothing, a floor of rows, capped at every row.
    ClassifierOptions o = ClassifierOptions.builder().set(CURVATURE_SAMPLE, 0.1).set(CURVATURE_MIN_ROWS, 1000)
        .set(STEP, ClassifierStep.MATRIX_FREE).build();
    assertEquals(0.1, CurvatureSample.fraction(o, 100, 20000), 0.0);
    assertEquals(0.2, CurvatureSample.fraction(o, 100, 5000), 0.0);
    assertEquals(1.0, CurvatureSample.fraction(o, 100, 800), 0.0);
    o = o.toBuilder().set(STEP, ClassifierStep.AUTO).build();
    assertEquals(1.0, CurvatureSample.fraction(o, o.matrixFreeThreshold(), 20000), 0.0);
    assertEquals(0.1, CurvatureSample.fraction(o, o.matrixFreeThreshold() + 1, 20000), 0.0);
  }

  private ClassifierOptions matrixFree() {
    return ClassifierOptions.builder().set(STEP, ClassifierStep.MATRIX_FREE).lambda(LAMBDA).set(INNER_TOLERANCE, 1e-13)
        .cgTolerance(1e-14).cgMaxIterations(2000).build();
  }

  /**
   * The matrix-free step with the sample's curvature solves (H_S + μI)δ = −g with g from every
   * row and H_S the Gauss-Newton matrix of the sampled, reweighted rows: checked against that
   * system formed densely and solved by Cholesky.
   */
  @Test
  void subsampledStepSolvesTheSampleCurvatureWithTheFullGradient() {
    JvpPerceptron net = JvpPerceptron.of(Activation.TANH, 3, 6, 4);
    double[] theta = net.initialParams(4);
    LocalClassifyEvaluator ev = LocalClassifyEvaluator.ofRows(net, K, rows, 64);
    LocalClassifyEvaluator sample = new LocalClassifyEvaluator(net, K,
        CurvatureSample.partition(List.of(rows.split(64)), 0.3, 9));
    ClassifierOptions o = matrixFree();
    CrossEntropyProblem problem = new CrossEntropyProblem(ev, sample, o, null);
    ReducedProblem.Iterate at = problem.evaluate(theta, LAMBDA, null);
    StepSystem system = problem.linearize(at, LAMBDA, null);
    double[] c = at.inner().c();
    double[] g = ev.gradient(theta, c).vector();
    double[] hs = sample.gaussNewton(theta, c, StatsKind.GRAM).hessian();
    int p = g.length;
    double mu = 1e-3 * system.curvatureScale();
    double[] a = hs.clone();
    double[] x = new double[p];
    for (int q = 0; q < p; q++) {
      a[q + q * p] += mu;
      x[q] = -g[q];
    }
    assertTrue(Lapack.cholesky(a, p));
    Lapack.triangularSolve(true, a, 0, p, p, x, 0, p, 1);
    Lapack.triangularSolve(false, a, 0, p, p, x, 0, p, 1);
    StepSystem.Trial t = system.solve(mu);
    double rel = ClassifyFixtures.relativeDifference(t.delta(), x);
    // CG to 1e-14 on a system of condition ~1e3 (μ = 1e-3 of the curvature scale).
    assertTrue(rel <= 1e-8, "relative difference " + rel);
    // The sample's curvature is not the full one: the step differs from the full-curvature step.
    double[] h = ev.gaussNewton(theta, c, StatsKind.GRAM).hessian();
    double diff = 0;
    for (int q = 0; q < hs.length; q++) {
      diff = Math.max(diff, Math.abs(h[q] - hs[q]));
    }
    assertTrue(diff > 1e-6, "the sample's H equals the full H");
  }

  @Test
  void runWithTheSampleLowersTheObjectiveAndRepeatsBitForBit() {
    JvpPerceptron net = JvpPerceptron.of(Activation.TANH, 3, 6, 4);
    ClassifierOptions o = matrixFree().toBuilder().cgTolerance(1e-4).cgMaxIterations(20).maxIterations(8).build();
    SolverResult[] runs = new SolverResult[2];
    for (int r = 0; r < 2; r++) {
      LocalClassifyEvaluator ev = LocalClassifyEvaluator.ofRows(net, K, rows, 64);
      LocalClassifyEvaluator sample = new LocalClassifyEvaluator(net, K,
          CurvatureSample.partition(List.of(rows.split(64)), 0.3, 9));
      runs[r] = new ClassifierSolver(o).solve(ev, sample, net.initialParams(4), null);
    }
    double previous = Double.POSITIVE_INFINITY;
    int accepted = 0;
    for (var rec : runs[0].history()) {
      assertTrue(rec.loss() <= previous, "objective rose at iteration " + rec.iteration());
      previous = rec.loss();
      accepted += rec.accepted() ? 1 : 0;
    }
    assertTrue(accepted >= 5, "accepted steps " + accepted);
    assertTrue(runs[0].loss() < runs[0].history().get(0).loss());
    assertArrayEquals(runs[0].theta(), runs[1].theta(), 0.0);
    assertArrayEquals(runs[0].c(), runs[1].c(), 0.0);
  }
}
