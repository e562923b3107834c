package org.varpro.job;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.varpro.config.ConfigError;
import org.varpro.config.PdeConfig;
import org.varpro.config.StrictConfig;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pde.PdeErrors;
import org.varpro.core.pde.PdeProblem;
import org.varpro.core.pde.PointSet;
import org.varpro.io.Location;
import org.varpro.model.FittedModel;
import org.varpro.model.ModelFile;
import org.varpro.spark.DataError;
import org.varpro.spark.Standardization;
import org.varpro.spark.TabularData;
import org.varpro.spark.TabularSource;

/**
 * {@code varpro eval RUN_DIR [--data FILE] [--labels FILE] [--output predictions.csv]}: loads a
 * run's model.json and predicts.
 *
 * <ul>
 *   <li>PDE model without data: on the configuration's test grid, with the relative L2, max and
 *       RMS errors against the exact solution (the figures of summary.json, reproduced).</li>
 *   <li>PDE model with data: a delimited file with a header naming the PDE variables; a column
 *       {@code u} (or {@code u_exact}), when present, gives the errors.</li>
 *   <li>Regression model: raw data in the training data's layout (format, header, separator,
 *       columns); the saved standardization is applied, predictions are in raw label units. The
 *       labels come from the label columns when the file has them, or from {@code --labels}
 *       (the training's label-path layout); without labels only predictions are written.
 *       Parquet and LibSVM data are read with Spark (labels required).</li>
 *   <li>Classification model: see {@link ClassifyEval}.</li>
 * </ul>
 */
public final class EvalJob {
  private EvalJob() {}

  public static final class Options {
    /** The run folder or its model.json: a local path or a URI (file://, hdfs://, s3a://…). */
    public String run;
    public Path data;
    public Path labels;
    /** Predictions CSV: a local path or a URI. */
    public String output;
    public String master;
    public PrintWriter log = new PrintWriter(System.err, true);
  }

  /** Metrics (empty without a truth to compare to) and the number of predicted rows. */
  public record Result(Map<String, Object> metrics, long rows, Location predictions) {}

  public static Result run(Options o) {
    Location modelFile = modelFile(o.run);
    FittedModel model = ModelFile.read(modelFile);
    Location output = null;
    if (o.output != null) {
      try {
        output = Location.of(o.output);
        if (output.isDirectory() && !PredictionTable.isParquet(output)) {
          throw new ConfigError("--output", o.output + " is a folder; give a file name such as predictions.csv");
        }
      } catch (IOException e) {
        throw new ConfigError("--output", "cannot use " + o.output + ": " + RunFolder.describe(e), e);
      }
    }
    if (o.labels != null && o.data == null) {
      throw new ConfigError("--labels", "needs --data");
    }
    if (model.kind() == FittedModel.Kind.PDE) {
      return o.data == null ? pdeGrid(model, o, output) : pdeData(model, o, output);
    }
    if (model.kind() == FittedModel.Kind.CLASSIFICATION) {
      return ClassifyEval.run(model, o, output);
    }
    if (o.data == null) {
      throw new ConfigError("--data", "a regression model needs data to predict on (--data FILE)");
    }
    return regression(model, o, output);
  }

  /**
   * RUN's model.json (RUN is a run folder or the file itself). Where renames are not atomic a
   * run folder is complete only with its {@value RunFolder#SUCCESS} file.
   */
  private static Location modelFile(String run) {
    try {
      Location where = Location.of(run);
      if (!where.exists()) {
        throw new DataError(run, 0, "no such run folder or model file");
      }
      if (!where.isDirectory()) {
        return where;
      }
      if (!where.atomicRename() && !where.child(RunFolder.SUCCESS).exists()) {
        throw new DataError(run, 0, "an incomplete run folder (no " + RunFolder.SUCCESS + ": the run failed or is "
            + "still writing)");
      }
      return where.child("model.json");
    } catch (IOException e) {
      throw new DataError(run, 0, "cannot read: " + RunFolder.describe(e), e);
    }
  }

  // --- PDE --------------------------------------------------------------------------------------

