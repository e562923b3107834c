package org.varpro.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.cli.Main;
import org.varpro.io.OtherSchemeFileSystem;
import org.varpro.job.TrainJob;
import org.varpro.spark.TestSpark;
import picocli.CommandLine;

/**
 * {@code varpro sweep} end to end on the test JVM's Spark session (local[2]): a small heat sweep
 * with three deliberately bad cases, the train oracle for the best configuration, resuming.
 */
class SweepJobTest {
  /** 2 widths × 2 activations × 2 seeds, then a case that throws, one that makes NaN, one over its time limit. */
  static final String SECTION = """
      grid = [
        { key = model.hidden, values = [[8], [12]] }
        { key = model.activation, values = [tanh, sin] }
        { key = model.seed, values = [1, 2] }
      ]
      cases = [
        { pde.source = "1/(x-x)" }
        { pde.source = "sqrt(x-2)" }
        { sweep.task-time-limit = 0.0001 }
      ]
      best = 3
      """;

  @TempDir
  Path tmp;

  @BeforeAll
  static void spark() {
    TestSpark.session();
  }

  static SweepJob.Result sweep(Path config, Path output, StringWriter log, String... overrides) {
    SweepJob.Options o = new SweepJob.Options();
    o.config = config;
    o.output = output.toString();
    o.overrides = List.of(overrides);
    o.log = new PrintWriter(log, true);
    return SweepJob.run(o);
  }

  @Test
  void badCasesAreMarkedTheBestMatchesTrainAndARerunResumes() throws IOException {
    Path config = SweepFixtures.heatSweep(tmp, "small", SECTION);
    Path out = tmp.resolve("runs/small");
    StringWriter log = new StringWriter();
    SweepJob.Result r = sweep(config, out, log);
    assertEquals(11, r.configurations().size());
    assertEquals(11, r.ran());
    assertEquals(0, r.reused());

    // The table: 11 rows in index order, the three bad cases marked, the others ok.
    List<Map<String, String>> rows = SweepTables.csv(out.resolve("results.csv"));
    assertEquals(11, rows.size());
    for (int i = 0; i < 11; i++) {
      Map<String, String> row = rows.get(i);
      assertEquals(String.valueOf(i), row.get("index"));
      if (i < 8) {
        assertEquals("ok", row.get("status"), row.toString());
        assertEquals("max_iterations", row.get("stop_reason"));
        assertEquals("12", row.get("iterations"));
        assertTrue(Double.parseDouble(row.get("relative_l2_error")) < 1, row.toString());
        assertTrue(row.get("executor").startsWith("driver@"), row.toString());
      }
    }
    assertEquals("[8]", rows.get(0).get("model.hidden"));
    assertEquals("sin", rows.get(2).get("model.activation"));
    assertEquals("2", rows.get(1).get("model.seed"));
    assertEquals("failed", rows.get(8).get("status"));
    assertEquals("exception", rows.get(8).get("stop_reason"));
    assertTrue(rows.get(8).get("error").contains("Division by zero"), rows.get(8).toString());
    assertEquals("", rows.get(8).get("loss"));
    assertEquals("diverged", rows.get(9).get("status"));
    assertEquals("non_finite", rows.get(9).get("stop_reason"));
    assertEquals("NaN", rows.get(9).get("loss"));
    assertEquals("failed", rows.get(10).get("status"));
    assertEquals("time_limit", rows.get(10).get("stop_reason"));
    assertTrue(rows.get(10).get("error").startsWith("exceeded the task time limit of 1.0E-4 s"), rows.get(10).toString());
    assertEquals("1.0E-4", rows.get(10).get(SweepConfig.TIME_LIMIT_KEY));
    assertTrue(log.toString().contains("varpro: sweep [11/11]"), log.toString());
    assertTrue(log.toString().contains("remaining 0, ETA"), log.toString());

    // The Parquet file holds the same table (read back by Spark).
    Dataset<Row> parquet = TestSpark.session().read().parquet(out.resolve("results.parquet").toString());
    List<Row> prow = parquet.orderBy("index").collectAsList();
    assertEquals(11, prow.size());
    assertEquals("long", parquet.schema().apply("model.seed").dataType().typeName());
    assertEquals("string", parquet.schema().apply("model.hidden").dataType().typeName());
    for (int i = 0; i < 11; i++) {
      Row p = prow.get(i);
      assertEquals(rows.get(i).get("hash"), p.getAs("hash"));
      assertEquals(rows.get(i).get("status"), p.getAs("status"));
      String loss = rows.get(i).get("loss");
      assertEquals(loss.isEmpty() ? null : Double.valueOf(loss), p.getAs("loss"));
    }

    // summary.json and a plot per varied key.
    Map<?, ?> summary = SweepRow.JSON.readValue(out.resolve("summary.json").toFile(), Map.class);
    assertEquals(Map.of("ok", 8, "diverged", 1, "failed", 2), summary.get("status"));
    assertEquals("relative_l2_error", summary.get("main_metric"));
    for (String key : List.of("model_hidden", "model_activation", "model_seed", "pde_source", "sweep_task-time-limit")) {
      BufferedImage img = ImageIO.read(out.resolve("plots/relative_l2_error-vs-" + key + ".png").toFile());
      assertNotNull(img, key);
      assertEquals(800, img.getWidth());
    }

    // The oracle: train of the best configuration gives the same figures, bit for bit.
    List<?> best = (List<?>) ((Map<?, ?>) summary.get("best")).get("relative_l2_error");
    assertEquals(3, best.size());
    Map<?, ?> top = (Map<?, ?>) best.get(0);
    TrainJob.Options t = new TrainJob.Options();
    t.config = config;
    t.overrides = ((List<?>) top.get("overrides")).stream().map(String::valueOf).toList();
    t.output = tmp.resolve("runs/train-best").toString();
    t.log = new PrintWriter(new StringWriter(), true);
    TrainJob.Result train = TrainJob.run(t);
    Map<String, String> bestRow = rows.get((Integer) top.get("index"));
    double sweepError = Double.parseDouble(bestRow.get("relative_l2_error"));
    for (Map<String, String> row : rows.subList(0, 8)) {
      assertTrue(sweepError <= Double.parseDouble(row.get("relative_l2_error")), "the best is the lowest");
    }
    assertEquals((Double) train.summary().get("relative_l2_error"), sweepError, 0.0);
    assertEquals(train.solver().loss(), Double.parseDouble(bestRow.get("loss")), 0.0);
    assertTrue(((String) summary.get("train_command")).startsWith("varpro train " + config), summary.toString());

    // Resume: three rows lost (as if the sweep had been stopped) and the results deleted. The rerun
    // runs exactly those three, leaves the other row files alone, and the table comes out the same.
    Path rowsDir = out.resolve("rows");
    List<String> lost = List.of(rows.get(1).get("hash"), rows.get(6).get("hash"), rows.get(9).get("hash"));
    Map<Path, byte[]> kept = new LinkedHashMap<>();
    try (Stream<Path> s = Files.list(rowsDir)) {
      for (Path p : s.toList()) {
        if (lost.contains(p.getFileName().toString().replace(".json", ""))) {
          Files.delete(p);
        } else {
          kept.put(p, Files.readAllBytes(p));
        }
      }
    }
    assertEquals(8, kept.size());
    for (String f : List.of("results.csv", "results.parquet", "summary.json")) {
      Files.delete(out.resolve(f));
    }
    Files.writeString(rowsDir.resolve(".deadbeef.json.tmp-123.json"), "{ half a row");
    StringWriter log2 = new StringWriter();
    SweepJob.Result again = sweep(config, out, log2);
    assertEquals(3, again.ran());
    assertEquals(8, again.reused());
    assertTrue(log2.toString().contains("resuming: 8 of 11 configurations finished earlier"), log2.toString());
    for (Map.Entry<Path, byte[]> e : kept.entrySet()) {
      assertArrayEquals(e.getValue(), Files.readAllBytes(e.getKey()), "rerun touched " + e.getKey());
    }
    assertFalse(Files.exists(rowsDir.resolve(".deadbeef.json.tmp-123.json")), "leftover temporary file");
    assertEquals(SweepTables.withoutTiming(rows), SweepTables.withoutTiming(SweepTables.csv(out.resolve("results.csv"))));

    // Nothing left to do: no configuration runs, the same table.
    SweepJob.Result third = sweep(config, out, new StringWriter());
    assertEquals(0, third.ran());
    assertEquals(SweepTables.withoutTiming(rows), SweepTables.withoutTiming(SweepTables.csv(out.resolve("results.csv"))));
  }

