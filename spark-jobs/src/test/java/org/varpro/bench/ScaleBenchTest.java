package org.varpro.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.cli.Main;
import org.varpro.core.stats.StatsKind;
import org.varpro.spark.SparkSessions;
import picocli.CommandLine;

/** The scale benchmark end to end on tiny sizes; no timing assertions. */
class ScaleBenchTest {

  /**
   * The test JVM's shared session: the same settings as {@code org.varpro.spark.TestSpark}
   * (package-private there); {@link SparkSessions} returns the running one when it exists.
   */
  private static SparkSession session() {
    return SparkSessions.builder("varpro-spark-tests")
        .master("local[2]")
        .ui(false)
        .shufflePartitions(4)
        .logLevel("WARN")
        .getOrCreate();
  }

  private static ScaleBench.Options tiny(StatsKind kind, List<String> log) {
    ScaleBench.Options o = new ScaleBench.Options();
    o.rows = List.of(2000L, 4000L);
    o.inputDim = 3;
    o.hidden = List.of(6, 5);
    o.partitions = 3;
    o.blockRows = 256;
    o.iterations = 1;
    o.statistics = kind;
    o.gemmSize = 64;
    o.repeats = 1;
    o.progress = log::add;
    return o;
  }

  @Test
  void tableHasEveryRowCountWithFinitePositiveRates() {
    List<String> log = new ArrayList<>();
    ScaleBench.Report report = ScaleBench.run(session(), tiny(StatsKind.GRAM, log));

    // 3 inputs -> 6 -> 5: p = 3*6+6 + 6*5+5 = 59, n = 5 + 1 constant, N = n + p + 1.
    assertEquals(6, report.features());
    assertEquals(59, report.params());
    assertEquals(66, report.columns());
    assertEquals("gram", report.statistics());
    assertEquals("gram", report.stepMethod());
    for (ScaleBench.Rate r : report.rates()) {
      assertTrue(r.gflops() > 0 && Double.isFinite(r.gflops()), r.toString());
    }
    assertEquals("dgemm", report.dgemm().kernel());

    assertEquals(2, report.sizes().size());
    for (ScaleBench.SizeResult s : report.sizes()) {
      assertEquals(1, s.iterations(), s.toString());
      assertEquals(1, s.jacobianPasses(), s.toString());
      assertTrue(s.projectionPasses() >= 1, s.toString());
      assertTrue(s.secondsPerIteration() > 0 && Double.isFinite(s.secondsPerIteration()), s.toString());
      assertTrue(s.jacobianSeconds() > 0 && s.jacobianSeconds() <= s.secondsPerIteration(), s.toString());
      assertTrue(s.projectionSeconds() > 0 && Double.isFinite(s.projectionSeconds()), s.toString());
      assertTrue(s.jacobianGflops() > 0 && Double.isFinite(s.jacobianGflops()), s.toString());
      assertTrue(report.fractionOfDgemm(s) > 0 && Double.isFinite(report.fractionOfDgemm(s)), s.toString());
      assertTrue(Double.isFinite(s.loss()), s.toString());
      assertTrue(s.dgemmAfter() > 0 && Double.isFinite(s.dgemmAfter()), s.toString());
      // The JVM's process CPU time advances in clock ticks (10 ms on Linux), and a Jacobian
      // pass over these few rows is one Spark job of a few ms, so 0 is a correct reading.
      assertTrue(s.cpuShare() >= 0 && Double.isFinite(s.cpuShare()), s.toString());
    }
    assertEquals(2000L, report.sizes().get(0).rows());
    assertEquals(4000L, report.sizes().get(1).rows());
    // The untimed JVM warm-up Jacobian pass runs before the first row count only.
    assertTrue(report.sizes().get(0).jvmWarmupSeconds() > 0);
    assertTrue(Double.isNaN(report.sizes().get(1).jvmWarmupSeconds()));

    // Counted flops: forward 2m(3*6 + 6*5) + backward 2m(6*5) + m(3*6 + 6*5) + Gram m*N^2 (or 2m*N^2).
    long m = 2000;
    double gram = (org.varpro.core.linalg.Lapack.isNative() ? 1 : 2) * m * 66.0 * 66.0;
    assertEquals(2 * m * 48 + 2 * m * 30 + m * 48 + gram, report.sizes().get(0).jacobianFlops(), 1e-6);

    BenchTable table = report.table();
    assertEquals(2, table.rows().size());
    assertEquals(2000L, table.value("2000", "rows"));
    assertEquals(4000L, table.value("4000", "rows"));
    assertEquals(1.0, (Double) table.value("2000", "x_first"), 1e-12);
    String text = report.render();
    assertTrue(text.contains("BLAS in use: BLAS="), text);
    assertTrue(text.contains("Spark "), text);
    assertTrue(text.contains("jacobian_gflops"), text);
    assertTrue(text.contains("Jacobian pass flops = "), text);
    assertTrue(text.contains("target >= 50%"), text);
    assertTrue(log.stream().anyMatch(l -> l.contains("Jacobian pass")), String.join("\n", log));

    String json = BenchJson.toJson(report.toMap());
    assertTrue(json.contains("\"jacobian_gflops\""), json);
    assertTrue(json.contains("\"reference_rates\""), json);
  }

