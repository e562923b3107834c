package org.varpro.job;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.varpro.config.ClassifyConfig;
import org.varpro.config.ConfigError;
import org.varpro.config.ModelConfig;
import org.varpro.core.classify.ClassificationMetrics;
import org.varpro.core.classify.ClassifierModel;
import org.varpro.core.classify.ClassifierOptions;
import org.varpro.core.classify.JvpPerceptron;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverListener;
import org.varpro.core.solver.SolverResult;
import org.varpro.spark.SparkClassifyEvaluator;
import org.varpro.spark.SparkFits;

/**
 * {@code varpro train} for a configuration with a {@code classify} section: GNvpro (DESIGN §2.6)
 * on Spark. The training rows are split into blocks over {@code job.partitions} partitions; the
 * passes run on {@link SparkClassifyEvaluator}; the run folder holds model.json, history.csv,
 * summary.json (accuracy, log-loss, per-class precision and recall on the training and test
 * sets, the confusion matrix), confusion.png and convergence.png, written like a regression run's.
 */
public final class ClassifyJob {
  private ClassifyJob() {}

  /** The parts of a classification run that can be checked without Spark. */
  public record Settings(ClassifyConfig data, ModelConfig model, ClassifierOptions solver) {}

  public static Settings check(JobConfig job) {
    ClassifyConfig data = ClassifyConfig.parse(job.root());
    ModelConfig model = ModelConfig.parse(job.root(), null);
    if (!model.type().equals("perceptron")) {
      throw new ConfigError("model.type", "classification needs a perceptron, got " + model.type());
    }
    if (model.initFrom() != null) {
      throw new ConfigError(InitFrom.KEY, "classification runs (a classify section) cannot start from a saved model");
    }
    return new Settings(data, model, ClassifyConfig.solver(job.root()));
  }

  static TrainJob.Result train(JobConfig job, Settings s, SparkHandle spark, RunFolder folder, PrintWriter log,
      long start) {
    ClassifyData data = ClassifyData.load(s.data(), job, spark.spark);
    try {
      return train(job, s, spark, folder, log, start, data);
    } finally {
      data.release().run();
    }
  }

