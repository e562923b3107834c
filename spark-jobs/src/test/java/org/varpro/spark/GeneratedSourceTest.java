package org.varpro.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.varpro.core.model.Activation;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.pass.MergeOrder;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.LocalEvaluator;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.VarProSolver;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.StatsKind;

/** Generated regression rows, and the evaluator's passes of every statistics kind. */
class GeneratedSourceTest {
  static final long M = 3000;
  static final int D = 3;

  @Test
  void rowsDoNotDependOnThePartitioning() {
    RowBlock single = GeneratedSource.rows(5, D, 0, M);
    for (int p : new int[] {1, 4, 7}) {
      JavaRDD<RowBlock> blocks = GeneratedSource.blocks(TestSpark.context(), M, D, 5, p, 256);
      assertEquals(p, blocks.getNumPartitions());
      RowBlock all = RowBlock.concat(blocks.collect().toArray(new RowBlock[0]));
      assertArrayEquals(single.x, all.x);
      assertArrayEquals(single.y, all.y);
    }
    for (int i = 0; i < 10; i++) {
      double[] x = new double[D];
      for (int j = 0; j < D; j++) {
        x[j] = single.input(i, j);
        assertTrue(x[j] >= -1 && x[j] < 1);
      }
      assertEquals(GeneratedSource.target(x), single.target(i, 0));
    }
  }

  @Test
  void passesOfEveryKindMatchTheSingleProcessEvaluator() {
    FeatureMap map = Perceptron.of(Activation.TANH, D, 12);
    double[] theta = map.initialParams(3);
    double[] previous = map.initialParams(4);
    LocalEvaluator local = LocalEvaluator.ofRows(map, GeneratedSource.rows(5, D, 0, M), 512);
    try (SparkEvaluator ev = SparkEvaluator.create(GeneratedSource.blocks(TestSpark.context(), M, D, 5, 4, 300), map)) {
      assertEquals(M, ev.rows());
      assertEquals(1, ev.outputs());
      double qr = Histories.passDifference(ev, local, theta, previous, StatsKind.QR, 0, false);
      double qrGp = Histories.passDifference(ev, local, theta, null, StatsKind.QR, 1e-10, true);
      double gram = Histories.passDifference(ev, local, theta, previous, StatsKind.GRAM, 1e-8, true);
      System.out.printf("generated single-pass parity: QR %.2e, QR+GP %.2e, Gram+GP %.2e%n", qr, qrGp, gram);
      assertTrue(qr <= 1e-12, "QR " + qr);
      assertTrue(qrGp <= 1e-12, "QR+GP " + qrGp);
      assertTrue(gram <= 1e-9, "Gram " + gram);
      // The executor-side tree gives the same figures to rounding, and the same bits every time.
      ProjectionStats flat = ev.project(theta, StatsKind.QR);
      ev.mergeOrder(MergeOrder.PAIRWISE_TO_ONE);
      ProjectionStats tree1 = ev.project(theta, StatsKind.QR);
      ProjectionStats tree2 = ev.project(theta, StatsKind.QR);
      assertArrayEquals(tree1.stats.triangular().r(), tree2.stats.triangular().r());
      assertEquals(flat.stats.count(), tree1.stats.count());
      assertTrue(Histories.maxRelativeDifference(tree1.stats.gram(), flat.stats.gram()) < 1e-13);
    }
  }

  @Test
  void rowsDualStatisticsFollowPartitionOrder() {
    // ROWS statistics concatenate: partition order must give the rows in their global order.
    FeatureMap map = Perceptron.of(Activation.TANH, D, 4);
    double[] theta = map.initialParams(1);
    LocalEvaluator local = LocalEvaluator.ofRows(map, GeneratedSource.rows(9, D, 0, 40), 7);
    try (SparkEvaluator ev = SparkEvaluator.create(GeneratedSource.blocks(TestSpark.context(), 40, D, 9, 3, 5), map)) {
      double[] c = new double[map.numFeatures()];
      c[0] = 1;
      var a = ((org.varpro.core.stats.RowStats) ev.jacobian(theta, c, 0, null, StatsKind.ROWS, false).perOutput[0]).matrix();
      var b = ((org.varpro.core.stats.RowStats) local.jacobian(theta, c, 0, null, StatsKind.ROWS, false).perOutput[0]).matrix();
      assertArrayEquals(b, a, 1e-15);
    }
  }

