package org.varpro.job;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.spark.sql.SparkSession;
import org.varpro.config.ModelConfig;
import org.varpro.config.PdeConfig;
import org.varpro.config.SolverConfig;
import org.varpro.core.classify.ClassificationMetrics;
import org.varpro.core.classify.ClassifierModel;
import org.varpro.core.classify.ClassifierOptions;
import org.varpro.core.classify.ClassifierSolver;
import org.varpro.core.classify.ClassifyEvaluator;
import org.varpro.core.classify.CurvatureSample;
import org.varpro.core.classify.GaussNewtonStats;
import org.varpro.core.classify.JvpPerceptron;
import org.varpro.core.classify.LocalClassifyEvaluator;
import org.varpro.core.classify.ParamVectorStats;
import org.varpro.core.classify.SoftmaxStats;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pde.PdeErrors;
import org.varpro.core.pde.PdeProblem;
import org.varpro.core.pde.PdeValidation;
import org.varpro.core.solver.Evaluator;
import org.varpro.core.solver.ForwardingEvaluator;
import org.varpro.core.solver.PartitionedEvaluator;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.StopReason;
import org.varpro.core.solver.Validation;
import org.varpro.core.solver.VarProSolver;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.StatsKind;
import org.varpro.spark.GeneratedSource;
import org.varpro.spark.Standardization;
import org.varpro.spark.TabularData;

/**
 * One run configuration fitted in a single thread, without Spark: what a sweep task runs. The
 * rows are split into the same {@code job.partitions} partitions as in {@code train} (PDE rows
 * generated per partition from (seed, j, P), generated regression rows likewise, tabular rows
 * as Spark partitioned them when they were loaded), and {@link PartitionedEvaluator} folds and
 * merges them with the Spark evaluator's own functions and order. So, with the same BLAS thread
 * count, a fit here reproduces the {@code train} run of the same configuration bit for bit:
 * the same iterates, loss and error figures. A classification configuration likewise folds the
 * training blocks in the partitions {@code train} gave them ({@link LocalClassifyEvaluator#partitioned}).
 */
public final class LocalFit {
  private LocalFit() {}

  /**
   * The metrics a fit reports, by problem kind (null when the problem has no such figure), the
   * main one first. Classification reports accuracy (higher is better, see
   * {@link #higherIsBetter}) and log-loss on the test and training rows.
   */
  public static List<String> metricNames(JobConfig.Kind kind) {
    return switch (kind) {
      case PDE -> List.of("relative_l2_error", "max_error");
      case CLASSIFY -> List.of("test_log_loss", "test_accuracy", "train_log_loss", "train_accuracy");
      case TABULAR, GENERATED -> List.of("validation_relative_error", "validation_rmse", "training_relative_error");
    };
  }

  /** Whether a larger value of the metric is better (accuracies); lower is better for the others. */
  public static boolean higherIsBetter(String metric) {
    return metric.endsWith("accuracy");
  }

  /** Rows loaded once on the driver and shared by a sweep's tasks (a broadcast). */
  public sealed interface Rows extends Serializable permits TabularRows, ClassifyRows {}

  /**
   * Tabular rows loaded on the driver, partition by partition (what a sweep broadcasts to its
   * tasks).
   */
  public record TabularRows(RowBlock[][] training, RowBlock[][] validation, Standardization standardization,
      int inputs) implements Rows {}

  /**
   * Labelled rows of a classification configuration: the training blocks partition by partition
   * as {@code train} fits them ({@link ClassifyData#trainBlocks}), and the training and test
   * rows the metrics are computed on.
   */
  public record ClassifyRows(RowBlock[][] training, RowBlock trainRows, RowBlock testRows, int classes,
      int inputs) implements Rows {}

  /**
   * How a fit ended and its metrics ({@link #metricNames}).
   *
   * @param loss the solver's final objective
   * @param seconds the solver's time
   */
  public record Outcome(StopReason stopReason, double loss, int iterations, double seconds,
      Map<String, Double> metrics) {
    static Outcome of(SolverResult r, Map<String, Double> metrics) {
      return new Outcome(r.stopReason(), r.loss(), r.iterations(), r.seconds(), metrics);
    }
  }

  /**
   * What identifies a configuration's loaded rows (the data or classify section, partitions and
   * block size): configurations with equal keys share one load. Null for the kinds whose rows a
   * task makes itself (PDE, generated).
   */
  public static String dataKey(JobConfig job) {
    String section = switch (job.kind()) {
      case TABULAR -> "data";
      case CLASSIFY -> "classify";
      case PDE, GENERATED -> null;
    };
    if (section == null) {
      return null;
    }
    return JobConfig.toJson(job.root().getConfig(section)) + " partitions=" + job.partitionsSetting()
        + " block-rows=" + job.blockRows();
  }

  /** The rows of a configuration with a {@link #dataKey}: tabular or classification. */
  public static Rows load(SparkSession spark, JobConfig job) {
    return job.kind() == JobConfig.Kind.CLASSIFY ? loadClassify(spark, job) : loadTabular(spark, job);
  }