  private static Result pdeGrid(FittedModel model, Options o, Location output) {
    PdeProblem problem = PdeConfig.parseProblem(model.configAsHocon());
    FeatureMap map = model.featureMap();
    PointSet points = problem.testPoints();
    double[] u = PdeErrors.predict(map, model.theta(), model.c(), points);
    Map<String, Object> metrics = new LinkedHashMap<>();
    PdeErrors.SolutionErrors e = problem.testErrors(map, model.theta(), model.c());
    if (e != null) {
      metrics.put("relative_l2_error", e.relativeL2());
      metrics.put("max_error", e.max());
      metrics.put("rms_error", e.rms());
      metrics.put("test_points", e.points());
    } else {
      o.log.println("varpro: the PDE has no exact solution: predictions only");
    }
    if (output != null) {
      double[] exact = problem.pde().hasExact() ? new double[points.count] : null;
      if (exact != null) {
        double[] p = new double[points.dim];
        for (int i = 0; i < points.count; i++) {
          points.point(i, p);
          exact[i] = problem.pde().exact().value(p);
        }
      }
      writePoints(output, model.inputs(), points, u, exact);
    }
    return new Result(metrics, points.count, output);
  }

  private static Result pdeData(FittedModel model, Options o, Location output) {
    TextTable t = TextTable.read(o.data, true, ",");
    int dim = model.inputs().size();
    double[] x = t.select(model.inputs());
    int m = t.rows.size();
    PointSet points = new PointSet(m, dim, x, null);
    double[] u = PdeErrors.predict(model.featureMap(), model.theta(), model.c(), points);
    String truth = t.index("u") >= 0 ? "u" : t.index("u_exact") >= 0 ? "u_exact" : null;
    Map<String, Object> metrics = new LinkedHashMap<>();
    double[] exact = null;
    if (truth != null) {
      exact = t.select(List.of(truth));
      metrics.putAll(errors(u, exact, m, 1, ""));
    }
    if (output != null) {
      writePoints(output, model.inputs(), points, u, exact);
    }
    return new Result(metrics, m, output);
  }

  private static void writePoints(Location file, List<String> inputs, PointSet points, double[] u, double[] exact) {
    try {
      StringBuilder w = new StringBuilder();
      List<String> header = new ArrayList<>(inputs);
      header.add("u");
      if (exact != null) {
        header.add("u_exact");
        header.add("error");
      }
      w.append(String.join(",", header)).append('\n');
      for (int i = 0; i < points.count; i++) {
        StringBuilder sb = new StringBuilder();
        for (int d = 0; d < points.dim; d++) {
          sb.append(points.get(i, d)).append(',');
        }
        sb.append(u[i]);
        if (exact != null) {
          sb.append(',').append(exact[i]).append(',').append(u[i] - exact[i]);
        }
        w.append(sb.append('\n'));
      }
      file.writeStringAtomically(w.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + RunFolder.describe(e), e);
    }
  }

  // --- regression ---------------------------------------------------------------------------------

  private static Result regression(FittedModel model, Options o, Location output) {
    Standardization std = model.standardization();
    Config config = model.configAsHocon();
    boolean tabular = config.hasPath("data");
    String format = tabular && config.hasPath("data.format") ? config.getString("data.format").trim().toLowerCase(Locale.ROOT) : "csv";
    if (tabular && !(format.equals("csv") || format.equals("text") || format.equals("tsv"))) {
      return regressionWithSpark(model, config, o, output);
    }
    boolean header = tabular ? config.hasPath("data.header") && config.getBoolean("data.header") : true;
    String separator = tabular && config.hasPath("data.separator") ? config.getString("data.separator") : ",";
    TextTable t = TextTable.read(o.data, header, separator);
    List<String> features = List.of(std.featureNames());
    List<String> labels = List.of(std.labelNames());
    int m = t.rows.size();
    int d = features.size();
    int k = labels.size();
    double[] x = t.select(features);
    double[] y = null;
    if (o.labels != null) {
      TextTable lt = TextTable.read(o.labels, header, separator);
      if (lt.rows.size() != m) {
        throw new DataError(o.labels.toString(), 0, "has " + lt.rows.size() + " label rows, but " + o.data
            + " has " + m + " data rows (the label file must be line-aligned with the data)");
      }
      if (lt.columns.size() != k) {
        throw new DataError(o.labels.toString(), 0, "has " + lt.columns.size() + " columns, the model has "
            + k + " output(s) " + labels);
      }
      y = lt.select(lt.columns);
    } else if (labels.stream().allMatch(l -> t.index(l) >= 0)) {
      y = t.select(labels);
    } else if (tabular && config.hasPath("data.label-path")) {
      o.log.println("varpro: no labels (the model was trained with data.label-path; pass --labels FILE "
          + "for error figures): predictions only");
    } else {
      o.log.println("varpro: " + o.data + " has no label column " + labels + ": predictions only");
    }
    double[] pred = model.predict(x, m);
    Map<String, Object> metrics = y == null ? new LinkedHashMap<>() : errors(pred, y, m, k, "");
    if (output != null) {
      writePredictions(output, features, x, labels, pred, y, m);
    }
    return new Result(metrics, m, output);
  }

