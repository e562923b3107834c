package org.varpro.core.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.varpro.core.classify.ClassifierOptions.STEP;
import static org.varpro.core.classify.ClassifierOptions.THETA_RIDGE;
import static org.varpro.core.classify.ClassifierOptions.TRUST_RADIUS;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.varpro.core.model.Activation;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.stats.StatsKind;

/** The outer iteration with every step form, and the reductions' serializability. */
class ClassifierSolverTest {
  private static final int K = 3;
  private final JvpPerceptron net = JvpPerceptron.of(Activation.TANH, 3, 8);
  private final RowBlock rows = ClassifyFixtures.rows(13, 150, 3, K);
  private final double[] theta0 = net.initialParams(2);

  private SolverResult run(ClassifierStep step, StatsKind kind, double radius, int iterations) {
    ClassifierOptions o = ClassifierOptions.builder().lambda(1e-3).set(STEP, step).statistics(kind)
        .set(TRUST_RADIUS, radius).maxIterations(iterations).cgTolerance(1e-12).cgMaxIterations(1000).initialMu(1e-4)
        .build();
    return new ClassifierSolver(o).solve(LocalClassifyEvaluator.ofRows(net, K, rows, 64), theta0);
  }

  @Test
  void allStepFormsFollowTheSameFirstStepsAndDecrease() {
    SolverResult gram = run(ClassifierStep.DENSE, StatsKind.GRAM, Double.POSITIVE_INFINITY, 3);
    SolverResult qr = run(ClassifierStep.DENSE, StatsKind.QR, Double.POSITIVE_INFINITY, 3);
    SolverResult free = run(ClassifierStep.MATRIX_FREE, StatsKind.GRAM, Double.POSITIVE_INFINITY, 3);
    for (SolverResult r : List.of(gram, qr, free)) {
      assertEquals(3, r.history().size());
      for (int i = 0; i < 3; i++) {
        IterationRecord g = gram.history().get(i);
        IterationRecord x = r.history().get(i);
        assertTrue(x.accepted());
        assertEquals(g.loss(), x.loss(), 1e-9 * g.loss());
        assertEquals(g.stepNorm(), x.stepNorm(), 1e-6 * g.stepNorm());
      }
      assertEquals(gram.loss(), r.loss(), 1e-8 * gram.loss());
    }
    assertTrue(gram.loss() < gram.history().get(0).loss());
  }

  @Test
  void longerRunsConvergeWithAndWithoutTrustRegion() {
    SolverResult dense = run(ClassifierStep.DENSE, StatsKind.GRAM, Double.POSITIVE_INFINITY, 60);
    // Steps on the trust-region boundary; ρ mostly in (¼, ¾) keeps the radius near 0.5.
    SolverResult tr = run(ClassifierStep.MATRIX_FREE, StatsKind.GRAM, 0.5, 60);
    for (SolverResult r : List.of(dense, tr)) {
      double first = r.history().get(0).loss();
      for (int i = 1; i < r.history().size(); i++) {
        assertTrue(r.history().get(i).loss() <= r.history().get(i - 1).loss());
      }
      IterationRecord last = r.history().get(r.history().size() - 1);
      System.out.printf("%s radius=%s: f %.6e -> %.6e, |g| %.2e -> %.2e, %s after %d iterations%n",
          r.step(), last.figure("trust_radius"), first, r.loss(), r.history().get(0).gradientNorm(),
          last.gradientNorm(), r.stopReason(), r.iterations());
      assertTrue(r.loss() < 0.4 * first);
      assertTrue(last.gradientNorm() < 0.05 * r.history().get(0).gradientNorm());
    }
  }

  @Test
  void thetaRidgeEntersObjectiveAndGradient() {
    ClassifierOptions o = ClassifierOptions.builder().lambda(1e-3).set(THETA_RIDGE, 0.1).maxIterations(1)
        .set(STEP, ClassifierStep.DENSE).build();
    ClassifierSolver s = new ClassifierSolver(o);
    LocalClassifyEvaluator ev = LocalClassifyEvaluator.ofRows(net, K, rows, 64);
    SolverResult r = s.solve(ev, theta0);
    double inner = s.inner(ev, theta0, null).objective();
    assertEquals(inner + 0.05 * ClassifyFixtures.dot(theta0, theta0), r.history().get(0).loss(), 1e-10);
  }

  @Test
  void reductionsAndMapsSerialize() throws Exception {
    double[] c = ClassifyFixtures.gaussian(1, net.numFeatures() * K, 0.3);
    SoftmaxStats s = new SoftmaxStats(net.numFeatures(), K, SoftmaxStats.Level.HESSIAN)
        .add(net, theta0, c, rows);
    SoftmaxStats s2 = roundTrip(s);
    assertArrayEquals(s.hessian(0.1), s2.hessian(0.1), 0.0);
    GaussNewtonStats g = new GaussNewtonStats(net.numFeatures(), net.numParams(), K, StatsKind.QR)
        .add(net, theta0, c, rows);
    assertArrayEquals(g.hessian(), roundTrip(g).hessian(), 0.0);
    ParamVectorStats p = new ParamVectorStats(net.numParams()).addGradient(net, theta0, c, K, rows);
    assertArrayEquals(p.vector(), roundTrip(p).vector(), 0.0);
    JvpPerceptron n2 = roundTrip(net);
    double[] a1 = new double[rows.rows * net.numFeatures()];
    double[] a2 = a1.clone();
    net.features(theta0, rows, a1, 0);
    n2.features(theta0, rows, a2, 0);
    assertArrayEquals(a1, a2, 0.0);
    ClassifierOptions o = ClassifierOptions.builder().set(THETA_RIDGE, 0.25).maxIterations(7).build();
    assertEquals(o, roundTrip(o), "options survive Java serialization");
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T o) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}
