package org.varpro.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.config.ConfigError;
import org.varpro.job.JobConfig;

/** Parsing a sweep section and enumerating its configurations (no Spark). */
class SweepConfigTest {
  @TempDir
  Path tmp;

  static final String MIXED = """
      grid = [
        { key = model.hidden, values = [[8], [12]] }
        { key = model.activation, values = [tanh, sin, softplus] }
      ]
      random {
        samples = 2
        seed = 7
        axes = [
          { key = solver.tau, log-uniform = [1e-4, 1e-1] }
          { key = points.interior, uniform = [100, 200], integer = true }
          { key = model.init, choice = [box, xavier] }
        ]
      }
      cases = [ { model.hidden = [5], sweep.task-time-limit = 2.5 } ]
      task-time-limit = 60
      """;

  @Test
  void enumeratesTheGridCrossedWithTheSamplesThenTheCases() throws IOException {
    Path file = SweepFixtures.heatSweep(tmp, "mixed", MIXED);
    SweepConfig sweep = SweepConfig.load(file, List.of(), null);
    assertEquals(2 * 3 * 2 + 1, sweep.count());
    assertEquals(List.of("model.hidden", "model.activation", "solver.tau", "points.interior", "model.init",
        SweepConfig.TIME_LIMIT_KEY), sweep.columns());
    List<Configuration> cs = sweep.configurations();
    assertEquals(13, cs.size());
    String[] activations = {"tanh", "sin", "softplus"};
    for (int i = 0; i < 12; i++) {
      Configuration c = cs.get(i);
      assertEquals(i, c.index());
      // First axis slowest, then the second, then the random sample.
      assertEquals(i < 6 ? "[8]" : "[12]", c.values().get(0));
      assertEquals(activations[(i / 2) % 3], c.values().get(1));
      double tau = (Double) c.values().get(2);
      assertTrue(tau >= 1e-4 && tau <= 1e-1, "tau " + tau);
      long interior = (Long) c.values().get(3);
      assertTrue(interior >= 100 && interior <= 200, "interior " + interior);
      assertTrue(List.of("box", "xavier").contains(c.values().get(4)));
      assertEquals(60.0, c.values().get(5));
      assertEquals(60.0, c.timeLimit());
      // Each grid point gets the same two random samples.
      Configuration first = cs.get(i % 2);
      assertEquals(first.values().subList(2, 5), c.values().subList(2, 5));
    }
    assertNotEquals(cs.get(0).values().get(2), cs.get(1).values().get(2), "two distinct samples");
    Configuration last = cs.get(12);
    assertEquals("[5]", last.values().get(0));
    assertEquals("tanh", last.values().get(1), "the base's value where the case sets none");
    assertEquals(2.5, last.timeLimit());
    assertEquals(List.of("model.hidden=[5]"), last.overrides());

    // Deterministic: the same draws and hashes when loaded again; all hashes distinct.
    List<Configuration> again = SweepConfig.load(file, List.of(), null).configurations();
    Set<String> hashes = new HashSet<>();
    for (int i = 0; i < cs.size(); i++) {
      assertEquals(cs.get(i).values(), again.get(i).values());
      assertEquals(cs.get(i).hash(), again.get(i).hash());
      hashes.add(cs.get(i).hash());
    }
    assertEquals(13, hashes.size());
    // A change of the base changes every hash.
    List<Configuration> changed = SweepConfig.load(file, List.of("solver.max-iterations=13"), null).configurations();
    for (int i = 0; i < cs.size(); i++) {
      assertNotEquals(cs.get(i).hash(), changed.get(i).hash());
    }
  }

  /** The oracle of "exactly what train runs": train's own loading of CONFIG --set OVERRIDES. */
  @Test
  void eachConfigurationIsWhatTrainRunsWithItsOverrides() throws IOException {
    Path file = SweepFixtures.heatSweep(tmp, "mixed", MIXED);
    for (Configuration c : SweepConfig.load(file, List.of("solver.tau=0.5"), null).configurations()) {
      List<String> sets = new java.util.ArrayList<>(List.of("solver.tau=0.5"));
      sets.addAll(c.overrides());
      Config train = JobConfig.parse(JobConfig.load(file, sets), file, tmp.resolve("run").toString(), null).root();
      for (String k : SweepConfig.PLACEMENT_KEYS) {
        train = train.withoutPath(k);
      }
      assertEquals(JobConfig.toJson(train), c.json(), "configuration #" + c.index());
    }
  }

