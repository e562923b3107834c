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
import org.varpro.core.pde.PdeErrors;
import org.varpro.core.pde.PdeProblem;
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
    /** Progress line and error-trace entry (JSON) every this many iterations (0: never). */
    public int errorEvery = 25;
    /** Test error of every this many iterates, for the time to target (1: every iterate). */
    public int checkEvery = 1;
    /** Target relative L2 errors of the time-to-target report. */
    public List<Double> targets = TimeToTarget.DEFAULT_TARGETS;
    public List<Double> adamLearningRates = List.of(1e-3, 1e-2);
    public Consumer<String> progress = s -> {};

    /** A copy with extra overrides after these (they win). */
    public Options withOverrides(String... more) {
      Options o = new Options();
      List<String> all = new ArrayList<>(overrides);
      all.addAll(List.of(more));
      o.overrides = List.copyOf(all);
      o.baselines = baselines;
      o.errorEvery = errorEvery;
      o.checkEvery = checkEvery;
      o.targets = targets;
      o.adamLearningRates = adamLearningRates;
      o.progress = progress;
      return o;
    }
  }

  /** Everything one run produced, for printing and JSON. */
  public record Report(BenchTable table, BenchTable targets, List<TimeToTarget.Point> trace,
      double finalError, Map<String, Object> summary) {}

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
    if (!problem.pde().hasExact()) {
      throw new ConfigError("pde.exact", "bench pde measures errors against the exact solution: "
          + configFile + " has no pde.exact");
    }
    ModelConfig model = PdeConfig.parseModel(root, problem);
    SolverOptions solverOptions = SolverConfig.parse(root);
    FeatureMap map = model.featureMap(problem.pde().dim());
    double[] theta0 = map.initialParams(model.seed());
    RowBlock[] blocks = problem.trainingBlocks();
    options.progress.accept(Lapack.describe());
    options.progress.accept(problem.describe());
    options.progress.accept(map.describe());

    IterateRecorder recorder = new IterateRecorder(options.checkEvery, options.errorEvery, options.progress);
    VarProSolver solver = new VarProSolver(solverOptions, recorder);
    org.varpro.core.solver.Validation validation = solverOptions.validationEvery() > 0
        ? org.varpro.core.pde.PdeValidation.of(map, PdeConfig.parseValidationProblem(root)) : null;
    SolverResult vp = solver.solve(problem.localEvaluator(map), theta0, validation);
    boolean lastIterateReturned = vp.selectedIteration() == vp.iterations();
    List<TimeToTarget.Point> trace = recorder.errorTrace(
        (theta, c) -> problem.testErrors(map, theta, c).relativeL2(),
        lastIterateReturned ? vp.theta() : null, lastIterateReturned ? vp.c() : null);
    List<Map<String, Object>> errorTrace = new ArrayList<>();
    for (TimeToTarget.Point pt : trace) {
      if (options.errorEvery > 0 && pt.iteration() % options.errorEvery == 0 || pt == trace.get(trace.size() - 1)) {
        errorTrace.add(pointMap(pt));
      }
    }
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
      BaselineResult elm = Elm.fit(map, blocks, theta0, solverOptions.lambda());
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
    List<TimeToTarget.Point> crossings = TimeToTarget.crossings(trace, options.targets);
    List<Map<String, Object>> reached = new ArrayList<>();
    BenchTable targets = new BenchTable("time to target (relative L2 on the test grid, checked every "
        + (options.checkEvery == 1 ? "iteration" : options.checkEvery + " iterations") + ", checks not timed)",
        BenchTable.Column.number("target", "%.0e"),
        BenchTable.Column.number("iteration", "%d"),
        BenchTable.Column.number("solver_seconds", "%.2f"),
        BenchTable.Column.number("relative_l2_error", "%.3e"));
    for (int i = 0; i < options.targets.size(); i++) {
      TimeToTarget.Point pt = crossings.get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("target", options.targets.get(i));
      m.put("reached", pt == null ? null : pointMap(pt));
      reached.add(m);
      targets.addRow(options.targets.get(i), pt == null ? null : pt.iteration(), pt == null ? null : pt.seconds(),
          pt == null ? null : pt.error());
    }
    targets.addNote(String.format("at the budget: relative L2 %.3e after %d iterations, %.2f s",
        vpErrors.solution().relativeL2(), vp.iterations(), vp.seconds()));
    summary.put("check_every", options.checkEvery);
    summary.put("time_to_target", reached);
    summary.put("baselines", baselineRows);
    summary.put("configuration", com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
        .convertValue(root.root().unwrapped(), Map.class));
    summary.put("configuration_hocon", root.root().render(ConfigRenderOptions.concise()));
    return new Report(table, targets, trace, vpErrors.solution().relativeL2(), summary);
  }

  static Map<String, Object> pointMap(TimeToTarget.Point pt) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("iteration", pt.iteration());
    m.put("seconds", pt.seconds());
    m.put("relative_l2_error", pt.error());
    return m;
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
