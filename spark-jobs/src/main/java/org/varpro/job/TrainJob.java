package org.varpro.job;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.varpro.config.ModelConfig;
import org.varpro.config.SolverConfig;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.pde.PdeProblem;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverListener;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.SolverState;
import org.varpro.core.solver.StopReason;
import org.varpro.core.solver.VarProSolver;
import org.varpro.io.Location;
import org.varpro.model.FittedModel;
import org.varpro.model.ModelFile;
import org.varpro.model.Network;
import org.varpro.spark.SparkFits;

/**
 * {@code varpro train}: one VarPro fit as a Spark job, its outputs in a run folder.
 *
 * <ol>
 *   <li>Read the configuration (file + {@code --set} overrides), check every section
 *       (no Spark yet: a bad setting fails in a fraction of a second).</li>
 *   <li>Create the run folder's temporary sibling, start (or join) the Spark session, build the
 *       rows (PDE collocation rows generated in the partitions, tabular data read and
 *       standardized, or generated regression rows) and the Spark evaluator.</li>
 *   <li>Run {@link VarProSolver}: one progress line per iteration, the problem's metric (test or
 *       validation error) recorded in the history.</li>
 *   <li>Write model.json, history.csv, summary.json and the plots, then move the folder into
 *       place atomically. On any failure the temporary folder is deleted, unless it holds a
 *       checkpoint ({@link Checkpoints}): then it is kept and {@code --resume} continues the run
 *       from the last completed iteration ({@link Resume}).</li>
 * </ol>
 */
public final class TrainJob {
  private TrainJob() {}

  /** What to run. */
  public static final class Options {
    public Path config;
    public List<String> overrides = List.of();
    /** Run folder (overrides job.output): a local path or a URI (file://, hdfs://, s3a://…), or null. */
    public String output;
    /** Spark master (overrides job.master and spark-submit's), or null. */
    public String master;
    /** Replace an existing run folder. */
    public boolean overwrite;
    /** Progress lines. */
    public PrintWriter log = new PrintWriter(System.err, true);
    /** Keep Spark's task-failure logs (with stack traces) while the rows are read. */
    public boolean verbose;
    /**
     * A stopped run to continue (its temporary folder or its run folder), or null; then
     * {@link #config} and {@link #output} are not used and {@link #overrides} may change only
     * {@link Resume#CHANGEABLE}.
     */
    public String resume;
  }

  /** The finished run. */
  public record Result(Location runFolder, SolverResult solver, Map<String, Object> summary) {}

  public static Result run(Options o) {
    long start = System.nanoTime();
    PrintWriter log = o.log;
    Resume.Stopped stopped = o.resume == null ? null : Resume.open(o.resume, o.overrides, o.master);
    JobConfig job = stopped != null ? stopped.job()
        : JobConfig.parse(JobConfig.load(o.config, o.overrides), o.config, o.output, o.master);
    if (job.kind() == JobConfig.Kind.CLASSIFY) {
      // Classification: the same run folder life cycle, the work in ClassifyJob.
      ClassifyJob.Settings settings = ClassifyJob.check(job);
      return inRunFolder(o, job, null, (spark, folder) -> ClassifyJob.train(job, settings, spark, folder, log, start));
    }
    SolverOptions solverOptions = SolverConfig.parse(job.root());
    check(job, stopped == null);
    SolverState from = stopped == null ? null : stopped.checkpoint().state();
    return inRunFolder(o, job, stopped,
        (spark, folder) -> train(job, solverOptions, spark, folder, log, start, o.verbose, from));
  }

  /** The fit that fills a run folder, given the Spark session. */
  private interface Fit {
    Result run(SparkHandle spark, RunFolder folder);
  }

