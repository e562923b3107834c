package org.varpro.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.varpro.config.ConfigError;
import org.varpro.config.ModelConfig;
import org.varpro.config.PdeConfig;
import org.varpro.config.SolverConfig;
import org.varpro.core.baseline.Adam;
import org.varpro.core.baseline.BaselineResult;
import org.varpro.core.baseline.Elm;
import org.varpro.core.baseline.FullProblem;
import org.varpro.core.baseline.Lbfgs;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pde.Box;
import org.varpro.core.pde.PdeErrors;
import org.varpro.core.pde.PdeProblem;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverListener;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.VarProSolver;

/**
 * PINN benchmark (DESIGN §4): a PDE configuration (conf/heat.conf, conf/poisson.conf, …) solved
 * by VarPro-LM with the configuration's solver settings, then by Adam, L-BFGS (both on all
 * parameters (θ, C) from C = 0) and ELM (θ frozen) on the same rows, from the same initial θ, for
 * the same wall time as VarPro took. Errors are measured on the held-out test grid against the
 * exact solution.
 */
public final class PdeBench {
  private PdeBench() {}

  /** Knobs beyond the configuration file. */
  public static final class Options {
    /** Overrides of the configuration, HOCON syntax ("solver.time-budget = 10"). */
    public List<String> overrides = List.of();
    /** Run the baselines too. */
    public boolean baselines = true;
    /** Record the test error every this many iterations (0: never). */
    public int errorEvery = 25;
    public List<Double> adamLearningRates = List.of(1e-3, 1e-2);
    /** Report the first recorded iteration whose test error is at or below this (0: none). */
    public double target = 0;
    public Consumer<String> progress = s -> {};
  }

  /** Everything one run produced, for printing and JSON. */
  public record Report(BenchTable table, Map<String, Object> summary) {}

