package org.varpro.core.solver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.varpro.core.Fixtures;
import org.varpro.core.baseline.FullProblem;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;

/** Best-iterate selection and early stopping on a held-out score. */
class ValidationTest {
  private final Perceptron net = Perceptron.of(Activation.TANH, 1, 12);

  /** Noisy training rows and clean held-out rows of the same function: overfitting shows. */
  private RowBlock rows(long seed, double noise) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(seed + 17);
    return Fixtures.rows(seed, 40, 1, 1, -1, 1,
        (x, j) -> Math.sin(3 * x[0]) + noise * rng.nextGaussian(), false);
  }

  @Test
  void returnsTheIterateWithTheBestHeldOutScore() {
    RowBlock train = rows(1, 0.05);
    FullProblem held = new FullProblem(net, new RowBlock[] {rows(2, 0)}, 0);
    List<double[]> scored = new ArrayList<>();
    Validation v = (theta, c) -> {
      double s = held.loss(held.pack(theta, c));
      scored.add(new double[] {s});
      return s;
    };
    SolverOptions o = SolverOptions.builder().lambda(1e-8).maxIterations(150).validationEvery(5).build();
    SolverResult r = new VarProSolver(o).solve(LocalEvaluator.ofRows(net, train, 64), net.initialParams(3), v);
    double min = scored.stream().mapToDouble(a -> a[0]).min().orElseThrow();
    assertEquals(min, r.validationScore(), 0.0, "the reported score is the best one seen");
    assertEquals(r.validationScore(), held.loss(held.pack(r.theta(), r.c())), 0.0,
        "the returned (θ, C) reproduce that score");
    assertTrue(r.selectedIteration() % 5 == 0 || r.selectedIteration() == r.iterations());
    // Without validation the last iterate comes back.
    SolverOptions plain = o.toBuilder().validationEvery(0).build();
    SolverResult last = new VarProSolver(plain).solve(LocalEvaluator.ofRows(net, train, 64), net.initialParams(3));
    assertEquals(last.iterations(), last.selectedIteration());
    assertTrue(Double.isNaN(last.validationScore()));
  }

  @Test
  void patienceStopsTheRun() {
    RowBlock train = rows(1, 0.05);
    int[] calls = {0};
    // A score that only gets worse after the start: two misses exhaust a patience of 2.
    Validation worse = (theta, c) -> calls[0]++;
    SolverOptions o = SolverOptions.builder().lambda(1e-8).maxIterations(100).validationEvery(1).validationPatience(2)
        .build();
    SolverResult r = new VarProSolver(o).solve(LocalEvaluator.ofRows(net, train, 64), net.initialParams(3), worse);
    assertEquals(StopReason.VALIDATION, r.stopReason());
    assertEquals(2, r.iterations());
    assertEquals(0, r.selectedIteration(), "the initial iterate had the best score");
  }
}
