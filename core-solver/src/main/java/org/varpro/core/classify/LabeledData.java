package org.varpro.core.classify;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.varpro.core.model.RowBlock;

/**
 * Labelled examples in memory: inputs x (rows×d, column-major) and class indices 0..K−1.
 */
public record LabeledData(int rows, int inputDim, int classes, double[] x, int[] labels) {
  public LabeledData {
    if (x.length != rows * inputDim || labels.length != rows) {
      throw new IllegalArgumentException("data arrays do not match " + rows + " rows × " + inputDim + " inputs");
    }
    for (int l : labels) {
      if (l < 0 || l >= classes) {
        throw new IllegalArgumentException("label " + l + " outside 0.." + (classes - 1));
      }
    }
  }

  /** Train and test parts of a split. */
  public record Split(LabeledData train, LabeledData test) {}

  /** The rows at the given indices, in that order. */
  public LabeledData select(int[] idx) {
    int r = idx.length;
    double[] xs = new double[r * inputDim];
    int[] ls = new int[r];
    for (int i = 0; i < r; i++) {
      for (int d = 0; d < inputDim; d++) {
        xs[i + d * r] = x[idx[i] + d * rows];
      }
      ls[i] = labels[idx[i]];
    }
    return new LabeledData(r, inputDim, classes, xs, ls);
  }

  /** A random subset of {@code count} rows (all when count ≥ rows), reproducible by seed. */
  public LabeledData subsample(int count, long seed) {
    if (count >= rows) {
      return this;
    }
    int[] perm = StratifiedSplit.permutation(rows, new SplittableRandom(seed));
    int[] idx = Arrays.copyOf(perm, count);
    Arrays.sort(idx);
    return select(idx);
  }

  /**
   * A stratified random split: within every class, a share {@code testFraction} of the rows
   * (rounded) goes to the test part. Reproducible by seed; rows keep their original order.
   */
  public Split split(double testFraction, long seed) {
    boolean[] test = StratifiedSplit.heldOut(labels, classes, testFraction, seed, false, null);
    int nt = 0;
    for (boolean b : test) {
      nt += b ? 1 : 0;
    }
    int[] tr = new int[rows - nt];
    int[] te = new int[nt];
    int a = 0;
    int b = 0;
    for (int i = 0; i < rows; i++) {
      if (test[i]) {
        te[b++] = i;
      } else {
        tr[a++] = i;
      }
    }
    return new Split(select(tr), select(te));
  }

  /**
   * The rows as one classification block (class-index targets) with every weight equal to
   * {@code weight}; 1/rows makes the objective the mean cross-entropy.
   */
  public RowBlock toBlock(double weight) {
    double[] w = new double[rows];
    Arrays.fill(w, weight);
    return ClassLabels.block(x.clone(), rows, inputDim, labels, w);
  }

  /** Rows per class. */
  public int[] classCounts() {
    int[] c = new int[classes];
    for (int l : labels) {
      c[l]++;
    }
    return c;
  }
}
