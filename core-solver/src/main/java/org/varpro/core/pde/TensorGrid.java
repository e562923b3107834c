package org.varpro.core.pde;

import java.util.Arrays;

/**
 * A tensor-product grid in a box. Point order: the first coordinate varies fastest (index
 * i = i_0 + n_0·(i_1 + n_1·(i_2 + …))). The seed is ignored.
 */
public final class TensorGrid implements PointSampler {
  private static final long serialVersionUID = 1L;

  /** Where the n nodes of a side [lo, hi] sit. */
  public enum Nodes {
    /** lo + k·(hi − lo)/(n − 1), k = 0..n−1: both ends included (n = 1: the midpoint). */
    ENDPOINTS,
    /** lo + k·(hi − lo)/(n + 1), k = 1..n: equispaced, both ends excluded. */
    INTERIOR
  }

  private final Box box;
  private final int[] counts;
  private final Nodes nodes;
  private final int size;

  public TensorGrid(Box box, int[] counts, Nodes nodes) {
    if (counts.length != box.dim()) {
      throw new IllegalArgumentException("grid needs one count per box side");
    }
    long s = 1;
    for (int c : counts) {
      if (c <= 0) {
        throw new IllegalArgumentException("grid counts must be positive, got " + Arrays.toString(counts));
      }
      s *= c;
      if (s > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("grid " + Arrays.toString(counts) + " has too many points");
      }
    }
    this.box = box;
    this.counts = counts.clone();
    this.nodes = nodes;
    this.size = (int) s;
  }

  /** n nodes on every side. */
  public static TensorGrid uniform(Box box, int perSide, Nodes nodes) {
    int[] c = new int[box.dim()];
    Arrays.fill(c, perSide);
    return new TensorGrid(box, c, nodes);
  }

  /**
   * About {@code approximate} points with nearly equal spacing in every direction: side d gets
   * max(1, round(L_d·(N/volume)^{1/k})) nodes. The actual count {@link #size()} may differ from
   * N when N is not a product of such numbers (900 in the unit square gives 30×30).
   */
  public static TensorGrid withCount(Box box, int approximate, Nodes nodes) {
    return new TensorGrid(box, shape(box, approximate), nodes);
  }

  static int[] shape(Box box, int approximate) {
    int k = box.dim();
    int[] c = new int[k];
    if (k == 0) {
      return c;
    }
    double h = Math.pow(box.volume() / Math.max(1, approximate), 1.0 / k);
    for (int d = 0; d < k; d++) {
      c[d] = (int) Math.max(1, Math.round(box.extent(d) / h));
    }
    return c;
  }

  public int[] counts() {
    return counts.clone();
  }

  /** Node k (0-based) of n on side d. */
  double node(int d, int k) {
    int n = counts[d];
    return node(box, d, k, n, nodes);
  }

  static double node(Box box, int d, int k, int n, Nodes nodes) {
    if (nodes == Nodes.ENDPOINTS) {
      if (n == 1) {
        return 0.5 * (box.lower(d) + box.upper(d));
      }
      return k == n - 1 ? box.upper(d) : box.lower(d) + k * box.extent(d) / (n - 1);
    }
    return box.lower(d) + (k + 1) * box.extent(d) / (n + 1);
  }

  @Override
  public int dim() {
    return box.dim();
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public PointSet range(long seed, int from, int to) {
    PointSampler.checkRange(from, to, size);
    int r = to - from;
    int dim = box.dim();
    double[] x = new double[r * dim];
    for (int i = 0; i < r; i++) {
      int rest = from + i;
      for (int d = 0; d < dim; d++) {
        x[i + d * r] = node(d, rest % counts[d]);
        rest /= counts[d];
      }
    }
    return new PointSet(r, dim, x, null);
  }

  @Override
  public String describe() {
    StringBuilder sb = new StringBuilder("grid ");
    for (int d = 0; d < counts.length; d++) {
      sb.append(d == 0 ? "" : "×").append(counts[d]);
    }
    return sb.append(" (").append(nodes.name().toLowerCase()).append(") in ").append(box).toString();
  }
}
