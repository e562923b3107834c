package org.varpro.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.varpro.core.baseline.Adam;
import org.varpro.core.baseline.BaselineResult;
import org.varpro.core.baseline.Elm;
import org.varpro.core.baseline.FullProblem;
import org.varpro.core.baseline.Lbfgs;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.LocalEvaluator;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.VarProSolver;

/**
 * Smooth regression benchmark: f(x) = sin(πx₁)cos(πx₂) + x₃² on [−1, 1]³, a tanh 3→H→1
 * perceptron (biases, constant feature, Xavier initialization, H = 32 by default), fitted by
 * VarPro-LM, Adam, L-BFGS and an extreme learning machine under the same wall-clock budget and
 * from the same initial θ. Adam and L-BFGS train [θ ; C] jointly from C = 0; ELM keeps θ and
 * solves for C exactly. Errors are relative Frobenius errors ‖pred − y‖/‖y‖ on the training
 * and on held-out points; the loss column is ½‖A C − y‖² without any ridge term, recomputed the
 * same way for every method.
 *
 * <p>VarPro runs with the solver's default options except two: the iteration cap is lifted, so
 * that the wall-clock budget is what stops it (as for the baselines), and a tiny Tikhonov
 * λ = 1e-11 (about 1e-14·‖AᵀA‖ here) is used in the inner solve. With λ = 0 the hidden units
 * drift towards numerically collinear features (σ_min(AᵀA) ~ 1e-19), the Kaufman step degrades
 * and the training error stalls near 1e-4; the tiny ridge keeps the reduced problem well posed
 * and lets VarPro reach a few 1e-6. Both are options ({@link Config#varproLambda},
 * {@link Config#varproMaxIterations}).
 */
public final class RegressionBench {
  public static final String TARGET = "sin(pi*x1)*cos(pi*x2) + x3^2";

  /** The benchmark's knobs with their defaults. */
  public static final class Config {
    public int trainPoints = 2000;
    public int testPoints = 2000;
    public long seed = 1;
    /** Wall-clock budget per method. */
    public double seconds = 20;
    public int hidden = 32;
    /** Rows per block handed to the evaluators (the whole set in one block by default). */
    public int blockRows = 2000;
    /** Adam is run once per learning rate; the ratio line uses the best of them. */
    public List<Double> adamLearningRates = List.of(1e-2, 1e-3);
    public int lbfgsMemory = 20;
    /** Ridge λ for the ELM inner solve (VarPro, Adam and L-BFGS use λ = 0). */
    public double elmLambda = 0;
    /** VarPro's iteration cap: none, the budget decides (SolverOptions' default is 500). */
    public int varproMaxIterations = Integer.MAX_VALUE;
    /** VarPro's Tikhonov λ on the output weights (see the class comment; 0 is the solver default). */
    public double varproLambda = 1e-11;
    /** Receives progress lines (one per method), or null for silence. */
    public Consumer<String> progress;

    Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("train_points", trainPoints);
      m.put("test_points", testPoints);
      m.put("seed", seed);
      m.put("seconds", seconds);
      m.put("hidden", hidden);
      m.put("block_rows", blockRows);
      m.put("adam_learning_rates", adamLearningRates);
      m.put("lbfgs_memory", lbfgsMemory);
      m.put("elm_lambda", elmLambda);
      m.put("varpro_max_iterations", varproMaxIterations);
      m.put("varpro_lambda", varproLambda);
      return m;
    }

    void validate() {
      require(trainPoints > 0 && testPoints > 0, "point counts must be > 0");
      require(seconds > 0, "seconds must be > 0");
      require(hidden > 0, "hidden width must be > 0");
      require(blockRows > 0, "block rows must be > 0");
      require(!adamLearningRates.isEmpty(), "at least one Adam learning rate is needed");
      require(lbfgsMemory > 0, "L-BFGS memory must be > 0");
      require(elmLambda >= 0, "ELM lambda must be >= 0");
      require(varproLambda >= 0 && Double.isFinite(varproLambda), "VarPro lambda must be finite and >= 0");
      require(varproMaxIterations >= 0, "VarPro max iterations must be >= 0");
    }

