package org.varpro.core.classify;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A stratified, seeded split of labelled rows into a kept and a held-out part: within every
 * class, round(fraction · rows of the class) rows, chosen by a seeded shuffle, are held out. The
 * classes are visited in index order with one random stream, so the split depends only on the
 * labels, the fraction and the seed (not on partitioning); rows keep their order in both parts.
 */
public final class StratifiedSplit {
  private StratifiedSplit() {}

  /** A class too small to have rows on both sides of the split. */
  public static final class TooFewRows extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    /** The class index. */
    public final int label;
    /** Its rows. */
    public final int rows;

    TooFewRows(int label, String name, int rows, long heldOut, double fraction) {
      super("class " + (name == null ? Integer.toString(label) : "'" + name + "'") + " has " + rows + " row" + (rows == 1 ? "" : "s") + ", too few for a stratified split "
          + "holding out " + fraction + " (" + heldOut + " held out, " + (rows - heldOut) + " kept; every class "
          + "needs at least one row on each side)");
      this.label = label;
      this.rows = rows;
    }
  }

  /**
   * Which rows are held out.
   *
   * @param labels class index 0..classes−1 of every row
   * @param fraction share held out per class, in (0, 1)
   * @param requireBothSides throw {@link TooFewRows} when a class present in the rows would
   *     have no row on one side
   * @param names the class labels for that error (null: the class indices)
   */
  public static boolean[] heldOut(int[] labels, int classes, double fraction, long seed, boolean requireBothSides,
      List<String> names) {
    if (!(fraction > 0 && fraction < 1)) {
      throw new IllegalArgumentException("held-out fraction must be in (0, 1), got " + fraction);
    }
    List<List<Integer>> members = new ArrayList<>();
    for (int k = 0; k < classes; k++) {
      members.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      members.get(labels[i]).add(i);
    }
    SplittableRandom rng = new SplittableRandom(seed);
    boolean[] out = new boolean[labels.length];
    for (int k = 0; k < classes; k++) {
      List<Integer> m = members.get(k);
      int[] perm = permutation(m.size(), rng);
      int n = (int) Math.round(fraction * m.size());
      if (requireBothSides && !m.isEmpty() && (n == 0 || n == m.size())) {
        throw new TooFewRows(k, names == null ? null : names.get(k), m.size(), n, fraction);
      }
      for (int j = 0; j < n; j++) {
        out[m.get(perm[j])] = true;
      }
    }
    return out;
  }

  /** A seeded Fisher-Yates permutation of 0..n−1. */
  static int[] permutation(int n, SplittableRandom rng) {
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
