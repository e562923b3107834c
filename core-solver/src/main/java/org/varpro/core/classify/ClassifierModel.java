package org.varpro.core.classify;

import java.io.Serializable;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.SolverResult;

/** A fitted classifier: features A(θ), softmax weights C (n×K); predicts probabilities. */
public final class ClassifierModel implements Serializable {
  private static final long serialVersionUID = 1L;

  private final FeatureMap map;
  private final double[] theta;
  private final double[] c;
  private final int classes;

  public ClassifierModel(FeatureMap map, double[] theta, double[] c, int classes) {
    if (c.length != map.numFeatures() * classes || theta.length != map.numParams()) {
      throw new IllegalArgumentException("parameters do not match the feature map and " + classes + " classes");
    }
    this.map = map;
    this.theta = theta.clone();
    this.c = c.clone();
    this.classes = classes;
  }

  public static ClassifierModel of(FeatureMap map, SolverResult result, int classes) {
    return new ClassifierModel(map, result.theta(), result.c(), classes);
  }

  public int classes() {
    return classes;
  }

  /** Probabilities softmax(a_i C), rows×K column-major. */
  public double[] probabilities(RowBlock block) {
    int r = block.rows;
    int n = map.numFeatures();
    double[] a = new double[r * n];
    map.features(theta, block, a, 0);
    double[] p = new double[r * classes];
    Lapack.gemm(false, false, r, classes, n, 1.0, a, 0, r, c, 0, n, 0.0, p, 0, r);
    Softmax.probabilities(p, r, classes, null);
    return p;
  }

  /** The most probable class of every row. */
  public int[] predict(RowBlock block) {
    double[] p = probabilities(block);
    int[] out = new int[block.rows];
    for (int i = 0; i < block.rows; i++) {
      out[i] = Softmax.argmax(p, block.rows, classes, i);
    }
    return out;
  }

  /** Metrics against the block's labels. */
  public ClassificationMetrics evaluate(RowBlock block) {
    int[] labels = new int[block.rows];
    for (int i = 0; i < block.rows; i++) {
      labels[i] = ClassLabels.label(block, i, classes);
    }
    return ClassificationMetrics.of(probabilities(block), block.rows, classes, labels);
  }
}
