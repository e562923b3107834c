package org.varpro.core.pde;

import java.io.Serializable;
import java.util.Arrays;

/** An axis-aligned box [lower_0, upper_0] × … × [lower_{d−1}, upper_{d−1}]. */
public final class Box implements Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] lower;
  private final double[] upper;

  public Box(double[] lower, double[] upper) {
    if (lower.length != upper.length) {
      throw new IllegalArgumentException("box corners have different dimensions");
    }
    for (int d = 0; d < lower.length; d++) {
      if (!(Double.isFinite(lower[d]) && Double.isFinite(upper[d]) && lower[d] < upper[d])) {
        throw new IllegalArgumentException("box side " + d + " must be a finite interval with lower < upper, got ["
            + lower[d] + ", " + upper[d] + "]");
      }
    }
    this.lower = lower.clone();
    this.upper = upper.clone();
  }

  /** The unit cube [0, 1]^d. */
  public static Box unit(int dim) {
    double[] hi = new double[dim];
    Arrays.fill(hi, 1.0);
    return new Box(new double[dim], hi);
  }

  public int dim() {
    return lower.length;
  }

  public double lower(int d) {
    return lower[d];
  }

  public double upper(int d) {
    return upper[d];
  }

  public double extent(int d) {
    return upper[d] - lower[d];
  }

  /** Product of the side lengths (1 for a zero-dimensional box). */
  public double volume() {
    double v = 1;
    for (int d = 0; d < dim(); d++) {
      v *= extent(d);
    }
    return v;
  }

  /** The box without side {@code d}: the shape of the faces normal to variable d. */
  public Box without(int d) {
    double[] lo = new double[dim() - 1];
    double[] hi = new double[dim() - 1];
    for (int a = 0, b = 0; a < dim(); a++) {
      if (a != d) {
        lo[b] = lower[a];
        hi[b] = upper[a];
        b++;
      }
    }
    return new Box(lo, hi);
  }

  /** lower + (upper − lower)·u, coordinate-wise. */
  public double map(int d, double u) {
    return lower[d] + (upper[d] - lower[d]) * u;
  }

  public boolean contains(double[] point) {
    for (int d = 0; d < dim(); d++) {
      if (point[d] < lower[d] || point[d] > upper[d]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Box b && Arrays.equals(b.lower, lower) && Arrays.equals(b.upper, upper);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(lower) + Arrays.hashCode(upper);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (int d = 0; d < dim(); d++) {
      sb.append(d == 0 ? "" : "×").append('[').append(lower[d]).append(", ").append(upper[d]).append(']');
    }
    return sb.toString();
  }
}
