package org.varpro.core.pde;

import java.util.Arrays;
import java.util.List;

/**
 * Points on faces of a box (boundary faces and the initial slice t = t_min), each tagged with its
 * face id ({@link PointSet#face}). On a face normal to variable v the coordinate v is exactly the
 * face's lower or upper bound; the other coordinates fill the face.
 *
 * <p>Two layouts:
 * <ul>
 *   <li><b>Per face</b> ({@link #perFace}, {@link #proportional}): face f gets n_f points, indices
 *       are face 0's points, then face 1's, and so on. The points of a face come from a
 *       (d−1)-dimensional {@link PointSequence} with a seed derived from (seed, face id), or,
 *       when the sequence is null, from a tensor grid of interior nodes of the face
 *       ({@link TensorGrid.Nodes#INTERIOR}: corners and edges, shared by faces, are avoided; a
 *       face grid has about n_f points, see {@link TensorGrid#withCount}).
 *   <li><b>Union</b> ({@link #union}): point i is the sequence's d-dimensional point i; its first
 *       coordinate picks the face with probability proportional to its measure, the other d−1
 *       place the point on the face. This samples the union of faces uniformly; with a
 *       low-discrepancy sequence the face counts are stratified, with uniform random points
 *       they are multinomial. {@link #faceCounts} then scans the indices to count.
 * </ul>
 * A face of a one-dimensional box is a point; its n_f points are copies of it.
 */
public final class FaceSampler implements PointSampler {
  private static final long serialVersionUID = 1L;

  private final Box box;
  private final Face[] faces;
  private final PointSequence sequence;
  private final boolean union;
  /** Per face: point counts and first indices (per-face layout). */
  private final int[] counts;
  private final int[] starts;
  /** Per face: grid shape on the face (grid layout only). */
  private final int[][] gridShapes;
  /** Union layout: cumulative measure fractions, length faces + 1. */
  private final double[] cumulative;
  private final int size;

  private FaceSampler(Box box, Face[] faces, PointSequence sequence, boolean union, int[] requested,
      int total) {
    if (faces.length == 0) {
      throw new IllegalArgumentException("no faces to sample");
    }
    for (Face f : faces) {
      if (f.variable() >= box.dim()) {
        throw new IllegalArgumentException("face of variable " + f.variable() + " outside a "
            + box.dim() + "-dimensional box");
      }
    }
    if (Arrays.stream(faces).map(Face::id).distinct().count() != faces.length) {
      throw new IllegalArgumentException("faces are listed twice");
    }
    this.box = box;
    this.faces = faces.clone();
    this.sequence = sequence;
    this.union = union;
    int needDim = union ? box.dim() : box.dim() - 1;
    if (sequence != null && needDim > sequence.maxDimension()) {
      throw new IllegalArgumentException(sequence.describe() + " supports at most "
          + sequence.maxDimension() + " dimensions, the faces need " + needDim);
    }
    if (union) {
      if (sequence == null) {
        throw new IllegalArgumentException("the union layout needs a point sequence, not a grid");
      }
      if (total < 0) {
        throw new IllegalArgumentException("point count must be >= 0");
      }
      double all = 0;
      for (Face f : faces) {
        all += f.measure(box);
      }
      cumulative = new double[faces.length + 1];
      for (int f = 0; f < faces.length; f++) {
        cumulative[f + 1] = cumulative[f] + faces[f].measure(box) / all;
      }
      counts = null;
      starts = null;
      gridShapes = null;
      size = total;
    } else {
      if (requested.length != faces.length) {
        throw new IllegalArgumentException("one point count per face is needed");
      }
      cumulative = null;
      counts = new int[faces.length];
      starts = new int[faces.length + 1];
      gridShapes = sequence == null ? new int[faces.length][] : null;
      long s = 0;
      for (int f = 0; f < faces.length; f++) {
        if (requested[f] < 0) {
          throw new IllegalArgumentException("face point counts must be >= 0");
        }
        int n = requested[f];
        if (gridShapes != null && box.dim() > 1) {
          gridShapes[f] = n == 0 ? null : TensorGrid.shape(box.without(faces[f].variable()), n);
          n = n == 0 ? 0 : Arrays.stream(gridShapes[f]).reduce(1, (a, b) -> a * b);
        }
        counts[f] = n;
        starts[f] = (int) s;
        s += n;
      }
      if (s > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("too many face points");
      }
      starts[faces.length] = (int) s;
      size = (int) s;
    }
  }

  /** Given counts per face; {@code sequence == null} puts a grid on each face. */
  public static FaceSampler perFace(Box box, List<Face> faces, int[] counts, PointSequence sequence) {
    return new FaceSampler(box, faces.toArray(new Face[0]), sequence, false, counts, -1);
  }

