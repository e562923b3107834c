package org.varpro.core.classify;

import java.io.Serializable;
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

  /** Probabilities softmax(a_i C), rows×K column-major (the logits by {@link FeatureMap#outputs}). */
  public double[] probabilities(RowBlock block) {
    double[] p = map.outputs(theta, c, block);
    Softmax.probabilities(p, block.rows, classes, null);
    return p;
  }

  /** The most probable class of every row. */
  public int[] predict(RowBlock block) {
    return mostProbable(probabilities(block), block.rows, classes);
  }

  /** The most probable class of every row of probabilities p (rows×K); ties go to the lower index. */
  public static int[] mostProbable(double[] p, int rows, int classes) {
    int[] out = new int[rows];
    for (int i = 0; i < rows; i++) {
      out[i] = Softmax.argmax(p, rows, classes, i);
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
