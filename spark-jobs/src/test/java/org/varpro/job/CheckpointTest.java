package org.varpro.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.core.solver.InnerSolution;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverState;
import org.varpro.core.solver.StopReason;
import org.varpro.io.Location;

/** checkpoint.json reads back every bit of a solver state, and a resume refuses changed settings. */
class CheckpointTest {
  /** Values JSON and decimal round trips get wrong when done carelessly. */
  static final double[] AWKWARD = {0.1, -0.0, 0.0, Double.MIN_VALUE, Double.MAX_VALUE, 1e-310, Math.PI,
      Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.0 / 3, -2.5e-17};

  @TempDir
  Path tmp;

  static SolverState state() {
    List<IterationRecord> history = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      Map<String, Double> extra = new LinkedHashMap<>();
      extra.put("relative_l2_error", AWKWARD[i]);
      extra.put("max_error", Double.NaN);
      history.add(new IterationRecord(i, 0.25 * i, AWKWARD[i + 2], AWKWARD[i + 3], Double.NaN, AWKWARD[i + 4],
          1e-8 * i, 0.5, Double.NaN, i != 2, i, 1e-300, 7, Double.NaN, extra));
    }
    InnerSolution inner = new InnerSolution(AWKWARD.clone(), 4, 3, 1e-9, 0.125, new double[] {-0.0, 1, 2},
        3, true);
    SolverState.BestIterate best = new SolverState.BestIterate(Math.E, AWKWARD.clone(), inner, 2e-9, 2, 3, 1);
    return new SolverState(3, 2, 12.5, AWKWARD.clone(), new double[] {1, -0.0, 3}, 1e-12, 1e-9, Double.NaN, 4,
        2, null, best, StopReason.TIME_BUDGET, history);
  }

  @Test
  void stateReadsBackBitForBit() throws IOException {
    SolverState s = state();
    com.fasterxml.jackson.databind.JsonNode config = new ObjectMapper().readTree("{\"job\":{\"partitions\":2}}");
    Path dir = Files.createDirectories(tmp.resolve(".run.tmp-1"));
    Files.write(dir.resolve(Checkpoint.FILE), new Checkpoint("heat", "/x/run", true, config, s).toJson());
    Checkpoint back = Checkpoint.read(Location.local(dir));
    assertEquals("heat", back.name());
    assertEquals("/x/run", back.target());
    assertTrue(back.overwrite());
    assertEquals(config, back.config());
    SolverState r = back.state();
    assertEquals(List.of(s.iteration(), s.round(), s.slowSteps(), s.stopped()),
        List.of(r.iteration(), r.round(), r.slowSteps(), r.stopped()));
    assertArrayEquals(bits(s.seconds(), s.loss(), s.lambda(), s.mu(), s.nu()),
        bits(r.seconds(), r.loss(), r.lambda(), r.mu(), r.nu()));
    assertArrayEquals(bits(s.theta()), bits(r.theta()));
    assertArrayEquals(bits(s.c()), bits(r.c()));
    assertEquals(null, r.previousTheta());
    SolverState.BestIterate b = r.best();
    assertArrayEquals(bits(s.best().score(), s.best().lambda()), bits(b.score(), b.lambda()));
    assertEquals(List.of(2, 3, 1), List.of(b.iteration(), b.lastIteration(), b.misses()));
    assertArrayEquals(bits(s.best().theta()), bits(b.theta()));
    InnerSolution in = s.best().inner();
    assertArrayEquals(bits(in.c()), bits(b.inner().c()));
    assertArrayEquals(bits(in.gramEigenvalues()), bits(b.inner().gramEigenvalues()));
    assertEquals(List.of(in.features(), in.outputs(), in.effectiveRank(), in.rankDeficient()),
        List.of(b.inner().features(), b.inner().outputs(), b.inner().effectiveRank(), b.inner().rankDeficient()));
    assertArrayEquals(bits(in.lambda(), in.loss()), bits(b.inner().lambda(), b.inner().loss()));
    // Records compare their doubles by bits (Double.equals) and their metrics in order.
    assertEquals(s.history(), r.history());
    assertEquals(List.copyOf(s.history().get(0).extra().keySet()), List.copyOf(r.history().get(0).extra().keySet()));
  }

  @Test
  void resumeRefusesSettingsThatChangeTheResult() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(".run.tmp-1"));
    Files.write(dir.resolve(Checkpoint.FILE), new Checkpoint("heat", tmp.resolve("run").toString(), false,
        new ObjectMapper().readTree("{}"), state()).toJson());
    TrainJobTest.Run r = TrainJobTest.cli("train", "--resume", tmp.resolve("run"), "--set", "solver.lambda=1e-6");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--set solver.lambda: cannot change when resuming"), r.err());
    TrainJobTest.Run output = TrainJobTest.cli("train", "--resume", dir, "--output", tmp.resolve("elsewhere"));
    assertEquals(2, output.code(), output.err());
    assertTrue(output.err().contains("--output: not with --resume"), output.err());
  }

  private static long[] bits(double... v) {
    long[] b = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = Double.doubleToLongBits(v[i]);
    }
    return b;
  }
}