  /**
   * {@code total} points split over the faces in proportion to their measure (largest-remainder
   * rounding, ties to the earlier face, so the counts add up to {@code total});
   * {@code sequence == null} puts a grid on each face.
   */
  public static FaceSampler proportional(Box box, List<Face> faces, int total, PointSequence sequence) {
    return perFace(box, faces, proportionalCounts(box, faces, total), sequence);
  }

  /** {@code total} points uniform over the union of the faces (see the class comment). */
  public static FaceSampler union(Box box, List<Face> faces, int total, PointSequence sequence) {
    return new FaceSampler(box, faces.toArray(new Face[0]), sequence, true, null, total);
  }

  /** Largest-remainder split of {@code total} in proportion to the face measures. */
  public static int[] proportionalCounts(Box box, List<Face> faces, int total) {
    if (total < 0) {
      throw new IllegalArgumentException("point count must be >= 0");
    }
    int k = faces.size();
    double all = 0;
    for (Face f : faces) {
      all += f.measure(box);
    }
    int[] c = new int[k];
    double[] remainder = new double[k];
    int used = 0;
    for (int f = 0; f < k; f++) {
      double share = total * faces.get(f).measure(box) / all;
      c[f] = (int) Math.floor(share);
      remainder[f] = share - c[f];
      used += c[f];
    }
    while (used < total) {
      int best = 0;
      for (int f = 1; f < k; f++) {
        if (remainder[f] > remainder[best]) {
          best = f;
        }
      }
      c[best]++;
      remainder[best] = -1;
      used++;
    }
    return c;
  }

  public Box box() {
    return box;
  }

  public List<Face> faces() {
    return List.of(faces);
  }

  public boolean isUnion() {
    return union;
  }

  /**
   * Points per face (in {@link #faces()} order) for this seed: fixed in the per-face layout; in
   * the union layout found by scanning all indices (O(N·d)).
   */
  public int[] faceCounts(long seed) {
    if (!union) {
      return counts.clone();
    }
    int[] c = new int[faces.length];
    double[] u = new double[box.dim()];
    for (int i = 0; i < size; i++) {
      sequence.point(seed, i, u);
      c[select(u[0])]++;
    }
    return c;
  }

  private int select(double u0) {
    for (int f = 0; f < faces.length - 1; f++) {
      if (u0 < cumulative[f + 1]) {
        return f;
      }
    }
    return faces.length - 1;
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
    int[] tags = new int[r];
    double[] p = new double[dim];
    if (union) {
      double[] u = new double[dim];
      for (int i = 0; i < r; i++) {
        sequence.point(seed, from + i, u);
        int f = select(u[0]);
        place(faces[f], u, 1, p);
        store(x, r, i, p);
        tags[i] = faces[f].id();
      }
    } else {
      double[] u = new double[Math.max(0, dim - 1)];
      int f = 0;
      for (int i = 0; i < r; i++) {
        int index = from + i;
        while (index >= starts[f + 1]) {
          f++;
        }
        int local = index - starts[f];
        Face face = faces[f];
        if (dim == 1) {
          p[0] = face.coordinate(box);
        } else if (sequence != null) {
          sequence.point(Hash.mix(seed, 0xFACEL + face.id()), local, u);
          place(face, u, 0, p);
        } else {
          gridPoint(face, gridShapes[f], local, p);
        }
        store(x, r, i, p);
        tags[i] = face.id();
      }
    }
    return new PointSet(r, dim, x, tags);
  }

  /** Face coordinate exact; the others from u[offset..]. */
  private void place(Face face, double[] u, int offset, double[] p) {
    for (int d = 0, k = offset; d < box.dim(); d++) {
      if (d == face.variable()) {
        p[d] = face.coordinate(box);
      } else {
        p[d] = box.map(d, u[k++]);
      }
    }
  }

  private void gridPoint(Face face, int[] shape, int local, double[] p) {
    int rest = local;
    for (int d = 0, k = 0; d < box.dim(); d++) {
      if (d == face.variable()) {
        p[d] = face.coordinate(box);
      } else {
        p[d] = TensorGrid.node(box, d, rest % shape[k], shape[k], TensorGrid.Nodes.INTERIOR);
        rest /= shape[k];
        k++;
      }
    }
  }

  private static void store(double[] x, int r, int i, double[] p) {
    for (int d = 0; d < p.length; d++) {
      x[i + d * r] = p[d];
    }
  }

  @Override
  public String describe() {
    return size + " " + (sequence == null ? "grid" : sequence.describe()) + " points on " + faces.length
        + " faces" + (union ? " (uniform over their union)" : " (fixed counts per face)");
  }
}
