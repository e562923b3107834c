package org.varpro.core.stats;

import java.util.Locale;

/** How the stacked weighted rows M of a pass are summarized. */
public enum StatsKind {
  /** TSQR: the triangular factor R with RᵀR = MᵀM. Stable: no squared condition number. */
  QR,
  /** Gram sums MᵀM: fast, but the accuracy is capped by cond(A)². */
  GRAM,
  /** The rows themselves, for the dual (m×m) step solve when rows are fewer than parameters. */
  ROWS;

  public static StatsKind parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown statistics kind '" + name + "' (expected qr, gram or rows)");
    }
  }

  public AugmentedStats empty(int cols) {
    return switch (this) {
      case QR -> new QrStats(cols);
      case GRAM -> new GramStats(cols);
      case ROWS -> new RowStats(cols);
    };
  }
}
