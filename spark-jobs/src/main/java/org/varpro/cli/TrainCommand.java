package org.varpro.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.varpro.job.Failures;
import org.varpro.job.TrainJob;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code varpro train CONFIG [--set key=value …] [--master URL] [--output DIR]}: fits the model of
 * a run configuration as a Spark job and writes the run folder; {@code varpro train --resume
 * RUN_FOLDER} continues a stopped one from its checkpoint. The work is in {@link TrainJob}.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
        "Trains the model of a run configuration (HOCON: sections job, pde/points/weights, data or "
            + "generated, model, solver) by VarPro as a Spark job, in local mode (local[*]) unless "
            + "a master is given (--master, job.master, or spark-submit's).",
        "",
        "Writes a run folder (job.output or --output; default runs/NAME-yyyyMMdd-HHmmss) with "
            + "model.json, history.csv, summary.json and PNG plots, all or nothing: it is written "
            + "to a hidden temporary folder next to it and moved into place at the end.",
        "",
        "Checkpoints (job.checkpoint-every, job.checkpoint-interval; and when stopped by Ctrl-C, "
            + "SIGTERM or a failure) keep the temporary folder of a stopped run; --resume continues "
            + "it from the last completed iteration and gives the same outputs as an uninterrupted "
            + "run. Classification runs are not checkpointed.",
        "",
        "Exit codes: 0 success, 2 bad input (configuration, data), 1 other failures."},
    exitCodeOnInvalidInput = 2)
public final class TrainCommand implements Callable<Integer> {

  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG",
      description = "Run configuration file (HOCON); not with --resume.")
  Path config;

  @Option(names = "--resume", paramLabel = "RUN_FOLDER",
      description = "Continue a stopped run from its checkpoint: the temporary folder its stop message "
          + "names, or the run folder it was writing. Its stored configuration is used; --set may "
          + "change only job.master, job.spark-ui, job.log-level, job.checkpoint-every, "
          + "job.checkpoint-interval and solver.time-budget (the time so far counts).")
  String resume;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Overrides a configuration value (HOCON syntax, e.g. solver.max-iterations=5 or "
          + "'model.hidden=[32,32]'); repeatable, later ones win.")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (local[4], spark://host:7077, yarn, k8s://…); overrides job.master.")
  String master;

  @Option(names = {"-o", "--output"}, paramLabel = "DIR",
      description = "Run folder to create (overrides job.output).")
  String output;

  @Option(names = "--overwrite", description = "Replace the run folder if it exists.")
  boolean overwrite;

  @Option(names = {"-v", "--verbose"}, description = "Print stack traces of failures.")
  boolean verbose;

  @Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    if ((config == null) == (resume == null)) {
      spec.commandLine().getErr().println("varpro: train needs a CONFIG file or --resume RUN_FOLDER (one of them)");
      return Failures.BAD_INPUT;
    }
    if (resume != null && (output != null || overwrite)) {
      spec.commandLine().getErr().println("varpro: " + (output != null ? "--output" : "--overwrite")
          + ": not with --resume (the run goes where it was going)");
      return Failures.BAD_INPUT;
    }
    TrainJob.Options o = new TrainJob.Options();
    o.config = config;
    o.resume = resume;
    o.overrides = List.copyOf(overrides);
    o.output = output;
    o.master = master;
    o.overwrite = overwrite;
    o.verbose = verbose;
    o.log = spec.commandLine().getErr();
    try {
      TrainJob.Result r = TrainJob.run(o);
      var out = spec.commandLine().getOut();
      out.println("run folder: " + r.runFolder());
      for (Map.Entry<String, Object> e : r.summary().entrySet()) {
        if (e.getValue() instanceof Number || e.getValue() instanceof String && !e.getKey().equals("run_folder")) {
          out.println(e.getKey() + ": " + e.getValue());
        }
      }
      out.flush();
      return Failures.OK;
    } catch (Throwable t) {
      if (Failures.shuttingDown() && !verbose) {
        return Failures.FAILURE;
      }
      return Failures.report(t, spec.commandLine().getErr(), verbose);
    }
  }
}
