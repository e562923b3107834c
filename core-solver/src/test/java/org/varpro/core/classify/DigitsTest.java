package org.varpro.core.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.varpro.core.classify.ClassifierOptions.STEP;
import static org.varpro.core.classify.ClassifierOptions.THETA_RIDGE;

import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.varpro.core.model.Activation;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverListener;
import org.varpro.core.solver.SolverResult;

/**
 * (e) GNvpro on the UCI digits: tanh 64→32 features (p = 2080) and a softmax over 10 classes,
 * stratified 75/25 split (seed 0), mean cross-entropy (weights 1/m), λ = 1e-4 on C and
 * α = 1e-4 on θ. Must reach ≥ 97% test accuracy.
 */
class DigitsTest {
  private static final LabeledData.Split SPLIT = Datasets.digits().split(0.25, 0);

  private static ClassifierOptions options(ClassifierStep step, int iterations) {
    return ClassifierOptions.builder().lambda(1e-4).set(THETA_RIDGE, 1e-4).maxIterations(iterations).set(STEP, step)
        .build();
  }

  private static ClassificationMetrics run(ClassifierStep step, int iterations) {
    RowBlock train = SPLIT.train().toBlock(1.0 / SPLIT.train().rows());
    RowBlock test = SPLIT.test().toBlock(1.0);
    JvpPerceptron net = JvpPerceptron.of(Activation.TANH, 64, 32);
    LocalClassifyEvaluator ev = LocalClassifyEvaluator.ofRows(net, 10, train, 256);
    SolverListener listener = new SolverListener() {
      @Override
      public Map<String, Double> metrics(double[] theta, double[] c) {
        return Map.of("test_accuracy", new ClassifierModel(net, theta, c, 10).evaluate(test).accuracy());
      }

      @Override
      public void onIteration(IterationRecord r) {
        System.out.printf(Locale.ROOT,
            "%s %2d %6.2fs f=%.5e ce=%.4e train=%.4f test=%.4f |g|=%.2e mu=%.2e rho=%.2f inner=%d cg=%d%n",
            step, r.iteration(), r.seconds(), r.loss(), r.figure("cross_entropy"), r.figure("train_accuracy"),
            r.extra().get("test_accuracy"), r.gradientNorm(), r.mu(), r.gainRatio(),
            (int) r.figure("inner_iterations"), (int) r.figure("cg_iterations"));
      }
    };
    SolverResult res = new ClassifierSolver(options(step, iterations), listener)
        .solve(ev, net.initialParams(1));
    assertEquals(step.name().toLowerCase(Locale.ROOT).replace('_', '-'), res.step());
    for (int i = 1; i < res.history().size(); i++) {
      assertTrue(res.history().get(i).loss() < res.history().get(i - 1).loss(), "objective must decrease");
    }
    ClassificationMetrics m = ClassifierModel.of(net, res, 10).evaluate(test);
    System.out.printf(Locale.ROOT, "digits %s: %d iterations, %.1f s, test %s (train rows %d)%n", step,
        res.iterations(), res.seconds(), m.summary(), train.rows);
    return m;
  }

  @Test
  void matrixFreeReaches97Percent() {
    ClassificationMetrics m = run(ClassifierStep.MATRIX_FREE, 25);
    assertTrue(m.accuracy() >= 0.97, "test accuracy " + m.accuracy());
  }

  @Test
  void denseReaches97Percent() {
    ClassificationMetrics m = run(ClassifierStep.DENSE, 4);
    assertTrue(m.accuracy() >= 0.97, "test accuracy " + m.accuracy());
  }
}
