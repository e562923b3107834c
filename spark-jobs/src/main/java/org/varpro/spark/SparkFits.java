package org.varpro.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.varpro.core.classify.ClassifierOptions;
import org.varpro.core.classify.ClassifierSolver;
import org.varpro.core.classify.CurvatureSample;
import org.varpro.core.classify.JvpPerceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.Evaluator;
import org.varpro.core.solver.SolverListener;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.Validation;
import org.varpro.core.solver.VarProSolver;

/**
 * The two fits on Spark, shared by {@code varpro train} and the ML estimators of
 * {@code org.varpro.ml}: given the same rows in the same partitions and the same options, both
 * front ends run exactly this code, so their results are identical.
 */
public final class SparkFits {
  private SparkFits() {}

  /**
   * VarPro Levenberg-Marquardt (DESIGN §2) from θ0 (the map's seeded initial parameters,
   * {@code map.initialParams(model.seed)}, unless {@code train} warm-starts from a saved model).
   *
   * @param validation the held-out score for {@code validationEvery > 0}, or null
   */
  public static SolverResult regression(Evaluator evaluator, double[] theta0, SolverOptions options,
      SolverListener listener, Validation validation) {
    Validation scored = options.validationEvery() > 0 ? validation : null;
    return new VarProSolver(options, listener).solve(evaluator, theta0, scored);
  }

  /**
   * GNvpro classification (DESIGN §2.6) over the blocks (class-index targets, weights summing to
   * 1 for the mean cross-entropy) on a {@link SparkClassifyEvaluator}, from the network's seeded
   * initial parameters. The matrix-free step's products run on a second cached evaluator over
   * the seeded {@link CurvatureSample} of the blocks (each partition sampled where it lives),
   * unless the sample is every row.
   */
  public static SolverResult classification(JavaRDD<RowBlock> blocks, JvpPerceptron network, int classes,
      long seed, ClassifierOptions options, SolverListener listener) {
    try (SparkClassifyEvaluator ev = SparkClassifyEvaluator.create(blocks, network, classes)) {
      ClassifierSolver solver = new ClassifierSolver(options, listener);
      double fraction = CurvatureSample.fraction(options, network.numParams(), ev.rows());
      if (fraction >= 1) {
        return solver.solve(ev, network.initialParams(seed));
      }
      long sampleSeed = options.get(ClassifierOptions.CURVATURE_SEED);
      JavaRDD<RowBlock> sample = blocks.mapPartitions(it -> {
        List<RowBlock> part = new ArrayList<>();
        it.forEachRemaining(part::add);
        return Arrays.asList(CurvatureSample.partition(part, fraction, sampleSeed)).iterator();
      }, true);
      try (SparkClassifyEvaluator curvature = SparkClassifyEvaluator.create(sample, network, classes)) {
        return solver.solve(ev, curvature, network.initialParams(seed), null);
      } catch (IllegalArgumentException e) {
        if ("no rows to fit".equals(e.getMessage())) {
          throw new IllegalArgumentException(CurvatureSample.emptyMessage(fraction, ev.rows()), e);
        }
        throw e;
      }
    }
  }
}
