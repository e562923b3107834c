package org.varpro.core.classify;

import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pass.BlockCheck;
import org.varpro.core.pass.Pass;
import org.varpro.core.stats.StatsKind;

/**
 * The passes of GNvpro classification (DESIGN §2.6) as {@link Pass}es, for any runner. Each
 * factory copies its parameters.
 */
public final class ClassifyPasses {
  private ClassifyPasses() {}

  /** The features A(θ) of a block, rows×n column-major. */
  @FunctionalInterface
  public interface Features extends java.io.Serializable {
    double[] of(FeatureMap map, RowBlock block);
  }

  /** Features computed afresh for every block at θ. */
  public static Features computed(double[] theta) {
    double[] th = theta.clone();
    return (map, block) -> {
      double[] a = new double[block.rows * map.numFeatures()];
      map.features(th, block, a, 0);
      return a;
    };
  }

  /**
   * Features kept where the pass folds, per block for the last θ ({@link FeatureCache}): the
   * inner Newton passes at one θ on Spark executors compute A(θ) once per block.
   */
  public static Features executorCached(double[] theta) {
    double[] th = theta.clone();
    return (map, block) -> FeatureCache.features(map, th, block);
  }

  /** The labels of every block: class indices in 0..K−1 (or K target columns). */
  public static BlockCheck labels(int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException("classification needs at least 2 classes, got " + classes);
    }
    return block -> ClassLabels.targets(block, classes);
  }

  /** Inner pass at (θ, C), θ's features given by {@code features}: loss, and the C-derivatives the level asks. */
  public static Pass<SoftmaxStats> softmax(Features features, double[] c, int n, int classes, SoftmaxStats.Level level) {
    double[] cc = c.clone();
    return Pass.of((map, partition) -> new SoftmaxStats(n, classes, level),
        (s, map, b) -> s.add(features.of(map, b), 0, b, cc), SoftmaxStats::merge);
  }

  /** Dense outer pass at (θ, C): reduced gradient and Gauss-Newton matrix (p×p). */
  public static Pass<GaussNewtonStats> gaussNewton(double[] theta, double[] c, int n, int p, int classes,
      StatsKind kind) {
    double[] th = theta.clone();
    double[] cc = c.clone();
    return Pass.of((map, partition) -> new GaussNewtonStats(n, p, classes, kind), (s, map, b) -> s.add(map, th, cc, b),
        GaussNewtonStats::merge);
  }

  /** Matrix-free outer pass: the reduced gradient g (p). */
  public static Pass<ParamVectorStats> gradient(double[] theta, double[] c, int p, int classes) {
    double[] th = theta.clone();
    double[] cc = c.clone();
    return Pass.of((map, partition) -> new ParamVectorStats(p), (s, map, b) -> s.addGradient(map, th, cc, classes, b),
        ParamVectorStats::merge);
  }

  /** Matrix-free outer pass: the Gauss-Newton product H v (p). */
  public static Pass<ParamVectorStats> product(double[] theta, double[] c, double[] v, int p, int classes) {
    double[] th = theta.clone();
    double[] cc = c.clone();
    double[] vv = v.clone();
    return Pass.of((map, partition) -> new ParamVectorStats(p),
        (s, map, b) -> s.addProduct(map, th, cc, classes, vv, b), ParamVectorStats::merge);
  }
}
