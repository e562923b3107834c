package org.varpro.core.pde;

/**
 * N points in a box from a {@link PointSequence} (uniform random, Sobol, Halton): point i is
 * lower + (upper − lower)·u_i with u_i the sequence's point i for the seed.
 */
public final class BoxSampler implements PointSampler {
  private static final long serialVersionUID = 1L;

  private final Box box;
  private final int count;
  private final PointSequence sequence;

  public BoxSampler(Box box, int count, PointSequence sequence) {
    if (count < 0) {
      throw new IllegalArgumentException("point count must be >= 0");
    }
    if (box.dim() > sequence.maxDimension()) {
      throw new IllegalArgumentException(sequence.describe() + " supports at most "
          + sequence.maxDimension() + " dimensions, the box has " + box.dim());
    }
    this.box = box;
    this.count = count;
    this.sequence = sequence;
  }

  public Box box() {
    return box;
  }

  public PointSequence sequence() {
    return sequence;
  }

  @Override
  public int dim() {
    return box.dim();
  }

  @Override
  public int size() {
    return count;
  }

  @Override
  public PointSet range(long seed, int from, int to) {
    PointSampler.checkRange(from, to, count);
    int r = to - from;
    int dim = box.dim();
    double[] x = new double[r * dim];
    double[] u = new double[dim];
    for (int i = 0; i < r; i++) {
      sequence.point(seed, from + i, u);
      for (int d = 0; d < dim; d++) {
        x[i + d * r] = box.map(d, u[d]);
      }
    }
    return new PointSet(r, dim, x, null);
  }

  @Override
  public String describe() {
    return count + " " + sequence.describe() + " points in " + box;
  }
}
