package org.varpro.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.varpro.config.ModelConfig;
import org.varpro.config.PdeConfig;
import org.varpro.config.SolverConfig;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.pass.MergeOrder;
import org.varpro.core.pde.Box;
import org.varpro.core.pde.PdeProblem;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.LocalEvaluator;
import org.varpro.core.solver.PartitionedEvaluator;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.VarProSolver;
import org.varpro.core.stats.StatsKind;

/** The distributed evaluator on the heat benchmark (conf/heat.conf) against the single-process one. */
class SparkEvaluatorHeatTest {
  static Config config;
  static PdeProblem problem;
  static FeatureMap map;
  static double[] theta0;
  static SolverOptions options;

  @BeforeAll
  static void setUp() {
    // heat.conf's problem with the former defaults (box features, λ from 1e-8): C and the step
    // are then solved at cond(A) ≈ 1e5, so the bounds below measure the evaluator's merge order.
    // The shipped he-box features at λ = 0 have cond(A) ≈ 1e10: there the merge order alone
    // moves C by ε·cond(A) ≈ 1e-6, and 20 LM iterations carry that into the trajectory.
    config = ConfigFactory.parseString("model.init = box\nsolver.lambda = 1e-8\nsolver.lambda-factor = 0.9")
        .withFallback(ConfigFactory.parseFile(TestSpark.repoFile("conf/heat.conf").toFile())).resolve();
    problem = PdeConfig.parseProblem(config);
    Box box = problem.pde().box();
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int d = 0; d < box.dim(); d++) {
      lo = Math.min(lo, box.lower(d));
      hi = Math.max(hi, box.upper(d));
    }
    ModelConfig model = ModelConfig.parse(config, new double[] {lo, hi});
    map = model.featureMap(problem.pde().dim());
    theta0 = map.initialParams(model.seed());
    options = SolverConfig.parse(config).toBuilder()
        .maxIterations(20)
        // Iteration cap only: heat.conf's 30 s budget stopped the Spark run early on a loaded machine.
        .timeBudgetSeconds(Double.POSITIVE_INFINITY)
        // The LM trajectory amplifies rounding differences (any change of the block layout, even
        // between two single-process runs, shows up as ~1e-11..5e-11 in the gradient norm after 20
        // iterations with heat.conf's tau = 1e-3); a larger initial damping keeps that amplification
        // ~10× lower, so the 1e-10 parity bound measures the evaluator, not the trajectory.
        .tau(0.1)
        .build();
  }

  @Test
  void passesMatchTheSingleProcessEvaluator() {
    LocalEvaluator local = new LocalEvaluator(map, problem.trainingBlocks());
    double[] previous = map.initialParams(2);
    try (SparkEvaluator ev = PdeRowSource.evaluator(TestSpark.context(), problem, map, 4)) {
      double qr = Histories.passDifference(ev, local, theta0, previous, StatsKind.QR, 1e-12, false);
      double gp = Histories.passDifference(ev, local, theta0, null, StatsKind.QR, 0, true);
      double gram = Histories.passDifference(ev, local, theta0, previous, StatsKind.GRAM, 1e-8, false);
      System.out.printf("heat single-pass parity at θ0: QR %.2e, QR+Golub-Pereyra %.2e, Gram %.2e%n", qr, gp, gram);
      // Measured: loss 5e-14, C 3e-13, gradient 3e-13, damped step 2e-12 (the step solves an
      // ill-conditioned system, so it amplifies the rounding of the different merge order);
      // Gram sums square the conditioning. The bounds leave room for another BLAS.
      assertTrue(qr <= 1e-10, "QR pass differs by " + qr);
      assertTrue(gp <= 1e-10, "QR+GP pass differs by " + gp);
      assertTrue(gram <= 1e-7, "Gram pass differs by " + gram);
      assertEquals(6, ev.passes(), "3 projection and 3 Jacobian passes");
      assertEquals(3, ev.iteration());
    }
  }

  /** The matrix-free passes (tangent and transpose, with and without v) agree with the local ones. */
  @Test
  void matrixFreePassesMatchTheSingleProcessEvaluator() {
    LocalEvaluator local = new LocalEvaluator(map, problem.trainingBlocks());
    int n = map.numFeatures();
    int p = map.numParams();
    int k = local.outputs();
    double[] c = org.varpro.core.solver.InnerSolver.solve(local.project(theta0, StatsKind.QR), 1e-8).c();
    java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
    double[] v = rng.doubles(p, -1, 1).toArray();
    double[] z = rng.doubles((long) n * k, -1, 1).toArray();
    try (SparkEvaluator ev = PdeRowSource.evaluator(TestSpark.context(), problem, map, 4)) {
      double[][] spark = {ev.tangentProduct(theta0, c, v).vector(),
          ev.transposeProduct(theta0, c, v, z, 0).vector(), ev.transposeProduct(theta0, c, null, z, 1).vector()};
      double[][] single = {local.tangentProduct(theta0, c, v).vector(),
          local.transposeProduct(theta0, c, v, z, 0).vector(), local.transposeProduct(theta0, c, null, z, 1).vector()};
      for (int t = 0; t < spark.length; t++) {
        double scale = 0;
        double diff = 0;
        for (int i = 0; i < spark[t].length; i++) {
          scale = Math.max(scale, Math.abs(single[t][i]));
          diff = Math.max(diff, Math.abs(spark[t][i] - single[t][i]));
        }
        // Sums of the same block terms in another merge order: rounding only.
        assertTrue(diff <= 1e-12 * scale, "pass " + t + " differs by " + diff + " (scale " + scale + ")");
      }
      assertEquals(3, ev.passes());
    }
  }

  @Test
  void matchesTheSingleProcessSolverOnHeat() {
    SolverResult local = new VarProSolver(options).solve(new LocalEvaluator(map, problem.trainingBlocks()), theta0);
    SolverResult spark;
    try (SparkEvaluator ev = PdeRowSource.evaluator(TestSpark.context(), problem, map, 4)) {
      assertEquals(problem.totalRows(), ev.rows());
      assertEquals(4, ev.partitions());
      spark = new VarProSolver(options).solve(ev, theta0);
      assertEquals(spark.iterations(), ev.iteration(), "one Jacobian pass per iteration");
    }
    assertEquals(20, local.iterations());
    double history = Histories.maxRelativeDifference(spark, local);
    double theta = Histories.maxRelativeDifference(spark.theta(), local.theta());
    System.out.printf("heat parity (20 iterations, 4 partitions): max relative difference of loss/|g| %.3e,"
        + " of θ %.3e; final loss %.6e%n", history, theta, local.loss());
    assertTrue(history <= 1e-10, "loss/gradient histories differ by " + history);
    assertTrue(local.loss() < local.history().get(0).loss() * 1e-2, "the fit made progress");
  }

  @Test
  void redrawnPointsMatchTheSingleProcessSolver() {
    SolverOptions o = options.toBuilder().maxIterations(12).resampleEvery(4).build();
    SolverResult local = new VarProSolver(o).solve(problem.localEvaluator(map), theta0);
    SolverResult spark;
    try (SparkEvaluator ev = PdeRowSource.evaluator(TestSpark.context(), problem, map, 4)) {
      spark = new VarProSolver(o).solve(ev, theta0);
    }
    assertEquals(12, local.iterations());
    // Iteration 5 starts on round 1's points (core ResampleTest checks that loss exactly): it
    // differs from the run on fixed points, so the parity below covers the redrawn rows.
    SolverResult fixed = new VarProSolver(options).solve(new LocalEvaluator(map, problem.trainingBlocks()), theta0);
    assertEquals(fixed.history().get(3).loss(), local.history().get(3).loss(), 1e-12 * fixed.history().get(3).loss());
    assertTrue(Histories.relative(fixed.history().get(4).loss(), local.history().get(4).loss()) > 1e-6,
        "iteration 5 must see the redrawn points");
    double history = Histories.maxRelativeDifference(spark, local);
    System.out.printf("heat parity with points redrawn every 4 iterations (12 iterations, 4 partitions): "
        + "max relative difference of loss/|g| %.3e%n", history);
    assertTrue(history <= 1e-10, "loss/gradient histories differ by " + history);
    // A sweep task's evaluator redraws the same partitions: bit for bit.
    SolverResult partitioned = new VarProSolver(o).solve(PartitionedEvaluator.redrawable(map, r -> {
      RowBlock[][] parts = new RowBlock[4][];
      for (int j = 0; j < 4; j++) {
        parts[j] = problem.round(r).trainingRows(j, 4).all();
      }
      return parts;
    }), theta0);
    assertArrayEquals(spark.theta(), partitioned.theta());
    assertEquals(spark.loss(), partitioned.loss());
  }

  @Test
  void twoSparkRunsAreBitIdentical() {
    SolverOptions o = options.toBuilder().maxIterations(8).build();
    SolverResult[] runs = new SolverResult[2];
    for (int r = 0; r < 2; r++) {
      // 5 partitions merged through the executor-side tree (2 per group, at most 2 on the driver).
      try (SparkEvaluator ev = PdeRowSource.evaluator(TestSpark.context(), problem, map, 5)
          .mergeOrder(new MergeOrder(2, 2))) {
        runs[r] = new VarProSolver(o).solve(ev, theta0);
      }
    }
    assertArrayEquals(runs[0].theta(), runs[1].theta());
    assertArrayEquals(runs[0].c(), runs[1].c());
    assertEquals(runs[0].loss(), runs[1].loss());
    for (int i = 0; i < runs[0].history().size(); i++) {
      assertEquals(runs[0].history().get(i).loss(), runs[1].history().get(i).loss());
      assertEquals(runs[0].history().get(i).gradientNorm(), runs[1].history().get(i).gradientNorm());
    }
  }

  /**
   * What a sweep task runs: the same partitions folded and merged in one thread by
   * PartitionedEvaluator reproduce the Spark evaluator bit for bit (θ, C, loss and every
   * iteration's loss and gradient norm), with the default merge on the driver (4 partitions) and
   * through the executor-side tree (5 partitions, 2 per group, at most 2 on the driver). One fold
   * over all rows (LocalEvaluator) only agrees to rounding: printed for comparison.
   */
  @Test
  void partitionedEvaluatorReproducesSparkBitForBit() {
    SolverOptions o = options.toBuilder().maxIterations(8).build();
    for (int[] tree : new int[][] {{4, MergeOrder.DEFAULT_DRIVER_MERGE_LIMIT, MergeOrder.DEFAULT_FANOUT}, {5, 2, 2}}) {
      int p = tree[0];
      RowBlock[][] partitions = new RowBlock[p][];
      for (int j = 0; j < p; j++) {
        partitions[j] = problem.trainingRows(j, p).all();
      }
      SolverResult local = new VarProSolver(o).solve(new PartitionedEvaluator(map, partitions, new MergeOrder(tree[1], tree[2])), theta0);
      SolverResult spark;
      try (SparkEvaluator ev = PdeRowSource.evaluator(TestSpark.context(), problem, map, p)
          .mergeOrder(new MergeOrder(tree[1], tree[2]))) {
        spark = new VarProSolver(o).solve(ev, theta0);
      }
      assertEquals(8, spark.iterations());
      assertArrayEquals(spark.theta(), local.theta(), p + " partitions: θ");
      assertArrayEquals(spark.c(), local.c(), p + " partitions: C");
      assertEquals(spark.loss(), local.loss(), 0.0);
      for (int i = 0; i < spark.history().size(); i++) {
        assertEquals(spark.history().get(i).loss(), local.history().get(i).loss(), 0.0);
        assertEquals(spark.history().get(i).gradientNorm(), local.history().get(i).gradientNorm(), 0.0);
      }
      SolverResult oneFold = new VarProSolver(o).solve(new LocalEvaluator(map, problem.trainingBlocks()), theta0);
      System.out.printf("partitioned vs Spark (%d partitions, tree %d/%d): identical; one fold over all rows vs Spark: "
          + "max relative difference of θ %.2e%n", p, tree[1], tree[2],
          Histories.maxRelativeDifference(oneFold.theta(), spark.theta()));
    }
  }

  /**
   * One partition (what job.partitions = auto gives the heat problem): partition 0's fold is the
   * single-process fold (the ridge rows first) and nothing is merged on the driver, so the Spark
   * run, by Spark jobs or by the local-mode shortcut in the driver thread, is the single-process
   * run bit for bit: with the fused pass (the default, one pass per trial step) and with two
   * separate passes.
   */
  @Test
  void onePartitionIsTheSingleProcessRunBitForBit() {
    SolverOptions o = options.toBuilder().maxIterations(8).build();
    for (boolean twoPasses : new boolean[] {false, true}) {
      LocalEvaluator single = new LocalEvaluator(map, problem.trainingBlocks());
      SolverResult local = new VarProSolver(o).solve(twoPasses ? single.withTwoPasses() : single, theta0);
      for (boolean onDriver : new boolean[] {false, true}) {
        SolverResult spark;
        try (SparkEvaluator ev = PdeRowSource.evaluator(TestSpark.context(), problem, map, 1).driverPasses(onDriver)) {
          if (twoPasses) {
            ev.withTwoPasses();
          }
          assertEquals(onDriver, ev.foldsOnDriver());
          spark = new VarProSolver(o).solve(ev, theta0);
          assertEquals((twoPasses ? 8L : 0L) + 8 + 1 + rejections(spark), ev.passes(),
              "one pass per projection" + (twoPasses ? " and Jacobian" : ""));
        }
        String what = (onDriver ? "driver-thread folds" : "Spark jobs") + (twoPasses ? ", two passes" : ", fused");
        assertEquals(8, spark.iterations());
        assertArrayEquals(local.theta(), spark.theta(), what + ": θ");
        assertArrayEquals(local.c(), spark.c(), what + ": C");
        for (int i = 0; i < spark.history().size(); i++) {
          assertEquals(local.history().get(i).loss(), spark.history().get(i).loss(), 0.0, what);
          assertEquals(local.history().get(i).gradientNorm(), spark.history().get(i).gradientNorm(), 0.0, what);
        }
      }
    }
    // Several partitions never take the shortcut.
    try (SparkEvaluator ev = PdeRowSource.evaluator(TestSpark.context(), problem, map, 2)) {
      assertEquals(false, ev.foldsOnDriver());
    }
  }

  private static int rejections(SolverResult r) {
    int n = 0;
    for (var rec : r.history()) {
      n += rec.rejections();
    }
    return n;
  }
}
