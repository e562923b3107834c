package org.varpro.job;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.spark.sql.SparkSession;
import org.varpro.config.ConfigError;
import org.varpro.config.ModelConfig;
import org.varpro.config.PdeConfig;
import org.varpro.config.SolverConfig;
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
 * the same iterates, loss and error figures.
 */
public final class LocalFit {
  private LocalFit() {}

  /** The metrics a fit reports, by problem kind (null when the problem has no such figure). */
  public static List<String> metricNames(JobConfig.Kind kind) {
    return kind == JobConfig.Kind.PDE ? List.of("relative_l2_error", "max_error")
        : List.of("validation_relative_error", "validation_rmse", "training_relative_error");
  }

  /**
   * Tabular rows loaded on the driver, partition by partition (what a sweep broadcasts to its
   * tasks).
   */
  public record TabularRows(RowBlock[][] training, RowBlock[][] validation, Standardization standardization,
      int inputs) implements Serializable {}

  /** The fitted model and its metrics ({@link #metricNames}). */
  public record Outcome(SolverResult solver, Map<String, Double> metrics) {}

  /**
   * What identifies a tabular configuration's rows (the data section, partitions and block
   * size): configurations with equal keys share one load. Null for the other kinds.
   */
  public static String dataKey(JobConfig job) {
    if (job.kind() != JobConfig.Kind.TABULAR) {
      return null;
    }
    return JobConfig.toJson(job.root().getConfig("data")) + " partitions=" + job.partitionsSetting()
        + " block-rows=" + job.blockRows();
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
  public static Outcome fit(JobConfig job, TabularRows tabular, Runnable checkpoint) {
    SolverOptions options = SolverConfig.parse(job.root());
    return switch (job.kind()) {
      case CLASSIFY -> throw new ConfigError("classify", "sweeps of classification runs are not supported");
      case PDE -> fitPde(job, options, checkpoint);
      case TABULAR -> {
        if (tabular == null) {
          throw new IllegalArgumentException("a tabular configuration needs its rows loaded");
        }
        ModelConfig model = ModelConfig.parse(job.root(), null);
        yield fitRegression(model, model.featureMap(tabular.inputs()), tabular.training(), tabular.validation(),
            tabular.standardization(), options, checkpoint);
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
            Standardization.identity(g.featureNames(), new String[] {"y"}), options, checkpoint);
      }
    };
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
    Validation validation = options.validationEvery > 0
        ? PdeValidation.of(map, PdeConfig.parseValidationProblem(job.root())) : null;
    SolverResult r = new VarProSolver(options).solve(checked(PartitionedEvaluator.redrawable(map, rounds), checkpoint),
        InitFrom.initialParams(model, map, 1), validation);
    checkpoint.run();
    Map<String, Double> metrics = new LinkedHashMap<>();
    PdeErrors.SolutionErrors e = problem.testErrors(map, r.theta(), r.c());
    metrics.put("relative_l2_error", e == null ? null : e.relativeL2());
    metrics.put("max_error", e == null ? null : e.max());
    return new Outcome(r, metrics);
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
    return new Outcome(r, metrics);
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
