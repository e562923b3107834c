package org.varpro.core.classify;

import java.util.Arrays;
import org.varpro.core.model.RowBlock;

/**
 * How class labels are stored in a {@link RowBlock}.
 *
 * <p>The canonical encoding is a single target column ({@code outputs == 1}) holding the class
 * index 0..K−1 as a double: compact, and what the readers of this package produce. A block with
 * {@code outputs == K} is also accepted: each row is then a target distribution over the K
 * classes (one-hot, or soft labels summing to 1). K ≥ 2 always, so the two never clash.
 */
public final class ClassLabels {
  private ClassLabels() {}

  /** A block of value-channel rows with class-index targets. */
  public static RowBlock block(double[] x, int rows, int inputDim, int[] labels, double[] weight) {
    double[] y = new double[rows];
    for (int i = 0; i < rows; i++) {
      y[i] = labels[i];
    }
    if (weight == null) {
      weight = new double[rows];
      Arrays.fill(weight, 1.0);
    }
    return RowBlock.regression(rows, inputDim, 1, x, y, weight);
  }

  /** Class index of row i (argmax of the target distribution for K-column targets). */
  public static int label(RowBlock block, int i, int classes) {
    if (block.outputs == 1) {
      return index(block.y[i], classes);
    }
    int best = 0;
    for (int k = 1; k < block.outputs; k++) {
      if (block.y[i + k * block.rows] > block.y[i + best * block.rows]) {
        best = k;
      }
    }
    return best;
  }

  /** Target distributions, rows×K column-major, one-hot for class-index targets. */
  public static double[] targets(RowBlock block, int classes) {
    int r = block.rows;
    double[] t = new double[r * classes];
    if (block.outputs == 1) {
      for (int i = 0; i < r; i++) {
        t[i + index(block.y[i], classes) * r] = 1.0;
      }
    } else if (block.outputs == classes) {
      System.arraycopy(block.y, 0, t, 0, r * classes);
    } else {
      throw new IllegalArgumentException("a classification block needs 1 target column (class index) or "
          + classes + " (one per class); it has " + block.outputs);
    }
    return t;
  }

  private static int index(double v, int classes) {
    int k = (int) v;
    if (k != v || k < 0 || k >= classes) {
      throw new IllegalArgumentException("class label " + v + " is not an integer in 0.." + (classes - 1));
    }
    return k;
  }

  /** The number of classes: 1 + the largest class index, or the width of one-hot targets. */
  public static int classCount(RowBlock... blocks) {
    int k = 0;
    for (RowBlock b : blocks) {
      if (b.outputs > 1) {
        k = Math.max(k, b.outputs);
      } else {
        for (int i = 0; i < b.rows; i++) {
          k = Math.max(k, (int) b.y[i] + 1);
        }
      }
    }
    return Math.max(k, 2);
  }
}