  /**
   * Creates the temporary run folder, opens Spark, runs the fit and moves the folder into place;
   * on any failure the temporary folder is deleted and nothing is left behind.
   */
  private static Result inRunFolder(Options o, JobConfig job, Resume.Stopped stopped, Fit fit) {
    PrintWriter log = o.log;
    String outputKey = o.output != null ? "--output" : "job.output";
    try (RunFolder folder = stopped != null
        ? RunFolder.reopen(stopped.dir(), stopped.target(), stopped.checkpoint().overwrite())
        : RunFolder.create(job.output(), o.overwrite, outputKey)) {
      if (stopped != null) {
        // Its checkpoint stays until the run has written its outputs.
        folder.keepWhen(() -> true);
        log.println("varpro: resuming run " + job.name() + " → " + folder.target() + " after iteration "
            + stopped.checkpoint().state().iteration() + " (checkpoint in " + folder.dir() + ")");
      } else {
        log.println("varpro: run " + job.name() + " → " + folder.target() + " (" + folder.mode() + ")");
      }
      log.println("varpro: " + Lapack.describe() + " on the driver");
      log.flush();
      Result r;
      try (SparkHandle spark = SparkHandle.open("varpro train " + job.name(), job.sparkMaster(),
          job.sparkUi(), job.logLevel(), log)) {
        r = fit.run(spark, folder);
      }
      Location done = folder.commit();
      log.println("varpro: wrote " + done);
      log.flush();
      return new Result(done, r.solver(), r.summary());
    }
  }

  /** Every section that can be checked without Spark (the solver section included). */
  public static void check(JobConfig job) {
    if (job.kind() == JobConfig.Kind.CLASSIFY) {
      ClassifyJob.check(job);
      return;
    }
    SolverConfig.parse(job.root());
    check(job, true);
  }

  /**
   * @param initFrom whether to check model.init-from against the model (not for a resumed run,
   *     which starts from its checkpoint)
   */
  private static void check(JobConfig job, boolean initFrom) {
    switch (job.kind()) {
      case PDE -> {
        PdeProblem problem = PdeSetup.problem(job);
        ModelConfig model = PdeSetup.model(job.root(), problem);
        FeatureMap map = featureMap(model, problem.pde().dim());
        if (initFrom) {
          InitFrom.initialParams(model, map, 1);
        }
      }
      case TABULAR -> {
        RegressionSetup.source(job.root(), job.partitionsSetting(), job.blockRows());
        ModelConfig.parse(job.root(), null);
      }
      case GENERATED -> {
        RegressionSetup.Generated g = RegressionSetup.Generated.parse(job.root());
        ModelConfig model = ModelConfig.parse(job.root(), null);
        FeatureMap map = featureMap(model, g.dimension());
        if (initFrom) {
          InitFrom.initialParams(model, map, 1);
        }
      }
      case CLASSIFY -> throw new IllegalStateException("classification runs are checked by ClassifyJob");
    }
  }

  private static FeatureMap featureMap(ModelConfig model, int inputs) {
    try {
      return model.featureMap(inputs);
    } catch (IllegalArgumentException e) {
      throw new ConfigError("model", e.getMessage(), e);
    }
  }

  private static TrainingSetup setup(JobConfig job, SparkHandle spark) {
    return switch (job.kind()) {
      case PDE -> PdeSetup.create(spark.sc, job);
      case TABULAR -> RegressionSetup.tabular(spark.spark, job);
      case GENERATED -> RegressionSetup.generated(spark.sc, job);
      case CLASSIFY -> throw new IllegalStateException("classification runs go through ClassifyJob");
    };
  }

