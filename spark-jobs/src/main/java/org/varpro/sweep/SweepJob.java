package org.varpro.sweep;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.varpro.core.linalg.Lapack;
import org.varpro.io.Location;
import org.varpro.job.JobConfig;
import org.varpro.job.LocalFit;
import org.varpro.job.QuietLogs;
import org.varpro.job.SparkHandle;

/**
 * {@code varpro sweep}: every configuration of a sweep as one Spark task, the rows in a table.
 *
 * <ol>
 *   <li>Read the sweep configuration and build and check every configuration (no Spark yet: a
 *       bad key or value fails at once, exit code 2, nothing written).</li>
 *   <li>Open the output folder; the configurations whose rows are already in {@code rows/} (a
 *       rerun after a stop) are skipped.</li>
 *   <li>Run the others as one Spark job (tabular and classification rows read once on the
 *       driver and broadcast); each
 *       row is written to {@code rows/HASH.json} as its task finishes, with a progress line.</li>
 *   <li>Write results.csv, results.parquet, summary.json and the plots.</li>
 * </ol>
 */
public final class SweepJob {
  private SweepJob() {}

  /** What to run. */
  public static final class Options {
    public Path config;
    public List<String> overrides = List.of();
    /** Output folder (overrides sweep.output): a local path or a URI (file://, hdfs://, s3a://…), or null. */
    public String output;
    /** Spark master (overrides job.master and spark-submit's), or null. */
    public String master;
    /** Delete the rows and results of an earlier run of the folder first. */
    public boolean restart;
    /** Only list the configurations. */
    public boolean dryRun;
    public PrintWriter log = new PrintWriter(System.err, true);
    public boolean verbose;
  }

  /**
   * The finished sweep.
   *
   * @param table the result table (null for a dry run)
   * @param summary summary.json's content (null for a dry run)
   */
  public record Result(Location folder, SweepConfig sweep, List<Configuration> configurations,
      Map<String, SweepRow> rows, int ran, int reused, ResultTable table, Map<String, Object> summary) {
    /** "ok 61, diverged 1, failed 2". */
    public String describeStatus() {
      return summary == null ? "" : SweepSummary.describeCounts((Map<?, ?>) summary.get("status"));
    }
  }

  public static Result run(Options o) {
    long start = System.nanoTime();
    PrintWriter log = o.log;
    SweepConfig sweep = SweepConfig.load(o.config, o.overrides, o.output);
    JobConfig base = sweep.baseJob(o.master);
    List<Configuration> configurations = sweep.configurations();
    List<String> columns = sweep.columns();
    List<Configuration> distinct = distinct(configurations);
    log.println("varpro: sweep " + sweep.name() + " → " + sweep.output() + ": " + base.kind().modelKind() + ", "
        + configurations.size() + " configurations (" + distinct.size() + " distinct)");
    log.println("varpro: " + sweep.describe().replace("\n", "\nvarpro: "));
    log.flush();
    if (o.dryRun) {
      return new Result(null, sweep, configurations, Map.of(), 0, 0, null, null);
    }
    String outputKey = o.output != null ? "--output" : "sweep.output";
    SweepFolder folder = SweepFolder.open(sweep.output(), o.restart, outputKey);
    if (!folder.dir().atomicRename()) {
      log.println("varpro: the file system of " + folder.dir() + " has no atomic rename: each file is written in "
          + "place (an object appears whole when its upload completes)");
    }
    SweepFolder.writeJson(folder.dir().child(SweepFolder.MARKER), SweepSummary.header(sweep, columns,
        configurations.size()));

    Map<String, SweepRow> rows = new ConcurrentHashMap<>();
    Map<String, SweepRow> earlier = folder.finishedRows();
    List<Configuration> pending = new ArrayList<>();
    for (Configuration c : distinct) {
      SweepRow r = earlier.get(c.hash());
      if (r != null) {
        rows.put(c.hash(), r);
      } else {
        pending.add(c);
      }
    }
    int reused = distinct.size() - pending.size();
    int stale = (int) earlier.keySet().stream().filter(h -> !rows.containsKey(h)).count();
    if (reused > 0 || stale > 0) {
      log.println("varpro: resuming: " + reused + " of " + distinct.size() + " configurations finished earlier "
          + "(rows/ kept); running " + pending.size()
          + (stale > 0 ? "; " + stale + " rows in rows/ belong to no configuration of this sweep (ignored)" : ""));
    }
    List<String> metricNames = LocalFit.metricNames(base.kind());
    if (!pending.isEmpty()) {
      Progress progress = new Progress(log, distinct.size(), rows.values(), pending.size(), metricNames.get(0));
      try (SparkHandle spark = SparkHandle.open("varpro sweep " + sweep.name(), base.sparkMaster(), base.sparkUi(),
          base.logLevel(), log)) {
        log.println("varpro: " + Lapack.describe() + " on the driver; OPENBLAS_NUM_THREADS="
            + System.getenv("OPENBLAS_NUM_THREADS"));
        Map<String, LocalFit.Rows> loaded = loadRows(spark.spark, pending, o.verbose);
        SweepRunner.run(spark.sc, pending, loaded, (c, row) -> {
          folder.writeRow(c, row);
          rows.put(c.hash(), row);
          progress.finished(c, row);
        });
      } catch (RuntimeException e) {
        folder.discardIfUnused();
        if (!rows.isEmpty()) {
          log.println("varpro: sweep stopped with " + rows.size() + " of " + distinct.size() + " configurations "
              + "finished (their rows are in " + folder.rows() + "); run the same command again to resume");
          log.flush();
        }
        throw e;
      }
    }
    return consolidate(sweep, folder, columns, metricNames, configurations, rows, pending.size(), reused,
        (System.nanoTime() - start) * 1e-9, log);
  }

