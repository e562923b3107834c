package org.varpro.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.config.ConfigError;
import org.varpro.job.TrainJob;
import org.varpro.spark.TestSpark;

/**
 * A classification sweep on the digits: eight configurations (dense and matrix-free steps), the
 * sweep killed after its first row (its Spark job cancelled, the running tasks interrupted) and
 * run again, and {@code train} of the best and of a matrix-free configuration reproducing their
 * rows bit for bit.
 */
class ClassifySweepTest {
  /** 2 widths × 2 step methods × 2 seeds on 400 training rows, 4 outer iterations each. */
  static final String SECTION = """
      grid = [
        { key = model.hidden, values = [[4], [8]] }
        { key = solver.step, values = [dense, matrix-free] }
        { key = model.seed, values = [1, 2] }
      ]
      best = 3
      """;

  @TempDir
  Path tmp;

  @BeforeAll
  static void spark() {
    TestSpark.session();
  }

  /** conf/digits-sweep.conf on a sub-sample, with its own grid. */
  Path config() throws IOException {
    return TestSpark.digitsConfig(tmp, "conf/digits-sweep.conf", 400,
        // The matrix-free configurations take their curvature from a half sample of the rows.
        "solver { max-iterations = 4, cg-max-iterations = 10, curvature-sample = 0.5, curvature-min-rows = 1 }\n"
            + "sweep {\n" + SECTION + "\n}\n");
  }

  /** The log of a sweep; when {@code killAt} rows are done it cancels the sweep's Spark job. */
  static final class KillingLog extends StringWriter {
    private final String trigger;

    KillingLog(int killAt, int total) {
      this.trigger = killAt <= 0 ? null : "varpro: sweep [" + killAt + "/" + total + "]";
    }

    @Override
    public void write(String s, int off, int len) {
      super.write(s, off, len);
      if (trigger != null && s.substring(off, off + len).startsWith(trigger)) {
        // Posted to the scheduler's event loop: the tasks still running are killed.
        TestSpark.session().sparkContext().cancelAllJobs();
      }
    }
  }

  static SweepJob.Result sweep(Path config, Path output, StringWriter log) {
    SweepJob.Options o = new SweepJob.Options();
    o.config = config;
    o.output = output.toString();
    o.log = new PrintWriter(log, true);
    return SweepJob.run(o);
  }

