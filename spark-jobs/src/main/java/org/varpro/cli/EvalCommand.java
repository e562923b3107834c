package org.varpro.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.varpro.job.EvalJob;
import org.varpro.job.Failures;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code varpro eval RUN_DIR [--data FILE] [--labels FILE] [--output predictions.csv]}: predicts
 * with the model a {@code train} run saved and prints the error figures. The work is in
 * {@link EvalJob}.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
        "Loads RUN_DIR/model.json and predicts: for a PDE model without --data, on the test grid of "
            + "its configuration, printing the relative L2, max and RMS errors against the exact "
            + "solution; with --data FILE, on new raw data (for regression in the training data's "
            + "layout, standardized with the saved statistics, predictions in raw units), printing "
            + "the relative error, RMSE and max error when the data has labels. For a classification "
            + "model: the predicted class and the probability of every class for every row, of its "
            + "test rows without --data (the figures of summary.json) or of a table in the training "
            + "data's layout; accuracy, log-loss and the confusion matrix when the rows have labels "
            + "(a label unseen in training is bad input).",
        "",
        "Exit codes: 0 success, 2 bad input (missing or malformed files), 1 other failures."},
    exitCodeOnInvalidInput = 2)
public final class EvalCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "RUN_DIR", description = "Run folder (or its model.json).")
  String run;

  @Option(names = "--data", paramLabel = "FILE", description = "Raw data to predict on.")
  Path data;

  @Option(names = "--labels", paramLabel = "FILE",
      description = "Labels of --data in a separate, line-aligned file (as data.label-path).")
  Path labels;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write the predictions as CSV (inputs, predictions, and the truth when known); a "
          + "classifier's as Parquet when FILE ends in .parquet.")
  String output;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master for reading Parquet or LibSVM data (default local[*]).")
  String master;

  @Option(names = {"-v", "--verbose"}, description = "Print stack traces of failures.")
  boolean verbose;

  @Spec
  CommandLine.Model.CommandSpec spec;

  /** A figure for the terminal: arrays (per-class figures, the confusion matrix) written out. */
  static String text(Object value) {
    if (value instanceof double[] a) {
      return java.util.Arrays.toString(a);
    }
    if (value instanceof Object[] a) {
      return java.util.Arrays.deepToString(a);
    }
    return String.valueOf(value);
  }

  @Override
  public Integer call() {
    EvalJob.Options o = new EvalJob.Options();
    o.run = run;
    o.data = data;
    o.labels = labels;
    o.output = output;
    o.master = master;
    o.log = spec.commandLine().getErr();
    try {
      EvalJob.Result r = EvalJob.run(o);
      var out = spec.commandLine().getOut();
      out.println("rows: " + r.rows());
      for (Map.Entry<String, Object> e : r.metrics().entrySet()) {
        if (!e.getKey().equals("rows")) {
          out.println(e.getKey() + ": " + text(e.getValue()));
        }
      }
      if (r.predictions() != null) {
        out.println("predictions: " + r.predictions());
      }
      out.flush();
      return Failures.OK;
    } catch (Throwable t) {
      return Failures.report(t, spec.commandLine().getErr(), verbose);
    }
  }
}
