package org.varpro.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.varpro.core.classify.ClassifierOptions.CURVATURE_MIN_ROWS;
import static org.varpro.core.classify.ClassifierOptions.CURVATURE_SAMPLE;
import static org.varpro.core.classify.ClassifierOptions.CURVATURE_SEED;
import static org.varpro.core.classify.ClassifierOptions.STEP;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.varpro.core.classify.ClassifierOptions;
import org.varpro.core.classify.ClassifierSolver;
import org.varpro.core.classify.ClassifierStep;
import org.varpro.core.classify.CurvatureSample;
import org.varpro.core.classify.Datasets;
import org.varpro.core.classify.JvpPerceptron;
import org.varpro.core.classify.LabeledData;
import org.varpro.core.classify.LocalClassifyEvaluator;
import org.varpro.core.model.Activation;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.LmOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.stats.StatsKind;

/** Classification passes on Spark against the single-process evaluator (issue: 1e-10 over 10 outer iterations). */
class SparkClassifyEvaluatorTest {
  static RowBlock rows;
  static JvpPerceptron net;

  @BeforeAll
  static void setUp() {
    LabeledData digits = Datasets.digits(TestSpark.repoFile(Datasets.DIGITS_FILE)).subsample(300, 5);
    rows = digits.toBlock(1.0 / digits.rows());
    net = JvpPerceptron.of(Activation.TANH, 64, 12);
  }

  private static ClassifierOptions options(ClassifierStep step) {
    LmOptions.Builder<ClassifierOptions> o = ClassifierOptions.builder().set(STEP, step).statistics(StatsKind.QR)
        .maxIterations(10).relativeTolerance(0).lambda(1e-3);
    if (step == ClassifierStep.MATRIX_FREE) {
      // See tenOuterIterationsMatchTheSingleProcessRun: short, well-conditioned CG runs.
      o.tau(1.0).cgMaxIterations(8);
    }
    return o.build();
  }

  private static double relative(double a, double b) {
    return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
  }

  private static double maxRelative(double[] a, double[] b) {
    double scale = 0;
    double diff = 0;
    for (int i = 0; i < a.length; i++) {
      scale = Math.max(scale, Math.abs(a[i]));
      diff = Math.max(diff, Math.abs(a[i] - b[i]));
    }
    return diff / scale;
  }

  /**
   * Dense and matrix-free steps over 10 outer iterations. The matrix-free run uses strong initial
   * damping and at most 8 CG products per step: long CG runs on the nearly singular systems of
   * weak damping amplify rounding (Krylov vectors lose orthogonality), so two evaluators that
   * differ only in summation order drift apart by ~1e-4 after 10 iterations there, as do two
   * single-process runs with different block sizes; that measures CG, not the evaluator.
   */
  @Test
  void tenOuterIterationsMatchTheSingleProcessRun() {
    for (ClassifierStep step : new ClassifierStep[] {ClassifierStep.DENSE, ClassifierStep.MATRIX_FREE}) {
      double[] theta0 = net.initialParams(3);
      SolverResult local = new ClassifierSolver(options(step))
          .solve(LocalClassifyEvaluator.ofRows(net, 10, rows, 64), theta0);
      SolverResult spark;
      JavaRDD<RowBlock> blocks = TestSpark.context().parallelize(Arrays.asList(rows.split(64)), 3);
      try (SparkClassifyEvaluator ev = SparkClassifyEvaluator.create(blocks, net, 10)) {
        assertEquals(300, ev.rows());
        spark = new ClassifierSolver(options(step)).solve(ev, theta0);
        assertTrue(ev.passes() > 10, "the solve ran its passes on Spark");
      }
      assertEquals(10, local.iterations());
      assertEquals(10, spark.iterations());
      double history = 0;
      for (int i = 0; i < local.history().size(); i++) {
        history = Math.max(history, relative(local.history().get(i).loss(), spark.history().get(i).loss()));
        history = Math.max(history, relative(local.history().get(i).gradientNorm(),
            spark.history().get(i).gradientNorm()));
      }
      double theta = maxRelative(local.theta(), spark.theta());
      double c = maxRelative(local.c(), spark.c());
      System.out.printf("classification parity, %s step, 10 outer iterations, 3 partitions: loss/|g| %.2e, "
          + "theta %.2e, C %.2e (final loss %.6e)%n", step, history, theta, c, local.loss());
      assertTrue(history <= 1e-10, step + ": loss/gradient histories differ by " + history);
      assertTrue(theta <= 1e-10, step + ": theta differs by " + theta);
      assertTrue(c <= 1e-10, step + ": C differs by " + c);
      assertTrue(local.loss() < local.history().get(0).loss() * 0.5, "the fit made progress");
    }
  }