  /** Reads, standardizes and splits the data of a tabular configuration, as {@code train} does. */
  public static TabularRows loadTabular(SparkSession spark, JobConfig job) {
    TabularData data = RegressionSetup.load(spark, job);
    try {
      return new TabularRows(partitions(data.training().glom().collect()),
          partitions(data.validation().glom().collect()), data.standardization(), data.inputs());
    } finally {
      data.unpersist();
    }
  }

  /** Reads and splits the labelled rows of a classification configuration, as {@code train} does. */
  public static ClassifyRows loadClassify(SparkSession spark, JobConfig job) {
    ClassifyData data = ClassifyData.load(ClassifyJob.check(job).data(), job, spark);
    try {
      return new ClassifyRows(partitions(data.trainBlocks().glom().collect()), data.train(), data.test(),
          data.classes().classes(), data.inputs());
    } finally {
      data.release().run();
    }
  }

  private static RowBlock[][] partitions(List<List<RowBlock>> glommed) {
    RowBlock[][] out = new RowBlock[glommed.size()][];
    for (int j = 0; j < out.length; j++) {
      out[j] = glommed.get(j).toArray(new RowBlock[0]);
    }
    return out;
  }

  /**
   * Fits the configuration.
   *
   * @param tabular the rows of a tabular configuration ({@link #loadTabular}), else ignored
   * @param checkpoint called before every pass over the rows and between partitions while rows
   *     are generated; it may throw to abandon the fit (a time limit)
   */
  public static Outcome fit(JobConfig job, Rows loaded, Runnable checkpoint) {
    return switch (job.kind()) {
      case CLASSIFY -> fitClassify(job, (ClassifyRows) required(loaded), checkpoint);
      case PDE -> fitPde(job, SolverConfig.parse(job.root()), checkpoint);
      case TABULAR -> {
        TabularRows tabular = (TabularRows) required(loaded);
        ModelConfig model = ModelConfig.parse(job.root(), null);
        yield fitRegression(model, model.featureMap(tabular.inputs()), tabular.training(), tabular.validation(),
            tabular.standardization(), SolverConfig.parse(job.root()), checkpoint);
      }
      case GENERATED -> {
        RegressionSetup.Generated g = RegressionSetup.Generated.parse(job.root());
        ModelConfig model = ModelConfig.parse(job.root(), null);
        // The partitions train makes (RegressionSetup.generated): the training rows' count for both.
        int parts = job.partitions(g.rows());
        RowBlock[][] training = new RowBlock[parts][];
        RowBlock[][] validation = new RowBlock[g.validationRows() == 0 ? 0 : parts][];
        for (int j = 0; j < parts; j++) {
          checkpoint.run();
          training[j] = GeneratedSource.partition(g.seed(), g.dimension(), g.rows(), j, parts,
              job.blockRows());
          if (validation.length > 0) {
            validation[j] = GeneratedSource.partition(g.validationSeed(), g.dimension(), g.validationRows(), j,
                parts, job.blockRows());
          }
        }
        yield fitRegression(model, model.featureMap(g.dimension()), training, validation,
            Standardization.identity(g.featureNames(), new String[] {"y"}), SolverConfig.parse(job.root()),
            checkpoint);
      }
    };
  }

  private static Rows required(Rows loaded) {
    if (loaded == null) {
      throw new IllegalArgumentException("a tabular or classification configuration needs its rows loaded");
    }
    return loaded;
  }

  /**
   * GNvpro on the partitions {@code train} had, folded and merged as its Spark evaluator does
   * ({@link LocalClassifyEvaluator#partitioned}), from the same seeded θ₀: the same iterates, and
   * the metrics {@link ClassifyJob} reports computed the same way.
   */
  private static Outcome fitClassify(JobConfig job, ClassifyRows rows, Runnable checkpoint) {
    ClassifyJob.Settings s = ClassifyJob.check(job);
    JvpPerceptron net = s.model().classifierNetwork(rows.inputs());
    LocalClassifyEvaluator all = LocalClassifyEvaluator.partitioned(net, rows.classes(), rows.training());
    ClassifyEvaluator evaluator = checked(all, checkpoint);
    // The matrix-free step's sample, partition by partition as SparkFits draws it.
    double fraction = CurvatureSample.fraction(s.solver(), net.numParams(), all.rows());
    ClassifyEvaluator curvature = evaluator;
    if (fraction < 1) {
      RowBlock[][] sample =
          CurvatureSample.partitions(rows.training(), fraction, s.solver().get(ClassifierOptions.CURVATURE_SEED));
      if (Arrays.stream(sample).allMatch(p -> p.length == 0)) {
        throw new IllegalArgumentException(CurvatureSample.emptyMessage(fraction, all.rows()));
      }
      curvature = checked(LocalClassifyEvaluator.partitioned(net, rows.classes(), sample), checkpoint);
    }
    SolverResult r = new ClassifierSolver(s.solver()).solve(evaluator, curvature, net.initialParams(s.model().seed()),
        null);
    checkpoint.run();
    ClassifierModel model = ClassifierModel.of(net, r, rows.classes());
    ClassificationMetrics test = model.evaluate(rows.testRows());
    ClassificationMetrics train = model.evaluate(rows.trainRows());
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("test_log_loss", test.logLoss());
    metrics.put("test_accuracy", test.accuracy());
    metrics.put("train_log_loss", train.logLoss());
    metrics.put("train_accuracy", train.accuracy());
    return new Outcome(r.stopReason(), r.loss(), r.iterations(), r.seconds(), metrics);
  }

