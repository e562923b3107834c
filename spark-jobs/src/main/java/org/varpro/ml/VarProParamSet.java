package org.varpro.ml;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.varpro.config.ConfigError;
import org.varpro.config.ModelConfig;
import org.varpro.core.classify.ClassifierOptions;
import org.varpro.core.classify.ClassifierStep;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Initialization;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.StepMethod;
import org.varpro.core.stats.StatsKind;
import org.varpro.job.JobConfig;
import scala.runtime.AbstractFunction1;

/**
 * The params of one VarPro stage, each declared here once with its name, doc, default and
 * validator (MLlib's conventions). The defaults are those of {@code varpro train}: the engine's
 * option objects ({@link SolverOptions}, {@link ClassifierOptions}) and an empty {@code model}
 * section ({@link ModelConfig}); the param values become the {@code model} and {@code solver}
 * sections of a run configuration ({@link #config}), parsed by the same code as {@code train}'s.
 *
 * <p>The Param objects belong to their owner (a {@link Params} whose uid is set); the
 * {@link VarProParams} interfaces expose them MLlib-style as public methods.
 */
final class VarProParamSet implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Which engine the params drive. */
  enum Kind { REGRESSION, CLASSIFICATION }

  final Kind kind;
  final Param<String> featuresCol;
  final Param<String> labelCol;
  final Param<String> weightCol;
  final Param<String> predictionCol;
  final IntArrayParam hidden;
  final Param<String> activation;
  final Param<String> init;
  final LongParam seed;
  final DoubleParam lambda;
  final IntParam maxIter;
  final DoubleParam timeBudget;
  final Param<String> statistics;
  final Param<String> step;
  final DoubleParam tol;
  final BooleanParam standardization;
  final IntParam blockRows;
  /** Regression only. */
  final BooleanParam standardizeLabels;
  /** Classification only. */
  final Param<String> rawPredictionCol;
  final Param<String> probabilityCol;
  final DoubleParam thetaRidge;

  VarProParamSet(Params owner, Kind kind) {
    this.kind = kind;
    boolean reg = kind == Kind.REGRESSION;
    featuresCol = new Param<>(owner, "featuresCol", "features column name (a Vector column)");
    labelCol = new Param<>(owner, "labelCol", reg
        ? "label column name (numeric, or a Vector column for several outputs)"
        : "label column name (class indices 0, 1, …, K−1)");
    weightCol = new Param<>(owner, "weightCol",
        "weight column name (finite, >= 0); not set or empty: every row weighs 1");
    predictionCol = new Param<>(owner, "predictionCol", "prediction column name");
    hidden = new IntArrayParam(owner, "hidden",
        "hidden layer widths, input to output; the last one gives the features (at least one, each >= 1)",
        new PositiveWidths());
    List<String> activations = names(Activation.values());
    activation = new Param<>(owner, "activation", "activation of the hidden layers: " + String.join(", ", activations),
        ParamValidators.inArray(activations));
    List<String> inits = names(Initialization.values());
    init = new Param<>(owner, "init", "initialization of the hidden parameters: " + String.join(", ", inits),
        ParamValidators.inArray(inits));
    seed = new LongParam(owner, "seed", "seed of the initial hidden parameters");
    lambda = new DoubleParam(owner, "lambda", reg
        ? "Tikhonov (ridge) parameter λ on the output weights C (>= 0)"
        : "ridge parameter λ on the softmax weights C (> 0: keeps the inner problem strictly convex)",
        reg ? ParamValidators.gtEq(0) : ParamValidators.gt(0));
    maxIter = new IntParam(owner, "maxIter", "maximum number of outer iterations (>= 0)", ParamValidators.gtEq(0));
    timeBudget = new DoubleParam(owner, "timeBudget", "wall-clock budget of the fit in seconds (> 0; Infinity: none)",
        ParamValidators.gt(0));
    List<String> stats = List.of("qr", "gram");
    statistics = new Param<>(owner, "statistics", reg
        ? "pass statistics: qr (TSQR, stable) or gram (fast)"
        : "dense step statistics: gram (fast) or qr (TSQR)", ParamValidators.inArray(stats));
    List<String> steps = reg ? names(StepMethod.values()) : names(ClassifierStep.values());
    step = new Param<>(owner, "step", "least-squares step: " + String.join(", ", steps),
        ParamValidators.inArray(steps));
    tol = new DoubleParam(owner, "tol", "convergence tolerance: stop after 3 accepted steps in a row that lower "
        + "the objective by less than this fraction (>= 0)", ParamValidators.gtEq(0));
    standardization = new BooleanParam(owner, "standardization",
        "standardize the features to mean 0 and standard deviation 1 over the training rows before fitting "
            + "(the model applies the same map to new rows)");
    blockRows = new IntParam(owner, "blockRows", "rows per block, the unit of the passes over the data (>= 1)",
        ParamValidators.gtEq(1));
    if (reg) {
      standardizeLabels = new BooleanParam(owner, "standardizeLabels",
          "standardize the labels too (predictions are always in label units)");
      rawPredictionCol = null;
      probabilityCol = null;
      thetaRidge = null;
    } else {
      standardizeLabels = null;
      rawPredictionCol = new Param<>(owner, "rawPredictionCol", "raw prediction (a.k.a. confidence) column name: "
          + "the logits a(x)·C");
      probabilityCol = new Param<>(owner, "probabilityCol", "column name for predicted class probabilities "
          + "(softmax of the logits)");
      thetaRidge = new DoubleParam(owner, "thetaRidge", "ridge ½α‖θ‖² on the hidden parameters (weight decay, >= 0)",
          ParamValidators.gtEq(0));
    }
  }

  /**
   * Sets the defaults on the owner; call once the owner returns this set (MLlib finds the params
   * by reflection on the owner's public methods, so they must be reachable first).
   */
  void setDefaults(Params owner) {
    boolean reg = kind == Kind.REGRESSION;
    SolverOptions so = SolverOptions.builder().build();
    ClassifierOptions co = ClassifierOptions.builder().build();
    ModelConfig mc = ModelConfig.parse(ConfigFactory.empty(), null);
    owner.setDefault(featuresCol, "features");
    owner.setDefault(labelCol, "label");
    owner.setDefault(predictionCol, "prediction");
    owner.setDefault(hidden, mc.hidden());
    owner.setDefault(activation, name(mc.activation()));
    owner.setDefault(init, name(mc.init()));
    owner.setDefault(seed, mc.seed());
    owner.setDefault(lambda, reg ? so.lambda() : co.lambda());
    owner.setDefault(maxIter, reg ? so.maxIterations() : co.maxIterations());
    owner.setDefault(timeBudget, reg ? so.timeBudgetSeconds() : co.timeBudgetSeconds());
    owner.setDefault(statistics, name(reg ? so.statistics() : co.statistics()));
    owner.setDefault(step, reg ? name(so.get(SolverOptions.STEP)) : name(co.get(ClassifierOptions.STEP)));
    owner.setDefault(tol, reg ? so.relativeTolerance() : co.relativeTolerance());
    owner.setDefault(standardization, true);
    owner.setDefault(blockRows, JobConfig.DEFAULT_BLOCK_ROWS);
    if (reg) {
      owner.setDefault(standardizeLabels, false);
    } else {
      owner.setDefault(rawPredictionCol, "rawPrediction");
      owner.setDefault(probabilityCol, "probability");
      owner.setDefault(thetaRidge, co.get(ClassifierOptions.THETA_RIDGE));
    }
  }

  /** The run configuration's model and solver sections that these param values stand for. */
  Config config(Params p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model.hidden", Arrays.stream(p.getOrDefault(hidden)).boxed().toList());
    m.put("model.activation", p.getOrDefault(activation));
    m.put("model.init", p.getOrDefault(init));
    m.put("model.seed", p.getOrDefault(seed));
    m.put("solver.lambda", p.getOrDefault(lambda));
    m.put("solver.max-iterations", p.getOrDefault(maxIter));
    double budget = (Double) p.getOrDefault(timeBudget);
    if (Double.isFinite(budget)) {
      m.put("solver.time-budget", budget);
    }
    m.put("solver.statistics", p.getOrDefault(statistics));
    m.put("solver.step", p.getOrDefault(step));
    m.put("solver.relative-tolerance", p.getOrDefault(tol));
    if (thetaRidge != null) {
      m.put("solver.theta-ridge", p.getOrDefault(thetaRidge));
    }
    return ConfigFactory.parseMap(m, "params of " + p.uid());
  }

  /** A configuration error turned into one naming the param it came from. */
  IllegalArgumentException paramError(ConfigError e) {
    Map<String, String> keys = Map.of("model.hidden", "hidden", "model.activation", "activation",
        "model.init", "init", "model.seed", "seed", "solver.lambda", "lambda", "solver.max-iterations", "maxIter",
        "solver.time-budget", "timeBudget", "solver.statistics", "statistics", "solver.step", "step",
        "solver.relative-tolerance", "tol");
    String param = keys.getOrDefault(e.key(), e.key().equals("solver.theta-ridge") ? "thetaRidge" : e.key());
    String detail = e.getMessage().substring(e.key().length() + 2);
    return new IllegalArgumentException("param " + param + ": " + detail.replaceAll(" \\[params of [^]]*\\]$", ""), e);
  }

  private static List<String> names(Enum<?>[] values) {
    return Arrays.stream(values).map(VarProParamSet::name).toList();
  }

  private static String name(Enum<?> v) {
    return v.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** hidden: at least one layer, every width >= 1. */
  private static final class PositiveWidths extends AbstractFunction1<int[], Object> implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Object apply(int[] widths) {
      return widths != null && widths.length > 0 && Arrays.stream(widths).allMatch(w -> w >= 1);
    }
  }
}