  @Test
  void gridOnlySweepHasNoTimeLimitByDefault() throws IOException {
    Path file = SweepFixtures.heatSweep(tmp, "grid", "grid = [ { key = model.seed, values = [1, 2, 3] } ]");
    SweepConfig sweep = SweepConfig.load(file, List.of(), tmp.resolve("out").toString());
    assertEquals(tmp.resolve("out").toString(), sweep.output());
    assertEquals("grid", sweep.name());
    List<Configuration> cs = sweep.configurations();
    assertEquals(3, cs.size());
    assertEquals(List.of(1L, 2L, 3L), cs.stream().map(c -> c.values().get(0)).toList());
    assertTrue(Double.isInfinite(cs.get(0).timeLimit()));
  }

  ConfigError error(String section) throws IOException {
    Path file = SweepFixtures.heatSweep(tmp, "bad", section);
    return assertThrows(ConfigError.class, () -> SweepConfig.load(file, List.of(), null).configurations());
  }

  @Test
  void badSweepsAreErrorsNamingTheKey() throws IOException {
    ConfigError e = error("grid = [ { key = model.activaton, values = [tanh] } ]");
    assertEquals("model.activaton", e.key());
    assertTrue(e.getMessage().contains("did you mean 'activation'"), e.getMessage());
    assertTrue(e.getMessage().contains("sweep configuration #0"), e.getMessage());

    e = error("grid = [ { key = modle.hidden, values = [[4]] } ]");
    assertEquals("sweep.grid[0]", e.key());
    assertTrue(e.getMessage().contains("unknown configuration key 'modle.hidden'"), e.getMessage());

    e = error("grid = [ { key = data.path, values = [x.csv] } ]");
    assertEquals("data", e.key(), e.getMessage());

    e = error("grid = [ { key = model.activation, values = [tanh, tahn] } ]");
    assertEquals("model.activation", e.key());
    assertTrue(e.getMessage().contains("sweep configuration #1 (model.activation=tahn)"), e.getMessage());

    e = error("grid = [ { key = sweep.best, values = [1] } ]");
    assertTrue(e.getMessage().contains("only sweep.task-time-limit can vary"), e.getMessage());
    e = error("grid = [ { key = job.output, values = [x] } ]");
    assertTrue(e.getMessage().contains("names or places the run"), e.getMessage());
    e = error("grid = [ { key = model.seed, vals = [1] } ]");
    assertEquals("sweep.grid[0].vals", e.key());
    e = error("grid = [ { key = model.seed, values = [] } ]");
    assertEquals("sweep.grid[0].values", e.key());
    e = error("random { samples = 2, axes = [ { key = solver.tau, log-uniform = [0, 1] } ] }");
    assertEquals("sweep.random.axes[0].log-uniform", e.key());
    e = error("random { samples = 2, axes = [ { key = solver.tau, uniform = [0, 1], choice = [1] } ] }");
    assertEquals("sweep.random.axes[0]", e.key());
    e = error("random { axes = [ { key = solver.tau, uniform = [0, 1] } ] }");
    assertEquals("sweep.random.samples", e.key());
    e = error("grid = [ { key = model, values = [1] } ]");
    assertTrue(e.getMessage().contains("whole section"), e.getMessage());
    e = error("grid = [ { key = model.seed, values = [1] }, { key = model.seed, values = [2] } ]");
    assertTrue(e.getMessage().contains("overlap"), e.getMessage());
    e = error("task-time-limit = 0\ngrid = [ { key = model.seed, values = [1] } ]");
    assertEquals(SweepConfig.TIME_LIMIT_KEY, e.key());
    e = error("best = 3");
    assertEquals("sweep", e.key());
    e = error("bogus = 1\ngrid = [ { key = model.seed, values = [1] } ]");
    assertEquals("sweep.bogus", e.key());
  }
}
