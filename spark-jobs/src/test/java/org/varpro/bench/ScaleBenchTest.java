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
    o.statistics = List.of(kind);
    o.gemmSize = 64;
    o.repeats = 1;
    o.progress = log::add;
    return o;
  }

  @Test
  void tableHasEveryRowCountWithFinitePositiveRates() {
    List<String> log = new ArrayList<>();
    ScaleReport report = ScaleBench.run(session(), tiny(StatsKind.GRAM, log));

    // 3 inputs -> 6 -> 5: p = 3*6+6 + 6*5+5 = 59, n = 5 + 1 constant, N = n + p + 1.
    assertEquals(6, report.features());
    assertEquals(59, report.params());
    assertEquals(66, report.columns());
    assertEquals(List.of("gram"), report.statistics());
    // Reference rounds: one caller, then both cores before the first row count and after each.
    assertEquals(4, report.rounds().size());
    assertEquals(List.of(1, 2, 2, 2), report.rounds().stream().map(ReferenceJob.Round::callers).toList());
    for (ReferenceJob.Round round : report.rounds()) {
      assertEquals(List.of("dgemm", "gramUpdate"), round.kernels().stream().map(t -> t.kernel().name()).toList());
      for (ReferenceJob.Timing t : round.kernels()) {
        assertTrue(t.aggregateGflops() > 0 && Double.isFinite(t.aggregateGflops()), t.toString());
        assertEquals(round.callers(), t.perCallerGflops().length);
      }
    }

    assertEquals(2, report.sizes().size());
    for (ScaleReport.SizeResult s : report.sizes()) {
      assertEquals("gram", s.step());
      assertEquals(1, s.iterations(), s.toString());
      assertEquals(1, s.jacobianPasses(), s.toString());
      assertTrue(s.projectionPasses() >= 1, s.toString());
      assertTrue(s.secondsPerIteration() > 0 && Double.isFinite(s.secondsPerIteration()), s.toString());
      assertTrue(s.jacobianSeconds() > 0 && s.jacobianSeconds() <= s.secondsPerIteration(), s.toString());
      assertTrue(s.projectionSeconds() > 0 && Double.isFinite(s.projectionSeconds()), s.toString());
      assertTrue(s.jacobianGflops() > 0 && Double.isFinite(s.jacobianGflops()), s.toString());
      // The pass against the mean of the rounds just before and after it, and against each.
      double before = report.rounds().get(s.referenceBefore()).timing(ScaleKernels.Kind.DGEMM).aggregateGflops();
      double after = report.rounds().get(s.referenceAfter()).timing(ScaleKernels.Kind.DGEMM).aggregateGflops();
      assertEquals(s.referenceBefore() + 1, s.referenceAfter());
      assertEquals(s.jacobianGflops() / ((before + after) / 2), report.fractionOfDgemm(s), 1e-12);
      double[] range = report.fractionRange(s, ScaleKernels.Kind.DGEMM);
      assertEquals(s.jacobianGflops() / Math.max(before, after), range[0], 1e-12);
      assertEquals(s.jacobianGflops() / Math.min(before, after), range[1], 1e-12);
      assertTrue(Double.isFinite(s.loss()), s.toString());
      // CPU clocks advance in ticks (10 ms on Linux) and a pass over these few rows takes a few
      // ms, so 0 is a correct reading of the task CPU.
      assertTrue(s.cpu().wall() > 0 && s.cpu().tasks() >= 0, s.cpu().toString());
      assertEquals(2, s.cpu().executorCores());
    }
    assertEquals(1, report.sizes().get(0).referenceBefore());
    assertEquals(3, report.sizes().get(1).referenceAfter());
    assertEquals(2000L, report.sizes().get(0).rows());
    assertEquals(4000L, report.sizes().get(1).rows());
    // The untimed JVM warm-up Jacobian pass runs before the first row count only.
    assertTrue(report.sizes().get(0).jvmWarmupSeconds() > 0);
    assertTrue(Double.isNaN(report.sizes().get(1).jvmWarmupSeconds()));

    // Counted flops: forward 2m(3*6 + 6*5) + backward 2m(6*5) + m(3*6 + 6*5) + Gram m*N^2 (or 2m*N^2).
    long m = 2000;
    double gram = (org.varpro.core.linalg.Lapack.isNative() ? 1 : 2) * m * 66.0 * 66.0;
    assertEquals(2 * m * 48 + 2 * m * 30 + m * 48 + gram, report.sizes().get(0).jacobianFlops(), 1e-6);

    BenchTable table = report.table("gram");
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
    assertTrue(text.contains("merges, bytes and memory"), text);
    assertTrue(text.contains("CPU seconds during the Jacobian passes"), text);
    assertTrue(text.contains("pct_dgemm_range"), text);
    assertTrue(log.stream().anyMatch(l -> l.contains("Jacobian pass")), String.join("\n", log));

    String json = BenchJson.toJson(report.toMap());
    assertTrue(json.contains("\"jacobian_gflops\""), json);
    assertTrue(json.contains("\"reference_rounds\""), json);
    assertTrue(json.contains("\"model_inputs\""), json);
  }

  @Test
  void tsqrFlopsAreTheHouseholderCountOfEachPartitionPlusTheMerges() {
    // 100 columns (structured kernel): partition j's m_j rows cost LAPACK's 2N^2(m_j - N/3)
    // (dgeqrf of the first block, 2N^2 per later row), and P - 1 merges (2/3)N^3 each; the ridge
    // rows join partition 0.
    assertEquals(2.0 * 100 * 100 * (1000 - 100 / 3.0), ScaleKernels.qrFlops(1000, 100), 1e-6);
    double expected = ScaleKernels.qrFlops(1005, 100) + 2 * ScaleKernels.qrFlops(1000, 100)
        + 2 * (2.0 / 3.0) * 1e6;
    assertEquals(expected, ScaleKernels.tsqrFlops(3000, 100, 3, 256, 5), 1e-3);
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
    assertTrue(text.contains("reference BLAS/LAPACK rates"), text);
    assertTrue(text.contains("statistics qr"), text);
    assertTrue(text.contains("1500") && text.contains("3000"), text);
    assertTrue(Files.readString(json).contains("\"jacobian_gflops\""));

    // scale-check of the run against itself: one row per row count, the speed-ups printed.
    StringWriter check = new StringWriter();
    CommandLine checkCli = new CommandLine(new Main());
    checkCli.setOut(new PrintWriter(check));
    assertEquals(0, checkCli.execute("bench", "scale-check", json.toString(), json.toString()));
    assertTrue(check.toString().contains("speedup_predicted"), check.toString());
    assertTrue(check.toString().contains("1 -> 1") || check.toString().contains("2 -> 2"), check.toString());
    StringWriter checkErr = new StringWriter();
    CommandLine badCheck = new CommandLine(new Main());
    badCheck.setErr(new PrintWriter(checkErr));
    Path notJson = dir.resolve("rows.txt");
    Files.writeString(notJson, "{\"rows\": 3}");
    assertEquals(2, badCheck.execute("bench", "scale-check", notJson.toString(), json.toString()));
    assertTrue(checkErr.toString().contains("rows.txt") && checkErr.toString().contains("sizes"),
        checkErr.toString());

    StringWriter err2 = new StringWriter();
    CommandLine bad = new CommandLine(new Main());
    bad.setErr(new PrintWriter(err2));
    assertEquals(2, bad.execute("bench", "scale", "--statistics", "rows"));
    assertTrue(err2.toString().contains("gram or qr"), err2.toString());
  }

  /**
   * Both statistics on the same rows (the default), N = 1082 columns (3→30→30: wide enough for
   * the executor tree of TSQR factors): TSQR counts more flops than Gram, merges through the
   * executor tree (3 partitions: 2 levels, 2 merges, nothing on the driver) and shuffles its
   * factors; Gram merges its 3 partials on the driver.
   */
  @Test
  void bothStatisticsReportWhereTheirMergesRan() {
    ScaleBench.Options o = tiny(StatsKind.QR, new ArrayList<>());
    o.statistics = List.of(StatsKind.QR, StatsKind.GRAM);
    o.hidden = List.of(30, 30);
    o.rows = List.of(4500L);
    o.kernelReferences = false; // the N = 1082 kernels would take most of the test's time
    ScaleReport report = ScaleBench.run(session(), o);
    for (ReferenceJob.Round round : report.rounds()) {
      assertEquals(List.of("dgemm"), round.kernels().stream().map(t -> t.kernel().name()).toList());
    }
    ScaleReport.SizeResult qr = report.sizes("qr").get(0);
    ScaleReport.SizeResult gram = report.sizes("gram").get(0);
    assertEquals(2, qr.treeLevels(), qr.toString());
    assertEquals(0, qr.driverMerges(), qr.toString());
    assertEquals(2.0, qr.executorMerges(), 0.0, qr.toString());
    assertTrue(qr.shuffleBytesPerIteration() > 0, qr.toString());
    assertEquals(0, gram.treeLevels(), gram.toString());
    assertEquals(2, gram.driverMerges(), gram.toString());
    assertTrue(gram.driverHeapPeak() > 0, gram.toString());
    assertTrue(report.render().contains("statistics qr (step factor)"), report.render());
    // The TSQR of the same rows counts more flops than the Gram sums.
    assertTrue(qr.jacobianGflops() > 0 && Double.isFinite(qr.jacobianGflops()), qr.toString());
    assertTrue(qr.jacobianFlops() > gram.jacobianFlops(), qr + " vs " + gram);
  }
}
