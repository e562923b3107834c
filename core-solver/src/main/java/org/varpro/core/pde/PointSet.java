package org.varpro.core.pde;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Points in d dimensions, column-major: coordinate k of point i is {@code x[i + k·count]}.
 * Boundary points carry the id of their {@link Face} in {@code face}; {@code face} is null for
 * interior and test points.
 */
public final class PointSet implements Serializable {
  private static final long serialVersionUID = 1L;

  public final int count;
  public final int dim;
  public final double[] x;
  public final int[] face;

  public PointSet(int count, int dim, double[] x, int[] face) {
    if (count < 0 || x.length != (long) count * dim) {
      throw new IllegalArgumentException("point array does not match " + count + " points × " + dim + " dims");
    }
    if (face != null && face.length != count) {
      throw new IllegalArgumentException("face tags do not match the point count");
    }
    this.count = count;
    this.dim = dim;
    this.x = x;
    this.face = face;
  }

  public static PointSet empty(int dim) {
    return new PointSet(0, dim, new double[0], null);
  }

  public double get(int i, int d) {
    return x[i + d * count];
  }

  /** Point i as a new array. */
  public double[] point(int i) {
    double[] p = new double[dim];
    point(i, p);
    return p;
  }

  /** Writes point i into {@code out}. */
  public void point(int i, double[] out) {
    for (int d = 0; d < dim; d++) {
      out[d] = x[i + d * count];
    }
  }

  /** Face id of point i, or −1 when the set has no face tags. */
  public int faceId(int i) {
    return face == null ? -1 : face[i];
  }

  /** Points [from, to). */
  public PointSet slice(int from, int to) {
    int r = to - from;
    double[] out = new double[r * dim];
    for (int d = 0; d < dim; d++) {
      System.arraycopy(x, from + d * count, out, d * r, r);
    }
    return new PointSet(r, dim, out, face == null ? null : Arrays.copyOfRange(face, from, to));
  }

  /** The points whose face id satisfies the filter, in order. */
  public PointSet select(java.util.function.IntPredicate faceFilter) {
    int r = 0;
    for (int i = 0; i < count; i++) {
      if (faceFilter.test(faceId(i))) {
        r++;
      }
    }
    double[] out = new double[r * dim];
    int[] tags = face == null ? null : new int[r];
    for (int i = 0, k = 0; i < count; i++) {
      if (faceFilter.test(faceId(i))) {
        for (int d = 0; d < dim; d++) {
          out[k + d * r] = x[i + d * count];
        }
        if (tags != null) {
          tags[k] = face[i];
        }
        k++;
      }
    }
    return new PointSet(r, dim, out, tags);
  }

  /** The sets one after another; face tags are kept when every set has them. */
  public static PointSet concat(PointSet... sets) {
    int dim = sets[0].dim;
    int total = 0;
    boolean tagged = true;
    for (PointSet s : sets) {
      if (s.dim != dim) {
        throw new IllegalArgumentException("cannot concatenate point sets of different dimensions");
      }
      total += s.count;
      tagged &= s.face != null;
    }
    double[] out = new double[total * dim];
    int[] tags = tagged ? new int[total] : null;
    int at = 0;
    for (PointSet s : sets) {
      for (int d = 0; d < dim; d++) {
        System.arraycopy(s.x, d * s.count, out, at + d * total, s.count);
      }
      if (tags != null) {
        System.arraycopy(s.face, 0, tags, at, s.count);
      }
      at += s.count;
    }
    return new PointSet(total, dim, out, tags);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PointSet p && p.count == count && p.dim == dim && Arrays.equals(p.x, x)
        && Arrays.equals(p.face, face);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(x) + Arrays.hashCode(face);
  }
}