  @Test
  void qrStatisticsCountTheTsqrFlops() {
    ScaleBench.Options o = tiny(StatsKind.QR, new ArrayList<>());
    o.rows = List.of(3000L);
    ScaleBench.Report report = ScaleBench.run(session(), o);
    assertEquals("qr", report.statistics());
    ScaleBench.SizeResult s = report.sizes().get(0);
    assertTrue(s.jacobianGflops() > 0 && Double.isFinite(s.jacobianGflops()), s.toString());
    // The TSQR of the same rows costs more flops than the Gram sums.
    double gram = ScaleBench.jacobianFlops(new int[] {3, 6, 5}, 3000, 1, 1, StatsKind.GRAM, true, 3, 256, o.lambda);
    assertTrue(s.jacobianFlops() > gram, s + " vs " + gram);
  }

  @Test
  void tsqrFlopsOfOneBlockAreOneHouseholderQr() {
    // One partition, one block of 100 rows and 10 columns, no ridge: the block QR and the
    // driver's merge of the 10-row factor.
    double expected = ScaleBench.qrFlops(100, 10) + ScaleBench.qrFlops(10, 10);
    assertEquals(expected, ScaleBench.tsqrFlops(100, 10, 1, 100, 0), 1e-6);
    assertEquals(2.0 * 10 * 10 * (100 - 10 / 3.0), ScaleBench.qrFlops(100, 10), 1e-9);
  }

  @Test
  void commandLinePrintsTheTablesAndWritesJson(@TempDir Path dir) throws Exception {
    session(); // the command finds the shared session running and uses it
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    Path json = dir.resolve("scale.json");
    int code = cli.execute("bench", "scale", "--rows", "1500,3000", "--inputs", "2", "--hidden", "5",
        "--partitions", "2", "--block-rows", "400", "--iterations", "1", "--gemm-size", "48",
        "--repeats", "1", "--statistics", "qr", "--json", json.toString());
    assertEquals(0, code, err.toString());
    String text = out.toString();
    assertTrue(text.contains("reference BLAS rates"), text);
    assertTrue(text.contains("statistics qr"), text);
    assertTrue(text.contains("1500") && text.contains("3000"), text);
    assertTrue(Files.readString(json).contains("\"jacobian_gflops\""));

    StringWriter err2 = new StringWriter();
    CommandLine bad = new CommandLine(new Main());
    bad.setErr(new PrintWriter(err2));
    assertEquals(2, bad.execute("bench", "scale", "--statistics", "rows"));
    assertTrue(err2.toString().contains("gram or qr"), err2.toString());
  }
}