    private static void require(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }

  /** One method's outcome. {@code family} is varpro, adam, lbfgs or elm. */
  public record MethodResult(String family, String method, int iterations, double seconds,
      double loss, double trainError, double testError, String stop) {}

  /**
   * The whole report: BLAS in use, model, results in run order, and the training-error ratios
   * best-Adam/VarPro and L-BFGS/VarPro.
   */
  public record Report(String blas, String model, Config config, List<MethodResult> results,
      double adamRatio, double lbfgsRatio) {

    public MethodResult varpro() {
      return first("varpro");
    }

    /** The Adam run with the lowest training error. */
    public MethodResult bestAdam() {
      MethodResult best = null;
      for (MethodResult r : results) {
        if (r.family().equals("adam") && (best == null || lessThan(r.trainError(), best.trainError()))) {
          best = r;
        }
      }
      return best;
    }

    public MethodResult first(String family) {
      for (MethodResult r : results) {
        if (r.family().equals(family)) {
          return r;
        }
      }
      return null;
    }

    public String ratioLine() {
      return String.format(Locale.ROOT,
          "training-error ratios: Adam/VarPro = %s (best Adam: %s), L-BFGS/VarPro = %s",
          ratio(adamRatio), bestAdam().method(), ratio(lbfgsRatio));
    }

    /** Whether VarPro's training error is at least {@code factor} times below Adam's and L-BFGS's. */
    public boolean varproAhead(double factor) {
      return adamRatio >= factor && lbfgsRatio >= factor;
    }

    public BenchTable table() {
      BenchTable t = new BenchTable(
          String.format(Locale.ROOT, "regression %s: %d train / %d held-out points, %s, budget %s s",
              TARGET, config.trainPoints, config.testPoints, model, BenchTable.compact(config.seconds)),
          BenchTable.Column.text("method"),
          BenchTable.Column.number("iterations", "%d"),
          BenchTable.Column.number("seconds", "%.2f"),
          BenchTable.Column.number("loss", "%.3e"),
          BenchTable.Column.number("train_rel_err", "%.3e"),
          BenchTable.Column.number("test_rel_err", "%.3e"),
          BenchTable.Column.text("stop"));
      for (MethodResult r : results) {
        t.addRow(r.method(), r.iterations(), r.seconds(), r.loss(), r.trainError(), r.testError(), r.stop());
      }
      t.addNote("loss = 1/2 ||A C - y||^2 (no ridge term); errors = ||pred - y|| / ||y||");
      t.addNote(ratioLine());
      t.addNote("VarPro training error at least 100x below Adam's and L-BFGS's: "
          + (varproAhead(100) ? "yes" : "no"));
      return t;
    }

    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("benchmark", "regression");
      m.put("blas", blas);
      m.put("target", TARGET);
      m.put("model", model);
      m.put("config", config.toMap());
      m.put("table", table().toMap());
      m.put("adam_over_varpro_train_error", BenchTable.jsonValue(adamRatio));
      m.put("lbfgs_over_varpro_train_error", BenchTable.jsonValue(lbfgsRatio));
      return m;
    }
  }

  private RegressionBench() {}

  public static double target(double x1, double x2, double x3) {
    return Math.sin(Math.PI * x1) * Math.cos(Math.PI * x2) + x3 * x3;
  }

  /** {@code m} points uniform in [−1, 1]³ with the target, drawn from {@code rng}. */
  public static RowBlock sample(SplittableRandom rng, int m) {
    double[] x = new double[3 * m];
    double[] y = new double[m];
    for (int i = 0; i < m; i++) {
      double x1 = 2 * rng.nextDouble() - 1;
      double x2 = 2 * rng.nextDouble() - 1;
      double x3 = 2 * rng.nextDouble() - 1;
      x[i] = x1;
      x[i + m] = x2;
      x[i + 2 * m] = x3;
      y[i] = target(x1, x2, x3);
    }
    return RowBlock.regression(m, 3, 1, x, y);
  }

  public static Perceptron model(int hidden) {
    return Perceptron.of(Activation.TANH, 3, hidden);
  }

  public static Report run(Config config) {
    config.validate();
    String blas = Lapack.describe();
    // Training points first, then the held-out points, from one seeded stream.
    SplittableRandom rng = new SplittableRandom(config.seed);
    RowBlock train = sample(rng, config.trainPoints);
    RowBlock test = sample(rng, config.testPoints);
    RowBlock[] blocks = train.split(config.blockRows);
    Perceptron net = model(config.hidden);
    double[] theta0 = net.initialParams(config.seed);
    FullProblem problem = new FullProblem(net, blocks, 0);
    List<MethodResult> results = new ArrayList<>();

    // VarPro-LM: default solver options but λ and the iteration cap; the budget as time limit.
    SolverOptions options = SolverOptions.builder().lambda(config.varproLambda).timeBudgetSeconds(config.seconds)
        .maxIterations(config.varproMaxIterations).build();
    String varproName = config.varproLambda == 0 ? "varpro-lm"
        : "varpro-lm(lambda=" + BenchTable.compact(config.varproLambda) + ")";
    progress(config, varproName);
    SolverResult vp = new VarProSolver(options).solve(new LocalEvaluator(net, blocks), theta0);
    results.add(measure("varpro", varproName, net, problem, vp.theta(), vp.c(), vp.iterations(),
        vp.seconds(), vp.stopReason().name().toLowerCase(Locale.ROOT), blocks, test));

    for (double lr : config.adamLearningRates) {
      Adam adam = new Adam().learningRate(lr).timeBudgetSeconds(config.seconds);
      progress(config, adam.name());
      BaselineResult r = adam.minimize(problem, theta0, Adam.zeroOutputs(problem));
      results.add(fromBaseline("adam", r, net, problem, blocks, test));
    }

    Lbfgs lbfgs = new Lbfgs().memory(config.lbfgsMemory).timeBudgetSeconds(config.seconds);
    progress(config, lbfgs.name());
    BaselineResult lb = lbfgs.minimize(problem, theta0, Adam.zeroOutputs(problem));
    results.add(fromBaseline("lbfgs", lb, net, problem, blocks, test));

    progress(config, Elm.name(config.elmLambda));
    BaselineResult elm = Elm.fit(net, blocks, theta0, config.elmLambda);
    results.add(fromBaseline("elm", elm, net, problem, blocks, test));

    Report partial = new Report(blas, net.describe(), config, List.copyOf(results), Double.NaN, Double.NaN);
    double v = partial.varpro().trainError();
    return new Report(blas, net.describe(), config, List.copyOf(results),
        partial.bestAdam().trainError() / v, partial.first("lbfgs").trainError() / v);
  }

  private static MethodResult fromBaseline(String family, BaselineResult r, Perceptron net,
      FullProblem problem, RowBlock[] blocks, RowBlock test) {
    return measure(family, r.name(), net, problem, r.theta(), r.c(), r.iterations(), r.seconds(),
        r.stopReason(), blocks, test);
  }

  /** Loss and errors recomputed the same way for every method. */
  private static MethodResult measure(String family, String method, Perceptron net,
      FullProblem problem, double[] theta, double[] c, int iterations, double seconds, String stop,
      RowBlock[] blocks, RowBlock test) {
    double loss = problem.loss(problem.pack(theta, c));
    double trainError = FullProblem.relativeError(net, theta, c, blocks);
    double testError = FullProblem.relativeError(net, theta, c, test);
    return new MethodResult(family, method, iterations, seconds, loss, trainError, testError, stop);
  }

  private static void progress(Config config, String method) {
    if (config.progress != null) {
      config.progress.accept(String.format(Locale.ROOT, "bench: running %s (budget %s s)", method,
          BenchTable.compact(config.seconds)));
    }
  }

  private static boolean lessThan(double a, double b) {
    // NaN sorts last.
    return !Double.isNaN(a) && (Double.isNaN(b) || a < b);
  }

  static String ratio(double r) {
    return Double.isFinite(r) ? String.format(Locale.ROOT, "%.3g", r) : String.valueOf(r);
  }
}