  /**
   * A tabular sweep: the rows are read once per data setting on the driver and broadcast (two
   * settings here: two validation splits); the best configuration's validation error equals
   * its train run's.
   */
  @Test
  void tabularSweepMatchesTrain() throws IOException {
    Path diabetes = TestSpark.repoFile("conf/diabetes.conf").toAbsolutePath().normalize();
    Path config = tmp.resolve("diabetes-sweep.conf");
    Files.writeString(config, "include file(\"" + diabetes + "\")\n"
        + "data { path = \"" + TestSpark.repoFile("data/diabetes_data_raw.csv.gz").toAbsolutePath() + "\"\n"
        + "  label-path = \"" + TestSpark.repoFile("data/diabetes_target.csv.gz").toAbsolutePath() + "\" }\n"
        + "solver { max-iterations = 5, principal-angles = false }\n"
        + "sweep { grid = [ { key = model.hidden, values = [[4], [8]] }, { key = data.seed, values = [1, 2] } ] }\n");
    Path out = tmp.resolve("runs/diabetes");
    StringWriter log = new StringWriter();
    SweepJob.Result r = sweep(config, out, log);
    assertEquals(4, r.ran());
    List<Map<String, String>> rows = SweepTables.csv(out.resolve("results.csv"));
    assertEquals(4, rows.size());
    for (Map<String, String> row : rows) {
      assertEquals("ok", row.get("status"), row.toString());
      assertTrue(Double.parseDouble(row.get("validation_relative_error")) < 1, row.toString());
    }
    assertNotEquals(rows.get(0).get("validation_relative_error"), rows.get(1).get("validation_relative_error"),
        "another split, another validation error");
    Map<?, ?> summary = SweepRow.JSON.readValue(out.resolve("summary.json").toFile(), Map.class);
    assertEquals("validation_relative_error", summary.get("main_metric"));
    Map<?, ?> top = (Map<?, ?>) ((List<?>) ((Map<?, ?>) summary.get("best")).get("validation_relative_error")).get(0);
    TrainJob.Options t = new TrainJob.Options();
    t.config = config;
    t.overrides = ((List<?>) top.get("overrides")).stream().map(String::valueOf).toList();
    t.output = tmp.resolve("runs/diabetes-train").toString();
    t.log = new PrintWriter(new StringWriter(), true);
    TrainJob.Result train = TrainJob.run(t);
    Map<String, String> best = rows.get((Integer) top.get("index"));
    assertEquals((Double) train.summary().get("validation_relative_error"),
        Double.parseDouble(best.get("validation_relative_error")), 0.0);
    assertEquals((Double) train.summary().get("training_relative_error"),
        Double.parseDouble(best.get("training_relative_error")), 0.0);
    assertEquals(train.solver().loss(), Double.parseDouble(best.get("loss")), 0.0);
  }

