package org.varpro.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.varpro.config.PdeConfig;
import org.varpro.config.SolverConfig;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.pde.PdeProblem;
import org.varpro.core.solver.SolverListener;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.VarProSolver;

/**
 * The recorder's error trace equals, bit for bit, the errors measured live at the same iterates
 * of an identical rerun; no error is measured while the solver's clock runs; each iterate carries
 * the solver time of the record that produced it.
 */
class IterateRecorderTest {
  private static final Path HEAT = Path.of(System.getProperty("user.dir")).resolve("../conf/heat.conf").normalize();

  /** A small heat problem: 60 + 12 rows, tanh 2→6→1, 12 iterations. */
  private static final List<String> SMALL = List.of("points.interior = 60", "points.boundary = 12",
      "points.test-grid = 11", "model.hidden = [6]", "solver.max-iterations = 12", "solver.time-budget = 60");

  private record Setup(PdeProblem problem, FeatureMap map, double[] theta0, Config root) {
    static Setup small() {
      Config root = PdeBench.load(HEAT, SMALL);
      PdeProblem problem = PdeConfig.parseProblem(root);
      FeatureMap map = PdeConfig.parseModel(root, problem).featureMap(problem.pde().dim());
      return new Setup(problem, map, map.initialParams(1), root);
    }

    SolverResult solve(SolverListener listener) {
      return new VarProSolver(SolverConfig.parse(root), listener).solve(problem.localEvaluator(map), theta0);
    }

    double error(double[] theta, double[] c) {
      return problem.testErrors(map, theta, c).relativeL2();
    }
  }

  @Test
  void traceEqualsLiveErrorsAtTheSameIteratesAndNoCheckRunsDuringTheSolve() {
    Setup s = Setup.small();
    // Live: the error of the iterate handed to each record (iterate k at record k + 1).
    List<Double> live = new ArrayList<>();
    SolverResult liveRun = s.solve(new SolverListener() {
      @Override
      public Map<String, Double> metrics(double[] theta, double[] c) {
        live.add(s.error(theta, c));
        return Map.of();
      }
    });
    live.add(s.error(liveRun.theta(), liveRun.c()));

    boolean[] solving = {true};
    int[] measured = {0};
    IterateRecorder recorder = new IterateRecorder(1, 0, line -> {});
    SolverResult run = s.solve(recorder);
    solving[0] = false;
    List<TimeToTarget.Point> trace = recorder.errorTrace((theta, c) -> {
      assertTrue(!solving[0], "an error check ran inside the solve");
      measured[0]++;
      return s.error(theta, c);
    }, run.theta(), run.c());

    assertEquals(12, run.iterations(), "the test needs a run without rejection stalls");
    assertEquals(run.iterations() + 1, trace.size());
    assertEquals(trace.size(), measured[0]);
    assertEquals(live.size(), trace.size());
    for (int k = 0; k < trace.size(); k++) {
      assertEquals(k, trace.get(k).iteration());
      assertEquals(live.get(k), trace.get(k).error(), "iterate " + k);
      double reachedAt = k == 0 ? 0 : run.history().get(k - 1).seconds();
      assertEquals(reachedAt, trace.get(k).seconds(), "iterate " + k);
    }
  }

  @Test
  void everyKthIterateAndTheLastOne() {
    Setup s = Setup.small();
    IterateRecorder recorder = new IterateRecorder(5, 0, line -> {});
    SolverResult run = s.solve(recorder);
    List<TimeToTarget.Point> trace = recorder.errorTrace(s::error, run.theta(), run.c());
    assertEquals(List.of(0, 5, 10, 12), trace.stream().map(TimeToTarget.Point::iteration).toList());
    assertEquals(s.error(run.theta(), run.c()), trace.get(3).error());
    // Without the last iterate (the solver returned another one), the trace stops at the copies.
    IterateRecorder again = new IterateRecorder(5, 0, line -> {});
    s.solve(again);
    assertEquals(3, again.errorTrace(s::error, null, null).size());
  }
}
