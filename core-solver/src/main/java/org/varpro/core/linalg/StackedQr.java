package org.varpro.core.linalg;

/**
 * The triangular factor of a triangle stacked on more rows, [R; B] = Q·R', exploiting the zeros
 * of R (and of B when B is itself a triangle): the structured Householder QR that LAPACK 3.4
 * calls dtpqrt, blocked, written here because dev.ludovic.netlib exposes LAPACK 3.2's routines
 * only. It is the one kernel of the TSQR statistics: a block of new rows (B dense, l = 0) and
 * the merge of two factors (B upper triangular, l = m) are both this call.
 *
 * <p><b>Structure.</b> R is n×n upper triangular; B is m×n whose last l rows are upper
 * trapezoidal (row m − l + i is zero left of column i). The Householder reflector of column j
 * touches row j of R and the rows of B that are nonzero in column j only: rows 0 … m − l + j.
 * So the reflector of a dense block costs 4m(n − j) flops on the trailing columns instead of
 * 4(n + m)(n − j) for the stacked dgeqrf (2n²m in all, against 2n²(m + n) − ⅔n³: the triangle is
 * never multiplied), and the merge of two triangles costs ⅔n³ instead of (10/3)n³.
 *
 * <p><b>Blocking.</b> Columns go in panels of {@link #panelWidth} columns. A panel's reflectors
 * come from LAPACK's dgeqrf on the small stacked matrix [R's diagonal block; B's active rows of
 * the panel] (its structural zeros stay exact zeros: a reflector only mixes rows that are
 * already nonzero in later columns, and 0·x is exactly 0), so in the compact WY form
 * Q = I − V·T·Vᵀ the R part of V is the identity and only B's part V₂ is stored. T comes from
 * G = V₂ᵀV₂ (one dgemm; VᵀV = I + G) by LAPACK's dlarft recurrence
 * T[0:c, c] = −τ_c · T[0:c, 0:c] · G[0:c, c], and the trailing columns are updated by three
 * level-3 calls: W = R_panel + V₂ᵀ·B, W ← Tᵀ·W, then R_panel −= W and B −= V₂·W.
 *
 * <p>The result equals the stacked Householder QR to rounding (R'ᵀR' = RᵀR + BᵀB), and a given
 * (R, B, panel width) gives the same bits every time.
 */
public final class StackedQr {
  /** Widest panel: wider panels raise the level-3 share but cost more in their own dgeqrf. */
  static final int MAX_PANEL = 128;
  /** Up to this many columns the whole factor is one panel (the stacked dgeqrf). */
  public static final int SINGLE_PANEL_COLUMNS = 64;

  private StackedQr() {}

  /**
   * The panel width for n columns: small factors are one panel (one dgeqrf of the stacked
   * matrix: its (4/3)n³ extra flops on the triangle are small, and QrStats amortizes them over
   * 8n buffered rows), larger ones take n/16 columns
   * rounded to a multiple of 16, between 32 and {@link #MAX_PANEL} (a panel's own dgeqrf costs
   * about width/n of the update's flops at level-2 speed; a narrow panel makes the update a
   * narrow rank-width product, which runs below dgemm's rate).
   */
  public static int panelWidth(int n) {
    if (n <= SINGLE_PANEL_COLUMNS) {
      return Math.max(1, n);
    }
    int w = (n / 16 + 8) / 16 * 16;
    return Math.max(32, Math.min(MAX_PANEL, w));
  }

  /**
   * R ← the R factor of [R; B], with {@link #panelWidth}(n).
   *
   * @param r n×n upper triangular, column-major, leading dimension n; overwritten
   * @param n columns
   * @param b m×n column-major, leading dimension m; destroyed
   * @param m rows of B
   * @param l trailing rows of B that are upper trapezoidal (0: dense, m: B is a triangle)
   */
  public static void factor(double[] r, int n, double[] b, int m, int l) {
    factor(r, n, b, m, l, panelWidth(n));
  }