  /** The fit from θ₀ (from == null) or continued from a checkpoint's state. */
  private static Result train(JobConfig job, SolverOptions solverOptions, SparkHandle spark,
      RunFolder folder, PrintWriter log, long start, boolean verbose, SolverState from) {
    TrainingSetup created;
    try (QuietLogs quiet = QuietLogs.unless(verbose)) {
      created = setup(job, spark);
    }
    try (TrainingSetup setup = created) {
      FeatureMap map = setup.featureMap();
      log.println("varpro: " + setup.describe().replace("\n", "\nvarpro: "));
      log.println("varpro: model " + map.describe() + ", n = " + map.numFeatures() + " features");
      log.flush();
      ModelConfig model = job.kind() == JobConfig.Kind.PDE
          ? PdeSetup.model(job.root(), ((PdeSetup) setup).problem())
          : ModelConfig.parse(job.root(), null);
      String metric = setup.errorMetric();
      JsonNode configJson = ModelFile.parse(JobConfig.toJson(job.root()));
      Checkpoints checkpoints = new Checkpoints(folder, job.name(), configJson, job.checkpointEvery(),
          job.checkpointInterval(), log);
      if (from != null) {
        checkpoints.resumedFrom(from);
      }
      folder.keepWhen(checkpoints::saveOnStop);
      int metricsEvery = job.metricsEvery();
      SolverListener listener = new SolverListener() {
        /**
         * The iteration of the next record (the solver asks for metrics once per record); a
         * resumed run counts on from its checkpoint, so its history is the uninterrupted one's.
         */
        private int records = from == null ? 0 : from.iteration();

        @Override
        public Map<String, Double> metrics(double[] theta, double[] c) {
          records++;
          boolean due = metricsEvery > 0 && (records == 1 || records % metricsEvery == 0);
          return due ? setup.iterationMetrics(theta, c) : Map.of();
        }

        @Override
        public void onIteration(IterationRecord r) {
          log.println(progressLine(r, metric));
          log.flush();
        }

        @Override
        public void onCompleted(SolverState state) {
          if (from != null && state.history().size() == from.history().size() + 1) {
            noteReproduction(from, state.lastRecord(), log);
          }
          checkpoints.completed(state, progressLine(state.lastRecord(), metric));
        }
      };
      org.varpro.core.solver.Validation validation = setup.validation();
      SolverResult result;
      if (from == null) {
        double[] theta0 = InitFrom.initialParams(model, map, setup.evaluator().outputs());
        result = SparkFits.regression(setup.evaluator(), theta0, solverOptions, listener, validation);
      } else {
        result = new VarProSolver(solverOptions, listener).resume(setup.evaluator(), from,
            solverOptions.validationEvery() > 0 ? validation : null);
      }
      if (result.iterations() == 0 && result.stopReason() == StopReason.NON_FINITE) {
        throw nonFiniteStart(job, result.loss());
      }
      log.println(String.format(Locale.ROOT, "varpro: stopped after %d iterations (%s), loss %.6e, %.2f s",
          result.iterations(), result.stopReason().name().toLowerCase(Locale.ROOT), result.loss(), result.seconds()));
      log.flush();

      FittedModel fitted = new FittedModel(FittedModel.Kind.parse(setup.kind()), setup.inputNames(),
          setup.outputNames(), Network.of(model, map.inputDim()), result.theta(), result.c(), result.lambda(),
          setup.standardization(), null, configJson.toString());
      Map<String, Object> metrics = setup.finalMetrics(fitted);
      folder.writeString("model.json", ModelFile.toJson(fitted));
      folder.writeString("history.csv", History.csv(result.history()));
      Map<String, byte[]> pngs = new LinkedHashMap<>();
      pngs.put("convergence.png", Plots.convergence(job.name(), result.history(), metric));
      pngs.putAll(setup.plots(fitted));
      for (Map.Entry<String, byte[]> png : pngs.entrySet()) {
        folder.write(png.getKey(), png.getValue());
      }
      List<String> plots = new ArrayList<>(pngs.keySet());

      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("name", job.name());
      summary.put("kind", setup.kind());
      summary.put("run_folder", folder.target().toString());
      summary.put("loss", result.loss());
      summary.putAll(metrics);
      summary.put("iterations", result.iterations());
      summary.put("stop_reason", result.stopReason().name().toLowerCase(Locale.ROOT));
      summary.put("selected_iteration", result.selectedIteration());
      summary.put("validation_score", result.validationScore());
      summary.put("solver_seconds", result.seconds());
      summary.put("wall_seconds", (System.nanoTime() - start) * 1e-9);
      summary.put("lambda", result.lambda());
      summary.put("effective_rank", result.effectiveRank());
      summary.put("features", result.features());
      summary.put("parameters", map.numParams());
      summary.put("rows", setup.evaluator().rows());
      summary.put("outputs", setup.evaluator().outputs());
      summary.put("model", map.describe());
      summary.putAll(Lapack.summaryFields());
      summary.put("blas_executors", spark.executorBlas(setup.partitions()));
      summary.put("spark_version", spark.spark.version());
      summary.put("spark_master", spark.master());
      summary.put("partitions", setup.partitions());
      summary.put("block_rows", job.blockRows());
      summary.put("java_version", System.getProperty("java.version"));
      summary.put("files", withCore(plots));
      summary.put("config", configJson);
      folder.writeString("summary.json", ModelFile.toJson(summary));
      checkpoints.finish();
      return new Result(folder.target(), result, summary);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run outputs: " + RunFolder.describe(e), e);
    }
  }

