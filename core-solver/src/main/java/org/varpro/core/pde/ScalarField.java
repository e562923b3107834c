package org.varpro.core.pde;

import java.io.Serializable;

/**
 * A real function of a point: PDE coefficients, sources, boundary and initial data, exact
 * solutions. The point holds the problem's variables in the order {@link LinearPde#variables()}
 * lists them (the spatial variables and the time variable, if any).
 *
 * <p>The interface is {@link Serializable}, so a lambda assigned to it is serializable and can be
 * shipped to Spark executors. Implementations must be safe to call from several threads and must
 * not keep or modify the point array.
 */
@FunctionalInterface
public interface ScalarField extends Serializable {
  double value(double[] point);

  /** The same value everywhere. Row generation drops operator terms whose coefficient is 0. */
  static ScalarField constant(double value) {
    return new Constant(value);
  }

  ScalarField ZERO = new Constant(0);

  /** Whether this field is a constant (the same value everywhere), as {@link #constant} makes. */
  default boolean isConstant() {
    return this instanceof Constant;
  }

  /** A field with the same value everywhere. */
  record Constant(double value) implements ScalarField {
    @Override
    public double value(double[] point) {
      return value;
    }

    @Override
    public String toString() {
      return Double.toString(value);
    }
  }
}
