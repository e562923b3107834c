package org.varpro.core.pde;

import java.io.Serializable;

/**
 * A face of the box: variable {@code variable} at its lower ({@code upper == false}) or upper
 * end. Its id, 2·variable + (upper ? 1 : 0), tags boundary points.
 */
public record Face(int variable, boolean upper) implements Serializable {
  public Face {
    if (variable < 0) {
      throw new IllegalArgumentException("face variable must be >= 0");
    }
  }

  public static Face lower(int variable) {
    return new Face(variable, false);
  }

  public static Face upper(int variable) {
    return new Face(variable, true);
  }

  public static Face ofId(int id) {
    return new Face(id / 2, (id & 1) == 1);
  }

  public int id() {
    return 2 * variable + (upper ? 1 : 0);
  }

  /** +1 on an upper face, −1 on a lower one: the outward normal is sign·e_variable. */
  public double outwardSign() {
    return upper ? 1.0 : -1.0;
  }

  /** The coordinate of the face within the box. */
  public double coordinate(Box box) {
    return upper ? box.upper(variable) : box.lower(variable);
  }

  /** (d−1)-dimensional measure of the face: product of the other sides (1 in one dimension). */
  public double measure(Box box) {
    double m = 1;
    for (int d = 0; d < box.dim(); d++) {
      if (d != variable) {
        m *= box.extent(d);
      }
    }
    return m;
  }
}