  /** Parquet and LibSVM: read with Spark (labels required), raw, then the saved standardization. */
  private static Result regressionWithSpark(FittedModel model, Config config, Options o, Location output) {
    Standardization std = model.standardization();
    Map<String, String> options = RegressionSetup.dataOptions(config);
    options.put("path", o.data.toString());
    options.put("standardize", "false");
    options.put("standardize-labels", "false");
    options.put("validation-fraction", "0");
    options.remove("label-path");
    if (o.labels != null) {
      throw new ConfigError("--labels", "applies to csv data only");
    }
    options.put("partitions", "1");
    TabularSource source = TabularSource.fromOptions(options);
    try (SparkHandle spark = SparkHandle.open("varpro eval", o.master, false, JobConfig.DEFAULT_LOG_LEVEL, o.log)) {
      TabularData data;
      try {
        data = source.load(spark.spark);
      } catch (DataError e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new DataError(o.data.toString(), 0, e.getMessage(), e);
      }
      try {
        RowBlock raw = data.collectTraining();
        int m = raw.rows;
        double[] pred = model.predict(raw.x, m);
        int k = raw.outputs;
        Map<String, Object> metrics = errors(pred, raw.y, m, k, "");
        if (output != null) {
          writePredictions(output, List.of(std.featureNames()), raw.x, List.of(std.labelNames()), pred, raw.y, m);
        }
        return new Result(metrics, m, output);
      } finally {
        data.unpersist();
      }
    }
  }

  /** relative_error (‖ŷ − y‖/‖y‖), rmse, max_error, rows over all outputs. */
  static Map<String, Object> errors(double[] pred, double[] truth, int m, int k, String prefix) {
    double se = 0;
    double sy = 0;
    double max = 0;
    for (int i = 0; i < m * k; i++) {
      double e = pred[i] - truth[i];
      se += e * e;
      sy += truth[i] * truth[i];
      max = Math.max(max, Math.abs(e));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put(prefix + "relative_error", Math.sqrt(se / sy));
    out.put(prefix + "rmse", Math.sqrt(se / ((double) m * k)));
    out.put(prefix + "max_error", max);
    out.put(prefix + "rows", m);
    return out;
  }

  private static void writePredictions(Location file, List<String> features, double[] x, List<String> labels,
      double[] pred, double[] y, int m) {
    try {
      StringBuilder w = new StringBuilder();
      List<String> header = new ArrayList<>(features);
      for (String l : labels) {
        header.add(l + "_predicted");
      }
      if (y != null) {
        header.addAll(labels);
      }
      w.append(String.join(",", header)).append('\n');
      for (int i = 0; i < m; i++) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < features.size(); j++) {
          sb.append(x[i + j * m]).append(',');
        }
        for (int j = 0; j < labels.size(); j++) {
          sb.append(j == 0 ? "" : ",").append(pred[i + j * m]);
        }
        if (y != null) {
          for (int j = 0; j < labels.size(); j++) {
            sb.append(',').append(y[i + j * m]);
          }
        }
        w.append(sb.append('\n'));
      }
      file.writeStringAtomically(w.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + RunFolder.describe(e), e);
    }
  }

  static String where(Config c, String key) {
    return StrictConfig.where(c, key);
  }
}