  @Test
  void killedSweepResumesAndTrainReproducesItsRows() throws IOException {
    Path config = config();
    Path out = tmp.resolve("runs/digits");

    // Killed after its first row: only the finished rows are kept.
    KillingLog killing = new KillingLog(1, 8);
    assertThrows(Exception.class, () -> sweep(config, out, killing));
    List<Path> before = SweepTables.rowFiles(out);
    assertTrue(before.size() >= 1 && before.size() < 8, "rows before the kill: " + before + "\n" + killing);
    Map<Path, byte[]> kept = new LinkedHashMap<>();
    for (Path p : before) {
      kept.put(p, Files.readAllBytes(p));
    }

    // Run again: the missing configurations only, the finished rows untouched.
    StringWriter log = new StringWriter();
    SweepJob.Result r = sweep(config, out, log);
    assertEquals(8, r.configurations().size());
    assertEquals(8 - before.size(), r.ran(), log.toString());
    assertEquals(before.size(), r.reused());
    for (Map.Entry<Path, byte[]> e : kept.entrySet()) {
      assertArrayEquals(e.getValue(), Files.readAllBytes(e.getKey()), "the rerun touched " + e.getKey());
    }
    List<Map<String, String>> rows = SweepTables.csv(out.resolve("results.csv"));
    assertEquals(8, rows.size());
    for (Map<String, String> row : rows) {
      assertEquals("ok", row.get("status"), row.toString());
      assertEquals("max_iterations", row.get("stop_reason"), row.toString());
      assertEquals("4", row.get("iterations"), row.toString());
      // Ten classes: chance is 0.1; four iterations already separate most digits.
      assertTrue(Double.parseDouble(row.get("test_accuracy")) > 0.5, row.toString());
    }
    Map<?, ?> summary = SweepRow.JSON.readValue(out.resolve("summary.json").toFile(), Map.class);
    assertEquals(Map.of("ok", 8, "diverged", 0, "failed", 0), summary.get("status"));
    assertEquals("test_log_loss", summary.get("main_metric"));

    // Accuracy is ranked highest first, log-loss lowest first.
    Map<?, ?> best = (Map<?, ?>) summary.get("best");
    double topAccuracy = ((Number) ((Map<?, ?>) ((List<?>) best.get("test_accuracy")).get(0)).get("test_accuracy"))
        .doubleValue();
    double topLogLoss = ((Number) ((Map<?, ?>) ((List<?>) best.get("test_log_loss")).get(0)).get("test_log_loss"))
        .doubleValue();
    for (Map<String, String> row : rows) {
      assertTrue(topAccuracy >= Double.parseDouble(row.get("test_accuracy")), row.toString());
      assertTrue(topLogLoss <= Double.parseDouble(row.get("test_log_loss")), row.toString());
    }

    // The oracle: train of the best configuration, and of a configuration with the other step
    // method, gives the row's figures bit for bit.
    Map<?, ?> top = (Map<?, ?>) ((List<?>) best.get("test_log_loss")).get(0);
    int topIndex = (Integer) top.get("index");
    String topStep = rows.get(topIndex).get("solver.step");
    int other = rows.stream().filter(row -> !row.get("solver.step").equals(topStep))
        .mapToInt(row -> Integer.parseInt(row.get("index"))).findFirst().orElseThrow();
    for (int index : new int[] {topIndex, other}) {
      Configuration c = r.configurations().get(index);
      SweepRow row = r.rows().get(c.hash());
      TrainJob.Options t = new TrainJob.Options();
      t.config = config;
      t.overrides = c.overrides();
      t.output = tmp.resolve("runs/train-" + index).toString();
      t.log = new PrintWriter(new StringWriter(), true);
      Map<String, Object> train = TrainJob.run(t).summary();
      Map<?, ?> test = (Map<?, ?>) train.get("test");
      Map<?, ?> fit = (Map<?, ?>) train.get("train");
      String where = "configuration #" + index + " " + c.overrides();
      assertEquals((Double) train.get("objective"), row.loss(), 0.0, where);
      assertEquals(train.get("iterations"), row.iterations(), where);
      assertEquals((Double) test.get("log_loss"), row.value("test_log_loss"), 0.0, where);
      assertEquals((Double) test.get("accuracy"), row.value("test_accuracy"), 0.0, where);
      assertEquals((Double) fit.get("log_loss"), row.value("train_log_loss"), 0.0, where);
      assertEquals((Double) fit.get("accuracy"), row.value("train_accuracy"), 0.0, where);
    }
    assertTrue(((String) summary.get("train_command")).startsWith("varpro train " + config), summary.toString());
  }

  /** The shipped sweep's eight configurations are all checked before anything runs (a dry run). */
  @Test
  void theShippedSweepHasEightConfigurations() {
    SweepJob.Options o = new SweepJob.Options();
    o.config = TestSpark.repoFile("conf/digits-sweep.conf");
    o.output = tmp.resolve("runs/dry").toString();
    o.overrides = List.of("classify.train-rows=all");
    o.dryRun = true;
    o.log = new PrintWriter(new StringWriter(), true);
    SweepJob.Result r = SweepJob.run(o);
    assertEquals(8, r.configurations().size());
    assertEquals(8, SweepJob.distinct(r.configurations()).size());

    o.overrides = List.of("classify.train-rows=-3");
    ConfigError e = assertThrows(ConfigError.class, () -> SweepJob.run(o));
    assertEquals("classify.train-rows", e.key());
    assertTrue(e.getMessage().contains("must be >= 0 or all (0 = all), got -3"), e.getMessage());
  }
}