  private static Outcome fitPde(JobConfig job, SolverOptions options, Runnable checkpoint) {
    PdeProblem problem = PdeSetup.problem(job);
    ModelConfig model = PdeSetup.model(job.root(), problem);
    FeatureMap map = model.featureMap(problem.pde().dim());
    int p = job.partitions(problem.totalRows());
    // The partitions train's PdeRowSource makes, for any round of redrawn points.
    IntFunction<RowBlock[][]> rounds = round -> {
      PdeProblem drawn = problem.round(round);
      RowBlock[][] rows = new RowBlock[p][];
      for (int j = 0; j < p; j++) {
        checkpoint.run();
        rows[j] = drawn.trainingRows(j, p).all();
      }
      return rows;
    };
    Validation validation = options.validationEvery() > 0
        ? PdeValidation.of(map, PdeConfig.parseValidationProblem(job.root())) : null;
    SolverResult r = new VarProSolver(options).solve(checked(PartitionedEvaluator.redrawable(map, rounds), checkpoint),
        InitFrom.initialParams(model, map, 1), validation);
    checkpoint.run();
    Map<String, Double> metrics = new LinkedHashMap<>();
    PdeErrors.SolutionErrors e = problem.testErrors(map, r.theta(), r.c());
    metrics.put("relative_l2_error", e == null ? null : e.relativeL2());
    metrics.put("max_error", e == null ? null : e.max());
    return Outcome.of(r, metrics);
  }

  private static Outcome fitRegression(ModelConfig model, FeatureMap map, RowBlock[][] training,
      RowBlock[][] validation, Standardization std, SolverOptions options, Runnable checkpoint) {
    Evaluator evaluator = checked(new PartitionedEvaluator(map, training), checkpoint);
    SolverResult r = new VarProSolver(options).solve(evaluator, InitFrom.initialParams(model, map, evaluator.outputs()),
        null);
    checkpoint.run();
    Map<String, Double> metrics = new LinkedHashMap<>();
    boolean anyValidation = false;
    for (RowBlock[] part : validation) {
      anyValidation |= part.length > 0;
    }
    if (anyValidation) {
      RegressionMetrics.Sums v = RegressionMetrics.sums(validation, map, r.theta(), r.c(), std);
      metrics.put("validation_relative_error", v.relativeError());
      metrics.put("validation_rmse", v.rmse());
    } else {
      metrics.put("validation_relative_error", null);
      metrics.put("validation_rmse", null);
    }
    metrics.put("training_relative_error",
        RegressionMetrics.sums(training, map, r.theta(), r.c(), std).relativeError());
    return Outcome.of(r, metrics);
  }

  /** The classification evaluator with {@code checkpoint} run before every pass. */
  private static ClassifyEvaluator checked(ClassifyEvaluator inner, Runnable checkpoint) {
    return new ClassifyEvaluator() {
      @Override
      public FeatureMap featureMap() {
        return inner.featureMap();
      }

      @Override
      public int classes() {
        return inner.classes();
      }

      @Override
      public long rows() {
        return inner.rows();
      }

      @Override
      public SoftmaxStats softmax(double[] theta, double[] c, SoftmaxStats.Level level) {
        checkpoint.run();
        return inner.softmax(theta, c, level);
      }

      @Override
      public GaussNewtonStats gaussNewton(double[] theta, double[] c, StatsKind kind) {
        checkpoint.run();
        return inner.gaussNewton(theta, c, kind);
      }

      @Override
      public ParamVectorStats gradient(double[] theta, double[] c) {
        checkpoint.run();
        return inner.gradient(theta, c);
      }

      @Override
      public ParamVectorStats product(double[] theta, double[] c, double[] v) {
        checkpoint.run();
        return inner.product(theta, c, v);
      }
    };
  }

  /** The evaluator with {@code checkpoint} run before every pass. */
  private static Evaluator checked(Evaluator inner, Runnable checkpoint) {
    return new ForwardingEvaluator(inner) {
      @Override
      public ProjectionStats project(double[] theta, StatsKind kind) {
        checkpoint.run();
        return super.project(theta, kind);
      }

      @Override
      public JacobianStats jacobian(double[] theta, double[] c, double lambda, double[] thetaPrevious,
          StatsKind kind, boolean golubPereyra) {
        checkpoint.run();
        return super.jacobian(theta, c, lambda, thetaPrevious, kind, golubPereyra);
      }
    };
  }
}
