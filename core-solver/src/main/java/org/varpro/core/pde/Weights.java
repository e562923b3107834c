package org.varpro.core.pde;

import java.io.Serializable;

/**
 * Row weights per group. The loss is F = ½ Σ_i w_i r_i², so:
 * <ul>
 *   <li>{@link Weight#mean()} for the interior gives w = 1/m_I (m_I interior rows): the mean
 *       squared interior residual;
 *   <li>{@link Weight#mean()} for the boundary or the initial group gives w = 1/(m_B + m_0), the
 *       number of boundary and initial rows <i>together</i>: with both mean, the boundary and
 *       initial rows form a single mean-squared term;
 *   <li>{@link Weight#fixed(double)} is the per-row weight itself.
 * </ul>
 * The default, {@link #mean()}, is mean weighting for all three groups, so
 * F = ½ (mean squared interior residual + mean squared boundary/initial residual): the loss of the
 * PINN benchmarks (DESIGN §4). Row counts are the global ones (all partitions), so every
 * partition gets the same weights.
 */
public final class Weights implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A group's weight: {@code scale / count} when {@code isMean}, else {@code scale} per row. */
  public record Weight(boolean isMean, double scale) implements Serializable {
    public Weight {
      if (!(scale >= 0) || !Double.isFinite(scale)) {
        throw new IllegalArgumentException("weights must be finite and >= 0, got " + scale);
      }
    }

    public static Weight mean() {
      return new Weight(true, 1.0);
    }

    /** {@code scale} times the mean weighting. */
    public static Weight mean(double scale) {
      return new Weight(true, scale);
    }

    public static Weight fixed(double perRow) {
      return new Weight(false, perRow);
    }

    double resolve(long count) {
      if (!isMean) {
        return scale;
      }
      return count == 0 ? 0 : scale / count;
    }

    @Override
    public String toString() {
      return isMean ? (scale == 1 ? "mean" : scale + "*mean") : Double.toString(scale);
    }
  }

  private final Weight interior;
  private final Weight boundary;
  private final Weight initial;

  public Weights(Weight interior, Weight boundary, Weight initial) {
    this.interior = interior;
    this.boundary = boundary;
    this.initial = initial;
  }

  /** Mean weighting everywhere (the default). */
  public static Weights mean() {
    return new Weights(Weight.mean(), Weight.mean(), Weight.mean());
  }

  public Weight interior() {
    return interior;
  }

  public Weight boundary() {
    return boundary;
  }

  public Weight initial() {
    return initial;
  }

  public Weight of(RowGroup group) {
    return switch (group) {
      case INTERIOR -> interior;
      case BOUNDARY -> boundary;
      case INITIAL -> initial;
    };
  }

  /** Per-row weights {interior, boundary, initial} for these global row counts. */
  public double[] resolve(long interiorRows, long boundaryRows, long initialRows) {
    return new double[] {interior.resolve(interiorRows), boundary.resolve(boundaryRows + initialRows),
        initial.resolve(boundaryRows + initialRows)};
  }

  @Override
  public String toString() {
    return "interior=" + interior + " boundary=" + boundary + " initial=" + initial;
  }
}