  /**
   * A loss that is NaN or infinite before the first step: nothing was fitted, so the run fails
   * (exit 2, no run folder) with the likely cause for the problem's kind.
   */
  static ConfigError nonFiniteStart(JobConfig job, double loss) {
    String start = "the loss is " + loss + " at the start, before any iteration: ";
    return switch (job.kind()) {
      case PDE -> new ConfigError("pde", start + "an expression (source, boundary or initial values, coefficients) "
          + "is not finite at some collocation point (a division by zero, the square root or logarithm of a "
          + "negative number on the domain?), or the model's initial scale overflows");
      case TABULAR -> new ConfigError("data", start + "the data has values too large for double arithmetic "
          + "(labels near 1e154 or above square to infinity: set data.standardize-labels = true, or rescale)");
      case GENERATED -> new ConfigError("generated", start + "the generated rows or the model's initial "
          + "scale overflow");
      case CLASSIFY -> throw new IllegalStateException("classification runs go through ClassifyJob");
    };
  }

  /**
   * The first iteration after a resume starts at the checkpoint's iterate, recomputed: its loss
   * is the checkpoint's bit for bit unless the rows or the arithmetic differ (another BLAS,
   * another number of partitions). Then the run goes on, but says it will not repeat the
   * uninterrupted run exactly.
   */
  private static void noteReproduction(SolverState from, IterationRecord first, PrintWriter log) {
    if (Double.compare(first.loss(), from.loss()) != 0) {
      log.println(String.format(Locale.ROOT, "varpro: note: the loss at the checkpoint's iterate recomputes to %s, "
          + "not %s (another BLAS?): the run continues, but not bit for bit as the uninterrupted run would have",
          first.loss(), from.loss()));
    }
  }

  private static List<String> withCore(List<String> plots) {
    List<String> files = new ArrayList<>(List.of("model.json", "history.csv", "summary.json"));
    files.addAll(plots);
    return files;
  }

  /** "iter 12  loss 1.234567e-06  |g| …": one line per iteration. */
  static String progressLine(IterationRecord r, String metric) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "varpro: iter %4d  loss %.6e  |g| %.3e  mu %.3e  lambda %.2e  step %.3e  %s  %7.2f s",
        r.iteration(), r.loss(), r.gradientNorm(), r.mu(), r.lambda(), r.stepNorm(),
        r.accepted() ? "accepted" : "rejected", r.seconds()));
    if (r.rejections() > 0) {
      sb.append(String.format(Locale.ROOT, "  (%d rejected)", r.rejections()));
    }
    if (metric != null && r.extra() != null && r.extra().get(metric) != null) {
      sb.append(String.format(Locale.ROOT, "  %s %.3e", metric, r.extra().get(metric)));
    }
    return sb.toString();
  }
}
