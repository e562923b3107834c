package org.varpro.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.cli.Main;
import picocli.CommandLine;

/** The regression benchmark end to end on a tiny budget; no timing assertions. */
class RegressionBenchTest {

  @Test
  void tableHasEveryMethodWithFiniteErrors() {
    RegressionBench.Config config = new RegressionBench.Config();
    config.seconds = 1;
    config.trainPoints = 300;
    config.testPoints = 300;
    config.blockRows = 300;
    config.hidden = 8;
    config.adamLearningRates = List.of(3e-3);
    RegressionBench.Report report = RegressionBench.run(config);

    Set<String> families = new HashSet<>();
    for (RegressionBench.MethodResult r : report.results()) {
      families.add(r.family());
      assertTrue(Double.isFinite(r.trainError()) && r.trainError() >= 0, r.toString());
      assertTrue(Double.isFinite(r.testError()) && r.testError() >= 0, r.toString());
      assertTrue(Double.isFinite(r.loss()), r.toString());
    }
    assertEquals(Set.of("varpro", "adam", "lbfgs", "elm"), families);
    assertEquals(4, report.results().size());
    assertTrue(Double.isFinite(report.adamRatio()) && Double.isFinite(report.lbfgsRatio()));

    BenchTable table = report.table();
    assertEquals(4, table.rows().size());
    String text = table.render();
    assertEquals("varpro-lm(lambda=1e-11)", report.varpro().method());
    for (String method : List.of(report.varpro().method(), "adam(lr=0.003)", "lbfgs(m=20)", "elm")) {
      assertTrue(text.contains(method), text);
      assertNotNull(table.value(method, "train_rel_err"), method);
    }
    assertTrue(text.contains("Adam/VarPro"), text);

    String json = BenchJson.toJson(report.toMap());
    assertTrue(json.contains("\"test_rel_err\""), json);
    assertTrue(json.contains("\"lbfgs_over_varpro_train_error\""), json);
  }

  @Test
  void commandLinePrintsBlasFirstThenTheTable(@TempDir Path dir) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new Main());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    Path json = dir.resolve("bench.json");
    int code = cmd.execute("bench", "regression", "--seconds", "0.5", "--train-points", "150",
        "--test-points", "100", "--hidden", "6", "--adam-lr", "1e-2", "--json", json.toString());
    assertEquals(0, code, err.toString());
    String[] lines = out.toString().split("\\R");
    assertTrue(lines[0].startsWith("BLAS="), lines[0]);
    assertTrue(out.toString().contains("L-BFGS/VarPro"), out.toString());
    String written = Files.readString(json);
    assertTrue(written.contains("\"benchmark\" : \"regression\""), written);
    assertTrue(err.toString().contains("bench: running"), err.toString());

    // Plain `bench` runs the same benchmark.
    StringWriter out2 = new StringWriter();
    cmd.setOut(new PrintWriter(out2, true));
    assertEquals(0, cmd.execute("bench", "--seconds", "0.25", "--train-points", "80",
        "--test-points", "50", "--hidden", "4", "--adam-lr", "1e-2"));
    assertTrue(out2.toString().contains("elm"), out2.toString());
  }

  @Test
  void tableRendersAlignedColumnsAndNonFiniteValues() {
    BenchTable t = new BenchTable("t",
        BenchTable.Column.text("method"), BenchTable.Column.number("err", "%.2e"));
    t.addRow("a", 1.5e-3).addRow("longer", Double.NaN).addNote("note");
    String[] lines = t.render().split("\n");
    assertEquals("t", lines[0]);
    assertEquals(lines[1].length(), lines[3].length());
    assertEquals(lines[3].length(), lines[4].length());
    assertTrue(lines[4].endsWith("nan"), lines[4]);
    assertEquals("note", lines[5]);
    Map<String, Object> m = t.toMap();
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) m.get("rows");
    assertEquals("NaN", rows.get(1).get("err"));
  }
}
