package org.varpro.spark;

import java.io.Serializable;

/**
 * One raw row of tabular data: its features, labels and weight, before standardization. What
 * the readers ({@link TabularSource}) and the ML API ({@code org.varpro.ml}) produce, and what
 * {@link RowPacking} turns into row blocks.
 */
public final class ParsedRow implements Serializable {
  private static final long serialVersionUID = 1L;
  public final double[] x;
  public final double[] y;
  public final double w;

  public ParsedRow(double[] x, double[] y, double w) {
    this.x = x;
    this.y = y;
    this.w = w;
  }
}