  /**
   * The matrix-free step with its curvature on a seeded half sample ({@link SparkFits}: each
   * partition sampled on the executors) against the single-process run with the sample of the
   * same rows in one partition: the same rows are sampled, so only summation order differs.
   */
  @Test
  void subsampledCurvatureMatchesTheSingleProcessRun() {
    ClassifierOptions o =
        options(ClassifierStep.MATRIX_FREE).toBuilder().set(CURVATURE_SAMPLE, 0.5).set(CURVATURE_MIN_ROWS, 1).build();
    LocalClassifyEvaluator ev = LocalClassifyEvaluator.ofRows(net, 10, rows, 64);
    RowBlock[] sample = CurvatureSample.partition(List.of(rows.split(64)), 0.5, o.get(CURVATURE_SEED));
    int sampled = 0;
    for (RowBlock b : sample) {
      sampled += b.rows;
    }
    assertTrue(sampled > 100 && sampled < 200, "sampled rows " + sampled);
    SolverResult local = new ClassifierSolver(o).solve(ev, new LocalClassifyEvaluator(net, 10, sample),
        net.initialParams(3), null);
    JavaRDD<RowBlock> blocks = TestSpark.context().parallelize(Arrays.asList(rows.split(64)), 3);
    SolverResult spark = SparkFits.classification(blocks, net, 10, 3, o, null);
    assertEquals(10, spark.iterations());
    double history = 0;
    for (int i = 0; i < local.history().size(); i++) {
      history = Math.max(history, relative(local.history().get(i).loss(), spark.history().get(i).loss()));
    }
    double theta = maxRelative(local.theta(), spark.theta());
    System.out.printf("classification parity, subsampled curvature (%d of 300 rows), 10 outer iterations: "
        + "loss %.2e, theta %.2e%n", sampled, history, theta);
    // The same bound as the full-curvature run above, for the same reasons.
    assertTrue(history <= 1e-10, "loss histories differ by " + history);
    assertTrue(theta <= 1e-10, "theta differs by " + theta);
    // The sample changed the steps: the run is not the full-curvature one.
    SolverResult full = new ClassifierSolver(o).solve(ev, net.initialParams(3));
    assertTrue(maxRelative(full.theta(), local.theta()) > 1e-6);
  }

  /**
   * What a classification sweep task runs: the partitions of a Spark run, folded and merged in
   * one thread ({@link LocalClassifyEvaluator#partitioned}), reproduce that run bit for bit, dense
   * and matrix-free.
   */
  @Test
  void partitionedRunReproducesSparkBitForBit() {
    JavaRDD<RowBlock> blocks = TestSpark.context().parallelize(Arrays.asList(rows.split(64)), 3);
    java.util.List<java.util.List<RowBlock>> glom = blocks.glom().collect();
    RowBlock[][] partitions = new RowBlock[glom.size()][];
    for (int j = 0; j < partitions.length; j++) {
      partitions[j] = glom.get(j).toArray(new RowBlock[0]);
    }
    for (ClassifierStep step : new ClassifierStep[] {ClassifierStep.DENSE, ClassifierStep.MATRIX_FREE}) {
      ClassifierOptions o = options(step).toBuilder().maxIterations(3).build();
      double[] theta0 = net.initialParams(3);
      SolverResult local = new ClassifierSolver(o).solve(LocalClassifyEvaluator.partitioned(net, 10, partitions), theta0);
      SolverResult spark;
      try (SparkClassifyEvaluator ev = SparkClassifyEvaluator.create(blocks, net, 10)) {
        spark = new ClassifierSolver(o).solve(ev, theta0);
      }
      assertArrayEquals(local.theta(), spark.theta(), step + ": θ");
      assertArrayEquals(local.c(), spark.c(), step + ": C");
      assertEquals(local.loss(), spark.loss(), 0.0, step + ": loss");
    }
  }

  /** Every pass of the matrix-free path (and the inner Newton pass) against the single-process one. */
  @Test
  void matrixFreeAndSoftmaxPassesMatch() {
    LocalClassifyEvaluator local = LocalClassifyEvaluator.ofRows(net, 10, rows, 64);
    JavaRDD<RowBlock> blocks = TestSpark.context().parallelize(Arrays.asList(rows.split(64)), 3);
    java.util.Random random = new java.util.Random(11);
    try (SparkClassifyEvaluator ev = SparkClassifyEvaluator.create(blocks, net, 10)) {
      for (int trial = 0; trial < 3; trial++) {
        double[] theta = net.initialParams(20 + trial);
        double[] c = new double[net.numFeatures() * 10];
        double[] v = new double[net.numParams()];
        for (int i = 0; i < c.length; i++) {
          c[i] = random.nextGaussian();
        }
        for (int i = 0; i < v.length; i++) {
          v[i] = random.nextGaussian();
        }
        double g = maxRelative(local.gradient(theta, c).vector(), ev.gradient(theta, c).vector());
        double hv = maxRelative(local.product(theta, c, v).vector(), ev.product(theta, c, v).vector());
        org.varpro.core.classify.SoftmaxStats.Level h = org.varpro.core.classify.SoftmaxStats.Level.HESSIAN;
        double newton = maxRelative(local.softmax(theta, c, h).hessian(1e-3), ev.softmax(theta, c, h).hessian(1e-3));
        double loss = relative(local.softmax(theta, c, h).objective(1e-3, c), ev.softmax(theta, c, h).objective(1e-3, c));
        System.out.printf("classification passes, trial %d: gradient %.2e, H v %.2e, softmax Hessian %.2e, "
            + "objective %.2e%n", trial, g, hv, newton, loss);
        assertTrue(g <= 1e-12 && hv <= 1e-12 && newton <= 1e-12 && loss <= 1e-12,
            "passes differ: " + g + ", " + hv + ", " + newton + ", " + loss);
      }
    }
  }
}
