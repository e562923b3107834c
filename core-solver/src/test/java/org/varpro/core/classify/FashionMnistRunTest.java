package org.varpro.core.classify;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
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
 * Opt-in demonstration of the matrix-free path at p ≈ 50 000 on Fashion-MNIST (Debian's
 * dataset-fashion-mnist): tanh 784→H features, a sub-sample of the training set, the full test
 * set. Runs only with {@code -Dvarpro.fashion=true}; sizes by -Dvarpro.fashion.train (rows,
 * default 10000), -Dvarpro.fashion.hidden (64), -Dvarpro.fashion.iterations (20).
 */
class FashionMnistRunTest {
  @Test
  void matrixFreeOnFashionMnist() {
    assumeTrue(Boolean.getBoolean("varpro.fashion"), "opt-in: -Dvarpro.fashion=true");
    int trainRows = Integer.getInteger("varpro.fashion.train", 10000);
    int hidden = Integer.getInteger("varpro.fashion.hidden", 64);
    int iterations = Integer.getInteger("varpro.fashion.iterations", 20);
    LabeledData trainData = Datasets.fashionMnist(true).subsample(trainRows, 0);
    LabeledData testData = Datasets.fashionMnist(false);
    RowBlock train = trainData.toBlock(1.0 / trainData.rows());
    RowBlock test = testData.toBlock(1.0);
    JvpPerceptron net = JvpPerceptron.of(Activation.TANH, 784, hidden);
    ClassifierOptions o = ClassifierOptions.builder().lambda(1e-4).set(THETA_RIDGE, 1e-4).maxIterations(iterations)
        .cgMaxIterations(100).build();
    SolverListener listener = new SolverListener() {
      @Override
      public Map<String, Double> metrics(double[] theta, double[] c) {
        return Map.of("test_accuracy", new ClassifierModel(net, theta, c, 10).evaluate(test).accuracy());
      }

      @Override
      public void onIteration(IterationRecord r) {
        System.out.printf(Locale.ROOT,
            "fashion %2d %7.1fs f=%.5e ce=%.4e train=%.4f test=%.4f |g|=%.2e mu=%.2e rho=%.2f inner=%d cg=%d%n",
            r.iteration(), r.seconds(), r.loss(), r.figure("cross_entropy"), r.figure("train_accuracy"),
            r.extra().get("test_accuracy"), r.gradientNorm(), r.mu(), r.gainRatio(),
            (int) r.figure("inner_iterations"), (int) r.figure("cg_iterations"));
      }
    };
    SolverResult res = new ClassifierSolver(o, listener)
        .solve(LocalClassifyEvaluator.ofRows(net, 10, train, 1024), net.initialParams(1));
    ClassificationMetrics m = ClassifierModel.of(net, res, 10).evaluate(test);
    System.out.printf(Locale.ROOT, "fashion-mnist %s p=%d train=%d: %d iterations, %.1f s, test %s%n",
        res.step(), net.numParams(), trainRows, res.iterations(), res.seconds(), m.summary());
    assertTrue(m.accuracy() > 0.8);
  }
}
