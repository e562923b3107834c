package org.varpro.core.solver;

import org.varpro.core.linalg.Lapack;
import org.varpro.core.linalg.StackedQr;
import org.varpro.core.linalg.Svd;

/**
 * Step from the stacked triangular blocks: min ‖Jδ − b‖² + μ‖S⁻¹δ‖² with J = [R22; R11⁻ᵀE]
 * (the Kaufman rows, plus Golub-Pereyra rows when asked) and b = [R2y; 0]. H = JᵀJ is never
 * formed: each trial μ solves the damped problem as the least-squares problem
 * [JS; √μ·I] δ̃ ≈ [b; 0] by Householder QR, several times cheaper than the SVD of JS that
 * would serve every μ (kept as the fall-back for μ = 0). With at least as many rows as
 * parameters JS is first reduced to a triangle, and each trial factors the triangle stacked on
 * the diagonal √μ·I with the structured merge of {@link StackedQr} (⅔p³ flops, the two
 * triangles' zeros never touched) instead of a dense QR of the 2p × p stack (about 3.3p³).
 */
final class FactorStepSolver extends StepSolver {
  private final double[] js;
  private final double[] rhs;
  private final int rows;
  /**
   * [R | Qᵀb] as a (p+1)×(p+1) upper triangle (row p unused) when JS was reduced to the
   * triangle R; null when there are fewer rows than parameters.
   */
  private final double[] triangle;
  private Svd svd;

  private FactorStepSolver(double[] gradient, double[] diag, boolean diagonalScaling, double[] j,
      int rows, double[] b) {
    super(gradient, diag, diagonalScaling);
    int p = params;
    double[] scaled = new double[rows * p];
    for (int q = 0; q < p; q++) {
      for (int i = 0; i < rows; i++) {
        scaled[i + q * rows] = j[i + q * rows] * scale[q];
      }
    }
    if (rows > p) {
      // Compress the tall stack: the R factor of [JS | b] keeps the same least-squares steps.
      double[] aug = new double[rows * (p + 1)];
      System.arraycopy(scaled, 0, aug, 0, rows * p);
      System.arraycopy(b, 0, aug, rows * p, rows);
      double[] r = Lapack.qrFactor(aug, rows, p + 1);
      int rr = Math.min(rows, p + 1);
      this.js = new double[p * p];
      this.rhs = new double[p];
      for (int q = 0; q < p; q++) {
        System.arraycopy(r, q * rr, js, q * p, Math.min(q + 1, p));
      }
      System.arraycopy(r, p * rr, rhs, 0, p);
      this.rows = p;
      // rows ≥ p + 1, so the factor is the (p+1)×(p+1) triangle [R | Qᵀb] itself.
      this.triangle = r;
    } else {
      this.js = scaled;
      this.rhs = b.clone();
      this.rows = rows;
      this.triangle = rows == p && upperTriangular(js, p) ? augmentedTriangle(js, rhs, p) : null;
    }
  }

  /** Whether the p×p column-major matrix has exact zeros below its diagonal (R22 of a factor). */
  private static boolean upperTriangular(double[] a, int p) {
    for (int q = 0; q < p; q++) {
      for (int i = q + 1; i < p; i++) {
        if (a[i + q * p] != 0) {
          return false;
        }
      }
    }
    return true;
  }

  /** [R | c] padded with a zero row to a (p+1)×(p+1) upper triangle. */
  private static double[] augmentedTriangle(double[] r, double[] c, int p) {
    int n = p + 1;
    double[] t = new double[n * n];
    for (int q = 0; q < p; q++) {
      System.arraycopy(r, q * p, t, q * n, q + 1);
    }
    System.arraycopy(c, 0, t, p * n, p);
    return t;
  }

  /** @param j stacked rows (rows × p), b right-hand side; g = −Jᵀb, diag(H) = column norms². */
  static FactorStepSolver of(double[] j, int rows, int p, double[] b, boolean diagonalScaling) {
    double[] g = new double[p];
    double[] diag = new double[p];
    for (int q = 0; q < p; q++) {
      double s = 0;
      double d = 0;
      for (int i = 0; i < rows; i++) {
        double v = j[i + q * rows];
        s -= v * b[i];
        d += v * v;
      }
      g[q] = s;
      diag[q] = d;
    }
    return new FactorStepSolver(g, diag, diagonalScaling, j, rows, b);
  }

  @Override
  protected double[] solveScaled(double mu) {
    return mu > 0 ? dampedQr(mu) : pseudoInverse();
  }

  /** QR of [JS b; √μI 0] ((rows+p) × (p+1)); then δ̃ = R⁻¹ (Qᵀ[b; 0])_{1..p}. */
  private double[] dampedQr(double mu) {
    int p = params;
    if (triangle != null) {
      return dampedTriangle(mu);
    }
    int m = rows + p;
    double[] a = new double[m * (p + 1)];
    double sm = Math.sqrt(mu);
    for (int q = 0; q < p; q++) {
      System.arraycopy(js, q * rows, a, q * m, rows);
      a[rows + q + q * m] = sm;
    }
    System.arraycopy(rhs, 0, a, p * m, rows);
    double[] r = Lapack.qrFactor(a, m, p + 1);
    int rr = Math.min(m, p + 1);
    double[] d = new double[p];
    for (int q = 0; q < p; q++) {
      d[q] = r[q + p * rr];
    }
    Lapack.triangularSolve(false, r, 0, rr, p, d, 0, p, 1);
    return d;
  }

  /**
   * The same solve from the triangle: the structured factor of [R c; √μI 0] (B = √μ·I is
   * itself a triangle, so l = p), then δ̃ from its leading p×p block and column p.
   */
  private double[] dampedTriangle(double mu) {
    int p = params;
    int n = p + 1;
    double[] r = triangle.clone();
    double[] damping = new double[p * n];
    double sm = Math.sqrt(mu);
    for (int q = 0; q < p; q++) {
      damping[q + q * p] = sm;
    }
    StackedQr.factor(r, n, damping, p, p);
    double[] d = new double[p];
    System.arraycopy(r, p * n, d, 0, p);
    Lapack.triangularSolve(false, r, 0, n, p, d, 0, p, 1);
    return d;
  }

  /** μ = 0: the minimum-norm Gauss-Newton step from the SVD of JS. */
  private double[] pseudoInverse() {
    int p = params;
    if (svd == null) {
      svd = Lapack.svd(js.clone(), rows, p);
    }
    int k = svd.rank();
    double[] utb = new double[k];
    Lapack.gemm(true, false, k, 1, rows, 1.0, svd.u(), 0, rows, rhs, 0, rows, 0.0, utb, 0, k);
    double cutoff = k == 0 ? 0 : svd.s()[0] * Math.max(rows, p) * Math.ulp(1.0);
    for (int i = 0; i < k; i++) {
      utb[i] = svd.s()[i] > cutoff ? utb[i] / svd.s()[i] : 0;
    }
    double[] d = new double[p];
    Lapack.gemm(true, false, p, 1, k, 1.0, svd.vt(), 0, k, utb, 0, k, 0.0, d, 0, p);
    return d;
  }
}
