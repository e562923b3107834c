package org.varpro.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.varpro.job.Failures;
import org.varpro.sweep.Configuration;
import org.varpro.sweep.SweepJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code varpro sweep CONFIG [--set key=value …] [--master URL] [--output DIR]}: runs every
 * configuration of a sweep as one Spark task and writes the result table. The work is in
 * {@link SweepJob}.
 */
@Command(
    name = "sweep",
    mixinStandardHelpOptions = true,
    description = {
        "Runs a hyperparameter sweep: a run configuration plus a sweep section (grid axes, random "
            + "axes drawn uniform, log-uniform or from a choice, single cases; see conf/heat-sweep.conf). "
            + "Each configuration is one Spark task running the single-process solver "
            + "(single-threaded BLAS); local mode (local[*]) unless a master is given.",
        "",
        "Writes to the output folder (sweep.output or --output; default runs/NAME): rows/HASH.json as each "
            + "configuration finishes, then results.csv and results.parquet (one row per configuration: "
            + "values, status ok/diverged/failed, error, loss, error figures, iterations, seconds, "
            + "executor), summary.json (best configurations per metric) and plots/*.png. Running the same "
            + "sweep into the same folder again skips the configurations already finished.",
        "",
        "Exit codes: 0 success (failed configurations included), 2 bad input, 1 other failures."},
    exitCodeOnInvalidInput = 2)
public final class SweepCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "CONFIG", description = "Sweep configuration file (HOCON).")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Overrides a value of the base configuration or of the sweep section (HOCON), "
          + "e.g. solver.max-iterations=50; repeatable, later ones win.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (local[2], spark://host:7077, yarn, …); overrides job.master.")
  String master;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR", description = "Output folder (overrides sweep.output).")
  String output;

  @Option(names = "--restart", description = "Delete the rows and results of an earlier run in the output "
      + "folder and run every configuration again.")
  boolean restart;

  @Option(names = "--dry-run", description = "List the configurations and exit.")
  boolean dryRun;

  @Option(names = {"-v", "--verbose"}, description = "Print stack traces of failures.")
  boolean verbose;

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    SweepJob.Options o = new SweepJob.Options();
    o.config = config;
    o.overrides = List.copyOf(overrides);
    o.output = output;
    o.master = master;
    o.restart = restart;
    o.dryRun = dryRun;
    o.verbose = verbose;
    o.log = spec.commandLine().getErr();
    try {
      SweepJob.Result r = SweepJob.run(o);
      PrintWriter out = spec.commandLine().getOut();
      if (dryRun) {
        for (Configuration c : r.configurations()) {
          out.println("#" + c.index() + " " + c.hash() + "  " + c.describe()
              + (Double.isInfinite(c.timeLimit()) ? "" : "  (time limit " + c.timeLimit() + " s)"));
        }
        out.flush();
        return Failures.OK;
      }
      out.println("sweep folder: " + r.folder());
      Map<String, Object> s = r.summary();
      out.println("configurations: " + s.get("configurations") + " (" + r.describeStatus() + "), ran " + r.ran()
          + ", reused " + r.reused());
      String metric = String.valueOf(s.get("main_metric"));
      Object best = ((Map<?, ?>) s.get("best")).get(metric);
      out.println("best by " + metric + ":");
      if (best instanceof List<?> list) {
        for (Object b : list) {
          Map<?, ?> m = (Map<?, ?>) b;
          out.println(String.format(java.util.Locale.ROOT, "  #%s  %s %.6e  %s", m.get("index"), metric,
              ((Number) m.get(metric)).doubleValue(),
              String.join(" ", ((List<?>) m.get("overrides")).stream().map(String::valueOf).toList())));
        }
      }
      if (s.get("train_command") != null) {
        out.println("rerun the best: " + s.get("train_command"));
      }
      out.flush();
      return Failures.OK;
    } catch (Throwable t) {
      return Failures.report(t, spec.commandLine().getErr(), verbose);
    }
  }
}
