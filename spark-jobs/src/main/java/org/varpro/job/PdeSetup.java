package org.varpro.job;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.varpro.config.ModelConfig;
import org.varpro.config.PdeConfig;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.pde.PdeErrors;
import org.varpro.core.pde.PdeProblem;
import org.varpro.core.pde.PointSet;
import org.varpro.core.pde.RowGroup;
import org.varpro.core.solver.Evaluator;
import org.varpro.model.FittedModel;
import org.varpro.spark.PdeRowSource;
import org.varpro.spark.SparkEvaluator;
import org.varpro.spark.Standardization;

/**
 * A PINN fit: the collocation rows generated inside the Spark partitions ({@link PdeRowSource}),
 * errors against the exact solution on the held-out test grid.
 */
final class PdeSetup implements TrainingSetup {
  /** Above this many training rows the per-group residuals of the summary are skipped (driver pass). */
  static final long RESIDUAL_ROW_LIMIT = 200_000;

  private final PdeProblem problem;
  private final FeatureMap map;
  private final SparkEvaluator evaluator;
  private final ModelConfig model;

  private PdeSetup(PdeProblem problem, ModelConfig model, FeatureMap map, SparkEvaluator evaluator) {
    this.problem = problem;
    this.model = model;
    this.map = map;
    this.evaluator = evaluator;
  }

  /** The problem and the model of a configuration (no Spark): also what {@code eval} rebuilds. */
  static PdeProblem problem(JobConfig job) {
    return PdeConfig.parseProblem(job.root());
  }

  /** The model section with the PDE box as the default box of the box initialization. */
  static ModelConfig model(com.typesafe.config.Config root, PdeProblem problem) {
    return PdeConfig.parseModel(root, problem);
  }

  static PdeSetup create(JavaSparkContext sc, JobConfig job) {
    PdeProblem problem = problem(job);
    ModelConfig model = model(job.root(), problem);
    FeatureMap map = model.featureMap(problem.pde().dim());
    SparkEvaluator evaluator = PdeRowSource.evaluator(sc, problem, map, job.partitions(problem.totalRows()));
    PdeSetup setup = new PdeSetup(problem, model, map, evaluator);
    // Held-out collocation rows, scored on the driver (the same size as the training rows).
    setup.validation = org.varpro.core.pde.PdeValidation.of(map, PdeConfig.parseValidationProblem(job.root()));
    return setup;
  }

  private org.varpro.core.solver.Validation validation;

  @Override
  public org.varpro.core.solver.Validation validation() {
    return validation;
  }

  PdeProblem problem() {
    return problem;
  }

  ModelConfig model() {
    return model;
  }

  @Override
  public int partitions() {
    return evaluator.partitions();
  }

  @Override
  public String kind() {
    return "pde";
  }

  @Override
  public FeatureMap featureMap() {
    return map;
  }

  @Override
  public Evaluator evaluator() {
    return evaluator;
  }

  @Override
  public List<String> inputNames() {
    return problem.pde().variables();
  }

  @Override
  public List<String> outputNames() {
    return List.of("u");
  }

  @Override
  public Standardization standardization() {
    List<String> in = inputNames();
    return Standardization.identity(in.toArray(new String[0]), new String[] {"u"});
  }

  @Override
  public String describe() {
    return problem.describe() + "\n" + evaluator.rows() + " rows in " + evaluator.partitions()
        + " partitions";
  }

  @Override
  public Map<String, Double> iterationMetrics(double[] theta, double[] c) {
    PdeErrors.SolutionErrors e = problem.testErrors(map, theta, c);
    if (e == null) {
      return Map.of();
    }
    Map<String, Double> m = new LinkedHashMap<>();
    m.put("relative_l2_error", e.relativeL2());
    m.put("max_error", e.max());
    return m;
  }

  @Override
  public String errorMetric() {
    return problem.pde().hasExact() ? "relative_l2_error" : null;
  }

  @Override
  public Map<String, Object> finalMetrics(FittedModel model) {
    double[] theta = model.theta();
    double[] c = model.c();
    Map<String, Object> m = new LinkedHashMap<>();
    PdeErrors.SolutionErrors e = problem.testErrors(map, theta, c);
    if (e != null) {
      m.put("relative_l2_error", e.relativeL2());
      m.put("max_error", e.max());
      m.put("rms_error", e.rms());
      m.put("test_points", e.points());
    } else {
      m.put("relative_l2_error", null);
      m.put("max_error", null);
    }
    if (problem.totalRows() <= RESIDUAL_ROW_LIMIT) {
      PdeErrors.Report r = problem.errors(map, theta, c);
      for (RowGroup g : RowGroup.values()) {
        double v = r.residualRms(g);
        if (!Double.isNaN(v)) {
          m.put("residual_rms_" + g.key(), v);
        }
      }
    }
    m.put("interior_rows", problem.rowCount(RowGroup.INTERIOR));
    m.put("boundary_rows", problem.rowCount(RowGroup.BOUNDARY));
    m.put("initial_rows", problem.rowCount(RowGroup.INITIAL));
    return m;
  }

  @Override
  public Map<String, byte[]> plots(FittedModel model) throws IOException {
    Map<String, byte[]> out = new LinkedHashMap<>();
    if (problem.pde().dim() != 2) {
      return out;
    }
    PointSet points = problem.testPoints();
    double[] u = PdeErrors.predict(map, model.theta(), model.c(), points);
    List<String> v = problem.pde().variables();
    out.put("solution.png", Plots.heatMap("VarPro solution u(" + v.get(0) + ", " + v.get(1) + ")",
        v.get(0), v.get(1), points, u));
    if (problem.pde().hasExact()) {
      double[] err = new double[points.count];
      double[] p = new double[points.dim];
      for (int i = 0; i < points.count; i++) {
        points.point(i, p);
        err[i] = u[i] - problem.pde().exact().value(p);
      }
      out.put("error.png", Plots.heatMap("Error u − u* on the test grid", v.get(0), v.get(1),
          points, err));
    }
    return out;
  }

  @Override
  public void close() {
    evaluator.close();
  }
}