  /** The configurations with distinct hashes (first occurrence), in index order. */
  public static List<Configuration> distinct(List<Configuration> configurations) {
    Map<String, Configuration> byHash = new LinkedHashMap<>();
    for (Configuration c : configurations) {
      byHash.putIfAbsent(c.hash(), c);
    }
    return new ArrayList<>(byHash.values());
  }

  /**
   * The rows of the tabular and classification configurations among {@code configurations}, read
   * on the driver once per distinct data setting ({@link LocalFit#dataKey}); empty for the other
   * kinds.
   */
  public static Map<String, LocalFit.Rows> loadRows(org.apache.spark.sql.SparkSession spark,
      List<Configuration> configurations, boolean verbose) {
    Map<String, LocalFit.Rows> tabular = new LinkedHashMap<>();
    try (QuietLogs quiet = QuietLogs.unless(verbose)) {
      for (Configuration c : configurations) {
        JobConfig job = taskJob(c);
        String key = LocalFit.dataKey(job);
        if (key != null && !tabular.containsKey(key)) {
          tabular.put(key, LocalFit.load(spark, job));
        }
      }
    }
    return tabular;
  }

  /** The run configuration a task parses (for the driver's own look at it). */
  static JobConfig taskJob(Configuration c) {
    return JobConfig.parse(com.typesafe.config.ConfigFactory.parseString(c.json()), null, "sweep-task", null);
  }

  private static Result consolidate(SweepConfig sweep, SweepFolder folder, List<String> columns,
      List<String> metricNames, List<Configuration> configurations, Map<String, SweepRow> rows, int ran, int reused,
      double seconds, PrintWriter log) {
    List<SweepSummary.Entry> entries = new ArrayList<>();
    for (Configuration c : configurations) {
      entries.add(new SweepSummary.Entry(c, rows.get(c.hash())));
    }
    ResultTable table = ResultTable.of(columns, metricNames, configurations, rows);
    Location dir = folder.dir();
    try {
      dir.child("results.csv").writeStringAtomically(table.csv());
      dir.child("results.parquet").writeAtomically(table::writeParquet);
      List<String> ranked = SweepSummary.rankedMetrics(metricNames, entries);
      List<String> files = new ArrayList<>(List.of("results.csv", "results.parquet", "summary.json"));
      files.addAll(SweepSummary.plots(dir, sweep.name(), columns, ranked.get(0), entries));
      Map<String, Object> summary = SweepSummary.summary(sweep, columns, metricNames, entries, ran, reused, seconds,
          files);
      SweepFolder.writeJson(dir.child("summary.json"), summary);
      log.println("varpro: sweep " + sweep.name() + " done: " + configurations.size() + " configurations ("
          + SweepSummary.describeCounts((Map<?, ?>) summary.get("status")) + "), " + ran + " run now, " + reused + " reused, " + Progress.duration(seconds)
          + "; wrote " + dir);
      log.flush();
      return new Result(dir, sweep, configurations, rows, ran, reused, table, summary);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the sweep results in " + dir + ": " + e, e);
    }
  }
}