  /** {@link #factor(double[], int, double[], int, int)} with a given panel width. */
  public static void factor(double[] r, int n, double[] b, int m, int l, int panel) {
    if (l < 0 || l > m || panel < 1) {
      throw new IllegalArgumentException("bad stacked QR shape: m = " + m + ", l = " + l + ", panel " + panel);
    }
    if (r.length < n * n || b.length < m * n) {
      throw new IllegalArgumentException("arrays too short for n = " + n + ", m = " + m);
    }
    double[] work = null;
    // W of the trailing update, w × (n − j1): largest for the first panel; one array for all panels.
    int first = Math.min(panel, n);
    double[] trailing = new double[first * (n - first)];
    for (int j0 = 0; j0 < n; j0 += panel) {
      int j1 = Math.min(n, j0 + panel);
      int w = j1 - j0;
      // B's rows that are nonzero somewhere in the panel's columns: the dense rows, then the
      // trapezoid's rows whose first nonzero column is left of j1.
      int h = (m - l) + Math.min(l, j1);
      if (h == 0) {
        continue;
      }
      int ld = w + h;
      if (work == null || work.length < ld * w) {
        work = new double[(w + m) * w];
      }
      double[] p = work;
      // P = [R's diagonal block (upper triangle, zeros below); B's active rows of the panel].
      for (int c = 0; c < w; c++) {
        int col = j0 + c;
        for (int i = 0; i < w; i++) {
          p[i + c * ld] = i <= c ? r[j0 + i + col * n] : 0.0;
        }
        System.arraycopy(b, col * m, p, w + c * ld, h);
      }
      double[] tau = Lapack.householder(p, ld, w);
      for (int c = 0; c < w; c++) {
        System.arraycopy(p, c * ld, r, j0 + (j0 + c) * n, c + 1);
      }
      int nt = n - j1;
      if (nt > 0) {
        updateTrailing(r, n, b, m, j0, w, h, p, ld, tau, trailing);
      }
    }
  }

  /**
   * Applies the panel's Qᵀ = I − V·Tᵀ·Vᵀ to R's panel rows and B's active rows, columns j0 + w … n;
   * {@code wk} holds W (w × (n − j0 − w), leading dimension w; overwritten).
   */
  private static void updateTrailing(double[] r, int n, double[] b, int m, int j0, int w, int h,
      double[] p, int ld, double[] tau, double[] wk) {
    int j1 = j0 + w;
    int nt = n - j1;
    double[] t = triangularFactor(p, ld, w, h, tau);
    // W = R[j0:j1, j1:n] + V₂ᵀ·B[0:h, j1:n]
    for (int c = 0; c < nt; c++) {
      System.arraycopy(r, j0 + (j1 + c) * n, wk, c * w, w);
    }
    Lapack.gemm(true, false, w, nt, h, 1.0, p, w, ld, b, j1 * m, m, 1.0, wk, 0, w);
    Lapack.triangularMultiply(true, t, w, w, wk, 0, w, nt);
    for (int c = 0; c < nt; c++) {
      int at = j0 + (j1 + c) * n;
      for (int i = 0; i < w; i++) {
        r[at + i] -= wk[i + c * w];
      }
    }
    Lapack.gemm(false, false, h, nt, w, -1.0, p, w, ld, wk, 0, w, 1.0, b, j1 * m, m);
  }

  /**
   * T (w×w upper triangular) of the compact WY form, LAPACK dlarft's recurrence with the inner
   * products from one level-3 product: (VᵀV)[i, c] = G[i, c] for i &lt; c, since the R part of
   * V is the identity.
   */
  private static double[] triangularFactor(double[] p, int ld, int w, int h, double[] tau) {
    double[] g = new double[w * w];
    Lapack.gemm(true, false, w, w, h, 1.0, p, w, ld, p, w, ld, 0.0, g, 0, w);
    double[] t = new double[w * w];
    double[] x = new double[w];
    for (int c = 0; c < w; c++) {
      t[c + c * w] = tau[c];
      if (tau[c] == 0.0) {
        continue; // H_c = I: its column of T stays zero
      }
      for (int i = 0; i < c; i++) {
        double s = 0;
        for (int k = i; k < c; k++) {
          s += t[i + k * w] * g[k + c * w];
        }
        x[i] = s;
      }
      for (int i = 0; i < c; i++) {
        t[i + c * w] = -tau[c] * x[i];
      }
    }
    return t;
  }
}