  /**
   * The Spark jobs of a solve, counted by a SparkListener, per iteration (job descriptions
   * "iteration k: …"): with the fused pass (a one-hidden-layer map, Kaufman QR steps) an iteration
   * is one job per trial step, the Jacobian coming with the accepted trial's projection; with two
   * passes it is one more. Two partitions, so the local-mode driver-thread shortcut is off.
   */
  @Test
  void oneSparkJobPerIterationWithTheFusedPass() throws InterruptedException {
    FeatureMap map = Perceptron.of(Activation.TANH, D, 6);
    SolverOptions o = SolverOptions.builder().maxIterations(4).principalAngles(false).build();
    for (boolean twoPasses : new boolean[] {false, true}) {
      List<String> descriptions = Collections.synchronizedList(new ArrayList<>());
      SparkListener listener = new SparkListener() {
        @Override
        public void onJobStart(SparkListenerJobStart start) {
          String d = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
          if (d != null && d.startsWith("iteration ")) {
            descriptions.add(d);
          }
        }
      };
      TestSpark.session().sparkContext().addSparkListener(listener);
      try (SparkEvaluator ev = SparkEvaluator.create(GeneratedSource.blocks(TestSpark.context(), 500, D, 2, 2, 100), map)) {
        if (twoPasses) {
          ev.withTwoPasses();
        }
        assertEquals(false, ev.foldsOnDriver());
        SolverResult r = new VarProSolver(o).solve(ev, map.initialParams(1));
        long expected = ev.passes();
        long deadline = System.currentTimeMillis() + 10_000;
        while (descriptions.size() < expected && System.currentTimeMillis() < deadline) {
          Thread.sleep(20);
        }
        assertEquals(expected, descriptions.size(), descriptions.toString());
        assertEquals(4, r.iterations());
        assertEquals("iteration 0: projection pass", descriptions.get(0));
        int rejections = 0;
        StringBuilder perIteration = new StringBuilder();
        for (int k = 1; k <= r.iterations(); k++) {
          String prefix = "iteration " + k + ": ";
          long jobs = descriptions.stream().filter(d -> d.startsWith(prefix)).count();
          int trials = 1 + r.history().get(k - 1).rejections();
          rejections += trials - 1;
          assertEquals(trials + (twoPasses ? 1 : 0), jobs, prefix + descriptions);
          assertEquals(twoPasses, descriptions.contains(prefix + "Jacobian pass"), descriptions.toString());
          assertTrue(descriptions.contains(prefix + "projection pass (trial 1)"), descriptions.toString());
          perIteration.append(' ').append(jobs);
        }
        assertEquals(1 + r.iterations() * (twoPasses ? 2 : 1) + rejections, expected);
        System.out.printf("Spark jobs per iteration, %s (%d rejected trials):%s%n",
            twoPasses ? "two passes" : "fused pass", rejections, perIteration);
      } finally {
        TestSpark.session().sparkContext().removeSparkListener(listener);
      }
    }
  }

  @Test
  void rejectsMismatchedBlocks() {
    FeatureMap map = Perceptron.of(Activation.TANH, D + 1, 4);
    JavaRDD<RowBlock> blocks = GeneratedSource.blocks(TestSpark.context(), 10, D, 1, 2, 5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkEvaluator.create(blocks, map));
    assertTrue(e.getMessage().contains("row block has 3 inputs"), e.getMessage());
  }
}