  private static TrainJob.Result train(JobConfig job, Settings s, SparkHandle spark, RunFolder folder, PrintWriter log,
      long start, ClassifyData data) {
    int classes = data.classes().classes();
    JvpPerceptron net = s.model().classifierNetwork(data.inputs());
    log.println(String.format(Locale.ROOT, "varpro: %s: %d training rows, %d test rows%s, %d inputs, %d classes",
        data.description(), data.train().rows, data.test().rows,
        data.validation() == null ? "" : ", " + data.validation().rows + " validation rows", data.inputs(), classes));
    log.println("varpro: classes " + data.classes());
    log.println("varpro: model " + net.describe() + ", " + net.numParams() + " hidden parameters");
    log.flush();
    SolverListener listener = new SolverListener() {
      @Override
      public void onIteration(IterationRecord r) {
        log.println(String.format(Locale.ROOT,
            "varpro: iteration %4d  %7.2f s  objective %.6e  cross-entropy %.4e  train accuracy %.4f  |g| %.2e"
                + "  mu %.2e  inner %d  cg %d%s",
            r.iteration(), r.seconds(), r.loss(), r.figure("cross_entropy"), r.figure("train_accuracy"), r.gradientNorm(), r.mu(),
            (int) r.figure("inner_iterations"), (int) r.figure("cg_iterations"), r.accepted() ? "" : "  (rejected)"));
        log.flush();
      }
    };
    Fitted fitted = fit(s, data, listener);
    SolverResult result = fitted.result();
    log.println(String.format(Locale.ROOT, "varpro: stopped after %d iterations (%s, %s step), objective %.6e, %.2f s",
        result.iterations(), result.stopReason().name().toLowerCase(Locale.ROOT),
        result.step(), result.loss(), result.seconds()));

    ClassificationMetrics trainMetrics = fitted.train();
    ClassificationMetrics testMetrics = fitted.test();
    ClassificationMetrics validationMetrics = fitted.validation();
    log.println("varpro: train " + trainMetrics.summary());
    if (validationMetrics != null) {
      log.println("varpro: validation " + validationMetrics.summary());
    }
    log.println("varpro: test  " + testMetrics.summary());
    log.flush();

    Map<String, Object> saved = new LinkedHashMap<>();
    saved.put("kind", "classification");
    saved.put("classes", classes);
    saved.put("inputs", data.inputs());
    saved.putAll(data.savedFields());
    saved.put("network", network(s.model()));
    saved.put("lambda", result.lambda());
    saved.put("theta", result.theta());
    saved.put("c", result.c());
    saved.put("configuration", SavedModel.parseObject(JobConfig.toJson(job.root())));
    try {
      folder.writeString("model.json", SavedModel.JSON.writeValueAsString(saved) + "\n");
      folder.writeString("history.csv", history(result.history()));
      folder.write("convergence.png", Plots.classifierConvergence(job.name(), result.history()));
      folder.write("confusion.png", Plots.confusion(job.name() + ": test confusion matrix (rows: true class)",
          testMetrics.confusion()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run outputs: " + RunFolder.describe(e), e);
    }

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("name", job.name());
    summary.put("kind", "classification");
    summary.put("run_folder", folder.target().toString());
    summary.put("data", data.description());
    summary.put("classes", data.classes().labels());
    summary.put("train", metrics(trainMetrics));
    if (validationMetrics != null) {
      summary.put("validation", metrics(validationMetrics));
    }
    summary.put("test", metrics(testMetrics));
    summary.put("objective", result.loss());
    summary.put("iterations", result.iterations());
    summary.put("stop_reason", result.stopReason().name().toLowerCase(Locale.ROOT));
    summary.put("step", result.step());
    summary.put("solver_seconds", result.seconds());
    summary.put("wall_seconds", (System.nanoTime() - start) * 1e-9);
    summary.put("parameters", net.numParams());
    summary.put("model", net.describe());
    summary.putAll(Lapack.summaryFields());
    summary.put("blas_executors", spark.executorBlas(fitted.partitions()));
    summary.put("spark_version", spark.spark.version());
    summary.put("spark_master", spark.master());
    summary.put("partitions", fitted.partitions());
    summary.put("files", List.of("model.json", "history.csv", "summary.json", "convergence.png", "confusion.png"));
    try {
      folder.writeString("summary.json", SavedModel.JSON.writeValueAsString(summary) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run outputs: " + RunFolder.describe(e), e);
    }
    return new TrainJob.Result(folder.target(), null, summary);
  }

  /**
   * A fitted classification run.
   *
   * @param train the metrics on the training rows
   * @param test the metrics on the test rows
   * @param validation the metrics on the validation rows, null without
   * @param partitions the partitions of the training rows
   * @param wallSeconds the fit's wall time (the rows cached on Spark, the solver)
   */
  public record Fitted(JvpPerceptron network, SolverResult result, ClassificationMetrics train,
      ClassificationMetrics test, ClassificationMetrics validation, int partitions, double wallSeconds) {}

  /**
   * GNvpro on Spark from the network's seeded θ₀ over the training blocks, then the metrics on
   * the training, test and validation rows: what {@code train} runs, and {@code bench classify}
   * with it.
   */
  public static Fitted fit(Settings s, ClassifyData data, SolverListener listener) {
    long start = System.nanoTime();
    int classes = data.classes().classes();
    JvpPerceptron net = s.model().classifierNetwork(data.inputs());
    SolverResult result = SparkFits.classification(data.trainBlocks(), net, classes, s.model().seed(), s.solver(),
        listener);
    double wall = (System.nanoTime() - start) * 1e-9;
    ClassifierModel model = ClassifierModel.of(net, result, classes);
    return new Fitted(net, result, model.evaluate(data.train()), model.evaluate(data.test()),
        data.validation() == null ? null : model.evaluate(data.validation()), data.trainBlocks().getNumPartitions(),
        wall);
  }

  private static Map<String, Object> network(ModelConfig m) {
    Map<String, Object> n = new LinkedHashMap<>();
    n.put("hidden", m.hidden());
    n.put("activation", m.activation().name().toLowerCase(Locale.ROOT));
    n.put("bias", m.bias());
    n.put("constant", m.constant());
    n.put("alpha", m.alpha());
    return n;
  }

  private static Map<String, Object> metrics(ClassificationMetrics m) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", m.rows());
    out.put("accuracy", m.accuracy());
    out.put("log_loss", m.logLoss());
    out.put("balanced_accuracy", m.balancedAccuracy());
    out.put("precision", m.precision());
    out.put("recall", m.recall());
    out.put("confusion", m.confusion());
    return out;
  }

  private static String history(List<IterationRecord> history) {
    List<String> lines = new ArrayList<>();
    lines.add("iteration,seconds,objective,cross_entropy,train_accuracy,gradient_norm,mu,step_norm,gain_ratio,"
        + "accepted,rejections,inner_iterations,cg_iterations");
    for (IterationRecord r : history) {
      lines.add(String.format(Locale.ROOT, "%d,%.6f,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%b,%d,%d,%d",
          r.iteration(), r.seconds(), r.loss(), r.figure("cross_entropy"), r.figure("train_accuracy"), r.gradientNorm(), r.mu(),
          r.stepNorm(), r.gainRatio(), r.accepted(), r.rejections(), (int) r.figure("inner_iterations"), (int) r.figure("cg_iterations")));
    }
    return String.join("\n", lines) + "\n";
  }
}