  record Run(int code, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new Main());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void anUnknownKeyExitsWithTwoAndWritesNothing() throws IOException {
    Path config = SweepFixtures.heatSweep(tmp, "typo", "grid = [ { key = solver.lamda, values = [1e-6] } ]");
    Path out = tmp.resolve("runs/typo");
    Run r = cli("sweep", config.toString(), "--output", out.toString());
    assertEquals(2, r.code(), r.err());
    List<String> lines = r.err().lines().toList();
    String last = lines.get(lines.size() - 1);
    assertTrue(last.startsWith("varpro: solver.lamda: in sweep configuration #0 (solver.lamda=1.0E-6): unknown key "
        + "(did you mean 'lambda'?)"), r.err());
    assertFalse(Files.exists(tmp.resolve("runs")), "output written for bad input");
  }

  @Test
  void dryRunListsTheConfigurations() throws IOException {
    Path config = SweepFixtures.heatSweep(tmp, "dry", SECTION);
    Run r = cli("sweep", config.toString(), "--dry-run", "--output", tmp.resolve("runs/dry").toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(11, lines.size(), r.out());
    assertTrue(lines.get(0).matches("#0 [0-9a-f]{16}  model.hidden=\\[8\\] model.activation=tanh model.seed=1"),
        lines.get(0));
    assertTrue(lines.get(10).endsWith("(time limit 1.0E-4 s)"), lines.get(10));
    assertFalse(Files.exists(tmp.resolve("runs")));
  }

  /**
   * A sweep into a folder on a non-{@code file} Hadoop file system without atomic rename
   * ({@link OtherSchemeFileSystem}): rows, results.csv, results.parquet, summary.json and the plots
   * are written through Hadoop's FileSystem; Spark reads the Parquet table back with the CSV's
   * losses, and a rerun into the same folder reuses every row.
   */
  @Test
  void sweepOnAnotherHadoopFileSystem() throws IOException {
    OtherSchemeFileSystem.register(TestSpark.session().sparkContext().hadoopConfiguration());
    Path config = SweepFixtures.heatSweep(tmp, "other", "grid = [ { key = model.seed, values = [1, 2] } ]");
    Path out = tmp.resolve("remote/other");
    SweepJob.Options o = new SweepJob.Options();
    o.config = config;
    o.output = OtherSchemeFileSystem.uri(out);
    StringWriter log = new StringWriter();
    o.log = new PrintWriter(log, true);
    SweepJob.Result r = SweepJob.run(o);
    assertEquals(2, r.ran());
    assertTrue(log.toString().contains("has no atomic rename: each file is written in place"), log.toString());
    assertEquals(OtherSchemeFileSystem.SCHEME, r.folder().path().toUri().getScheme());
    try (Stream<Path> s = Files.walk(out)) {
      List<String> files = s.map(p -> out.relativize(p).toString()).filter(n -> !n.isEmpty()).sorted().toList();
      assertEquals(9, files.size(), files.toString());
      assertTrue(files.containsAll(List.of("results.csv", "results.parquet", "summary.json", "sweep.json",
          "plots/relative_l2_error-vs-model_seed.png", "rows")), files.toString());
    }
    List<Map<String, String>> rows = SweepTables.csv(out.resolve("results.csv"));
    List<Row> parquet = TestSpark.session().read().parquet(o.output + "/results.parquet").orderBy("index")
        .collectAsList();
    assertEquals(2, parquet.size());
    for (int i = 0; i < 2; i++) {
      assertEquals("ok", rows.get(i).get("status"));
      assertEquals(Double.valueOf(rows.get(i).get("loss")), parquet.get(i).getAs("loss"));
    }
    SweepJob.Result again = SweepJob.run(o);
    assertEquals(0, again.ran());
    assertEquals(2, again.reused());
  }
}
