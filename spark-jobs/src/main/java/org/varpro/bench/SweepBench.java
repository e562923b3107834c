package org.varpro.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.spark.api.java.JavaSparkContext;
import org.varpro.core.linalg.Lapack;
import org.varpro.job.LocalFit;
import org.varpro.job.SparkHandle;
import org.varpro.sweep.Configuration;
import org.varpro.sweep.SweepConfig;
import org.varpro.sweep.SweepJob;
import org.varpro.sweep.SweepRow;
import org.varpro.sweep.SweepRunner;
import org.varpro.sweep.SweepTask;

/**
 * Sweep throughput: the configurations of a sweep run one after another in one thread (the
 * driver's, no Spark), and as Spark jobs with one task per configuration, timed the same way
 * (from the first configuration to the last row; the Spark session is up before either). On a
 * machine shared with other work the background load changes over minutes, so the
 * configurations are timed in a few consecutive blocks ({@code rounds}), each block serially and
 * then on Spark, and the times are summed: both runs see the same load.
 * Before the timed runs, the first {@code warmup} configurations run once untimed, serially and
 * as a Spark job, so that both timed runs find the JIT (and Spark's scheduler) warm. The two runs must give the same rows (status, loss, metrics and
 * iterations, bit for bit): the report says whether they did.
 */
public final class SweepBench {
  private SweepBench() {}

  public static final class Options {
    public Path config = Path.of("conf/heat-sweep.conf");
    public List<String> overrides = List.of();
    public String master = "local[2]";
    public int warmup = 1;
    /** The configurations are timed in this many consecutive blocks, each serially then on Spark. */
    public int rounds = 4;
    public Consumer<String> progress = s -> {};
    /** Spark's session line. */
    public java.io.PrintWriter log = new java.io.PrintWriter(System.err, true);
  }

  /** The figures. */
  public record Report(int configurations, double serialSeconds, double sparkSeconds, String master, int slots,
      int rounds, boolean identical, String blas, BenchTable table) {
    public double ratio() {
      return serialSeconds / sparkSeconds;
    }

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("configurations", configurations);
      m.put("serial_seconds", serialSeconds);
      m.put("spark_seconds", sparkSeconds);
      m.put("master", master);
      m.put("task_slots", slots);
      m.put("rounds", rounds);
      m.put("ratio", ratio());
      m.put("identical_rows", identical);
      m.put("blas", blas);
      m.put("openblas_num_threads", System.getenv("OPENBLAS_NUM_THREADS"));
      return m;
    }
  }

  public static Report run(Options o) {
    SweepConfig sweep = SweepConfig.load(o.config, o.overrides, null);
    List<Configuration> configurations = SweepJob.distinct(sweep.configurations());
    try (SparkHandle spark = SparkHandle.open("varpro bench sweep", o.master, false, "WARN", o.log)) {
      return run(o, configurations, spark.sc, SweepJob.loadRows(spark.spark, configurations, false));
    }
  }

  private static Report run(Options o, List<Configuration> configurations, JavaSparkContext sc,
      Map<String, LocalFit.Rows> tabular) {
    int slots = sc.defaultParallelism();
    o.progress.accept("bench sweep: " + configurations.size() + " configurations of " + o.config + "; "
        + Lapack.describe() + ", OPENBLAS_NUM_THREADS=" + System.getenv("OPENBLAS_NUM_THREADS") + "; Spark master "
        + sc.master() + " (" + slots + " task slots)");

    List<Configuration> warmup = configurations.subList(0, Math.min(o.warmup, configurations.size()));
    for (Configuration c : warmup) {
      SweepTask.run(c, tabular::get, () -> {}, SweepTask.SERIAL);
    }
    // Spark's first job loads its scheduling classes: not part of the sweep's throughput.
    SweepRunner.run(sc, warmup, tabular, (c, row) -> {});
    o.progress.accept("bench sweep: warm-up done (" + Math.min(o.warmup, configurations.size())
        + " configurations); " + o.rounds + " rounds of serial, then Spark ...");
    Map<String, SweepRow> serial = new LinkedHashMap<>();
    Map<String, SweepRow> parallel = new java.util.concurrent.ConcurrentHashMap<>();
    double serialSeconds = 0;
    double sparkSeconds = 0;
    int rounds = Math.max(1, Math.min(o.rounds, configurations.size()));
    for (int r = 0; r < rounds; r++) {
      // Consecutive blocks, so that both runs of a block see the same background load.
      List<Configuration> block = configurations.subList(r * configurations.size() / rounds,
          (r + 1) * configurations.size() / rounds);
      long t0 = System.nanoTime();
      for (Configuration c : block) {
        serial.put(c.hash(), SweepTask.run(c, tabular::get, () -> {}, SweepTask.SERIAL));
      }
      double s0 = (System.nanoTime() - t0) * 1e-9;
      long t1 = System.nanoTime();
      SweepRunner.run(sc, block, tabular, (c, row) -> parallel.put(c.hash(), row));
      double s1 = (System.nanoTime() - t1) * 1e-9;
      serialSeconds += s0;
      sparkSeconds += s1;
      o.progress.accept(String.format(java.util.Locale.ROOT,
          "bench sweep: round %d/%d (%d configurations): serial %.1f s, Spark %.1f s", r + 1, rounds, block.size(),
          s0, s1));
    }

    boolean identical = true;
    for (Configuration c : configurations) {
      identical &= sameResult(serial.get(c.hash()), parallel.get(c.hash()));
    }
    BenchTable table = new BenchTable("Sweep throughput: " + configurations.size() + " configurations of "
        + o.config, BenchTable.Column.text("run"), BenchTable.Column.number("wall s", "%.1f"),
        BenchTable.Column.number("s per configuration", "%.2f"), BenchTable.Column.text("ok/diverged/failed"));
    table.addRow("serial, one thread", serialSeconds, serialSeconds / configurations.size(), statusCounts(serial));
    table.addRow("Spark " + sc.master() + ", one task each", sparkSeconds, sparkSeconds / configurations.size(),
        statusCounts(parallel));
    table.addNote(String.format(java.util.Locale.ROOT, "ratio serial / Spark = %.2f (%d task slots, %d rounds)",
        serialSeconds / sparkSeconds, slots, rounds));
    table.addNote("identical rows (status, loss, metrics, iterations) in both runs: " + (identical ? "yes" : "NO"));
    return new Report(configurations.size(), serialSeconds, sparkSeconds, sc.master(), slots, rounds, identical,
        Lapack.describe(), table);
  }

  private static boolean sameResult(SweepRow a, SweepRow b) {
    return a != null && b != null && a.status().equals(b.status()) && Objects.equals(a.loss(), b.loss())
        && a.metrics().equals(b.metrics()) && Objects.equals(a.iterations(), b.iterations());
  }

  private static String statusCounts(Map<String, SweepRow> rows) {
    List<Long> n = new ArrayList<>();
    for (String s : List.of(SweepRow.OK, SweepRow.DIVERGED, SweepRow.FAILED)) {
      n.add(rows.values().stream().filter(r -> r.status().equals(s)).count());
    }
    return n.get(0) + "/" + n.get(1) + "/" + n.get(2);
  }
}
