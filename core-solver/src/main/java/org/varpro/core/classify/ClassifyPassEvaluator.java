package org.varpro.core.classify;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pass.PassRunner;
import org.varpro.core.pass.RunnerAdapter;
import org.varpro.core.stats.StatsKind;

/**
 * The classification {@link ClassifyEvaluator} over any {@link PassRunner}: each request is one
 * {@link ClassifyPasses} pass, described as "pass N: …". The single-process, partitioned and
 * Spark evaluators are this class over their runners.
 *
 * <p>When the runner folds in this process ({@link PassRunner#inProcess}), the features A(θ) of
 * every block are kept for the last θ of the softmax passes, since the inner Newton solve makes
 * several passes at the same θ and only C changes: the same numbers a pass would recompute, so
 * the cache changes no bit. When it folds elsewhere (Spark executors), the executors keep them
 * ({@link FeatureCache}), likewise bit for bit. Not thread-safe: one solver drives one evaluator.
 */
public class ClassifyPassEvaluator extends RunnerAdapter implements ClassifyEvaluator {
  private final int classes;
  private double[] cachedTheta;
  private Map<RowBlock, double[]> cachedFeatures;

  /** @param runner rows whose labels were checked with {@link ClassifyPasses#labels}{@code (classes)} */
  public ClassifyPassEvaluator(PassRunner runner, int classes) {
    super(runner);
    this.classes = classes;
  }

  @Override
  public int classes() {
    return classes;
  }

  @Override
  public SoftmaxStats softmax(double[] theta, double[] c, SoftmaxStats.Level level) {
    return runner().run(describe("softmax pass (" + level.name().toLowerCase(Locale.ROOT) + ")"),
        ClassifyPasses.softmax(features(theta), c, featureMap().numFeatures(), classes, level));
  }

  @Override
  public GaussNewtonStats gaussNewton(double[] theta, double[] c, StatsKind kind) {
    FeatureMap map = featureMap();
    return runner().run(describe("Gauss-Newton pass"),
        ClassifyPasses.gaussNewton(theta, c, map.numFeatures(), map.numParams(), classes, kind));
  }

  @Override
  public ParamVectorStats gradient(double[] theta, double[] c) {
    return runner().run(describe("gradient pass"), ClassifyPasses.gradient(theta, c, featureMap().numParams(), classes));
  }

  @Override
  public ParamVectorStats product(double[] theta, double[] c, double[] v) {
    return runner().run(describe("Gauss-Newton product pass"),
        ClassifyPasses.product(theta, c, v, featureMap().numParams(), classes));
  }

  /** θ's features: cached per block in this process, or on the executors ({@link FeatureCache}). */
  private ClassifyPasses.Features features(double[] theta) {
    if (!runner().inProcess()) {
      cachedTheta = null;
      cachedFeatures = null;
      return ClassifyPasses.executorCached(theta);
    }
    if (cachedTheta == null || !Arrays.equals(cachedTheta, theta)) {
      cachedTheta = theta.clone();
      cachedFeatures = new IdentityHashMap<>();
    }
    ClassifyPasses.Features compute = ClassifyPasses.computed(theta);
    Map<RowBlock, double[]> cache = cachedFeatures;
    return (map, block) -> cache.computeIfAbsent(block, b -> compute.of(map, b));
  }

  private String describe(String what) {
    return String.format(Locale.ROOT, "pass %d: %s", passes() + 1, what);
  }
}
