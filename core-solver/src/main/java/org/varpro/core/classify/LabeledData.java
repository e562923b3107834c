package org.varpro.core.classify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
    int[] perm = permutation(rows, new SplittableRandom(seed));
    int[] idx = Arrays.copyOf(perm, count);
    Arrays.sort(idx);
    return select(idx);
  }

  /**
   * A stratified random split: within every class, a share {@code testFraction} of the rows
   * (rounded) goes to the test part. Reproducible by seed; rows keep their original order.
   */
  public Split split(double testFraction, long seed) {
    if (!(testFraction > 0 && testFraction < 1)) {
      throw new IllegalArgumentException("test fraction must be in (0, 1), got " + testFraction);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    boolean[] test = new boolean[rows];
    for (int k = 0; k < classes; k++) {
      List<Integer> members = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        if (labels[i] == k) {
          members.add(i);
        }
      }
      int[] perm = permutation(members.size(), rng);
      int nTest = (int) Math.round(testFraction * members.size());
      for (int j = 0; j < nTest; j++) {
        test[members.get(perm[j])] = true;
      }
    }
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

  private static int[] permutation(int n, SplittableRandom rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}