  public static Config load(Path file, List<String> overrides) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigError("config", "file not found: " + file);
    }
    Config base = ConfigFactory.parseFile(file.toFile());
    Config over = ConfigFactory.parseString(String.join("\n", overrides));
    return over.withFallback(base).resolve();
  }

  public static Report run(Path configFile, Options options) {
    Config root = load(configFile, options.overrides);
    PdeProblem problem = PdeConfig.parseProblem(root);
    Box box = problem.pde().box();
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (int d = 0; d < box.dim(); d++) {
      lo = Math.min(lo, box.lower(d));
      hi = Math.max(hi, box.upper(d));
    }
    ModelConfig model = ModelConfig.parse(root, new double[] {lo, hi});
    SolverOptions solverOptions = SolverConfig.parse(root);
    FeatureMap map = model.featureMap(problem.pde().dim());
    double[] theta0 = map.initialParams(model.seed());
    RowBlock[] blocks = problem.trainingBlocks();
    options.progress.accept(Lapack.describe());
    options.progress.accept(problem.describe());
    options.progress.accept(map.describe());

    List<Map<String, Object>> errorTrace = new ArrayList<>();
    SolverListener listener = new SolverListener() {
      private int calls;

      /** The test error every errorEvery iterations (one forward pass over the test grid). */
      @Override
      public Map<String, Double> metrics(double[] theta, double[] c) {
        boolean due = options.errorEvery > 0 && calls++ % options.errorEvery == 0;
        return due ? Map.of("relative_l2_error", problem.testErrors(map, theta, c).relativeL2()) : Map.of();
      }

      @Override
      public void onIteration(IterationRecord r) {
        Double error = r.extra().get("relative_l2_error");
        if (error != null) {
          Map<String, Object> point = new LinkedHashMap<>();
          point.put("iteration", r.iteration());
          point.put("seconds", r.seconds());
          point.put("loss", r.loss());
          point.put("relative_l2_error", error);
          errorTrace.add(point);
          options.progress.accept(String.format(
              "  iteration %5d  %7.2f s  loss %.3e  |g| %.2e  mu %.2e  lambda %.1e  error %.3e",
              r.iteration(), r.seconds(), r.loss(), r.gradientNorm(), r.mu(), r.lambda(), error));
        }
      }
    };
    VarProSolver solver = new VarProSolver(solverOptions, listener);
    org.varpro.core.solver.Validation validation = solverOptions.validationEvery > 0
        ? org.varpro.core.pde.PdeValidation.of(map, PdeConfig.parseValidationProblem(root)) : null;
    SolverResult vp = solver.solve(problem.localEvaluator(map), theta0, validation);
    PdeErrors.Report vpErrors = problem.errors(map, vp.theta(), vp.c());
    double budget = vp.seconds();

    BenchTable table = new BenchTable(configFile.getFileName() + ": " + problem.pde().describe()
        + ", " + map.describe() + ", " + problem.totalRows() + " rows, budget " + String.format("%.1f", budget) + " s",
        BenchTable.Column.text("method"),
        BenchTable.Column.number("iterations", "%d"),
        BenchTable.Column.number("seconds", "%.2f"),
        BenchTable.Column.number("loss", "%.3e"),
        BenchTable.Column.number("relative_l2_error", "%.3e"),
        BenchTable.Column.number("max_error", "%.3e"),
        BenchTable.Column.text("stop"));
    table.addRow("varpro-lm", vp.iterations(), vp.seconds(), vp.loss(),
        vpErrors.solution().relativeL2(), vpErrors.solution().max(), vp.stopReason().name().toLowerCase());

    List<Map<String, Object>> baselineRows = new ArrayList<>();
    if (options.baselines) {
      FullProblem full = new FullProblem(map, blocks, 0);
      double[] c0 = Adam.zeroOutputs(full);
      for (double lr : options.adamLearningRates) {
        BaselineResult r = new Adam().learningRate(lr).timeBudgetSeconds(budget)
            .maxIterations(Integer.MAX_VALUE).minimize(full, theta0, c0);
        addBaseline(table, baselineRows, problem, map, r);
        options.progress.accept("  " + r.name() + " done");
      }
      BaselineResult lb = new Lbfgs().timeBudgetSeconds(budget).maxIterations(Integer.MAX_VALUE)
          .minimize(full, theta0, c0);
      addBaseline(table, baselineRows, problem, map, lb);
      BaselineResult elm = Elm.fit(map, blocks, theta0, solverOptions.lambda);
      addBaseline(table, baselineRows, problem, map, elm);
    }

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("config", configFile.toString());
    summary.put("relative_l2_error", vpErrors.solution().relativeL2());
    summary.put("max_error", vpErrors.solution().max());
    summary.put("wall_seconds", vp.seconds());
    summary.put("iterations", vp.iterations());
    summary.put("final_loss", vp.loss());
    summary.put("stop_reason", vp.stopReason().name().toLowerCase());
    summary.put("selected_iteration", vp.selectedIteration());
    summary.put("validation_score", vp.validationScore());
    summary.put("final_lambda", vp.lambda());
    summary.put("effective_rank", vp.effectiveRank());
    summary.put("residuals", vpErrors.asMap());
    summary.put("test_points", vpErrors.solution().points());
    summary.putAll(Lapack.summaryFields());
    summary.put("feature_map", map.describe());
    summary.put("error_trace", errorTrace);
    if (options.target > 0) {
      Map<String, Object> reached = errorTrace.stream()
          .filter(pt -> (Double) pt.get("relative_l2_error") <= options.target).findFirst().orElse(null);
      summary.put("target", options.target);
      summary.put("target_reached", reached);
      table.addNote(reached == null
          ? String.format("target relative L2 <= %.1e: not reached (errors recorded every %d iterations)",
              options.target, options.errorEvery)
          : String.format("target relative L2 <= %.1e first recorded at iteration %d, %.2f s (error %.3e)",
              options.target, reached.get("iteration"), reached.get("seconds"), reached.get("relative_l2_error")));
    }
    summary.put("baselines", baselineRows);
    summary.put("configuration", com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
        .convertValue(root.root().unwrapped(), Map.class));
    summary.put("configuration_hocon", root.root().render(ConfigRenderOptions.concise()));
    return new Report(table, summary);
  }

  private static void addBaseline(BenchTable table, List<Map<String, Object>> rows, PdeProblem problem,
      FeatureMap map, BaselineResult r) {
    PdeErrors.SolutionErrors e = problem.testErrors(map, r.theta(), r.c());
    table.addRow(r.name(), r.iterations(), r.seconds(), r.loss(), e.relativeL2(), e.max(), r.stopReason());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("method", r.name());
    m.put("iterations", r.iterations());
    m.put("seconds", r.seconds());
    m.put("final_loss", r.loss());
    m.put("relative_l2_error", e.relativeL2());
    m.put("max_error", e.max());
    rows.add(m);
  }
}
