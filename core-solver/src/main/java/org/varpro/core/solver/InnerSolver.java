package org.varpro.core.solver;

import org.varpro.core.linalg.Lapack;
import org.varpro.core.linalg.Svd;
import org.varpro.core.stats.AugmentedStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.StatsKind;
import org.varpro.core.stats.Triangular;

/**
 * The inner linear solve of DESIGN §2.2 on the driver: C(θ) = (G + λI)⁻¹B and the exact reduced
 * loss f_λ = ½(s − tr(BᵀC)), from either summary of M = [W½A | W½Y].
 *
 * <p>From a TSQR factor the √λ·I rows are appended and re-factored, so C = R11⁻¹R1Y and
 * f_λ = ½‖R_YY‖²_F without squaring. With λ = 0 the solve is rank-revealing: singular values of
 * W½A below a relative cut-off (the rank tolerance) count as zero, and C is the minimum-norm
 * least-squares solution over the others, C = V Σ⁺ Uᵀ R1Y (as an SVD least-squares solve with a
 * rank tolerance does). No ridge and no stop: the rank is reported (DESIGN §2.4) and the caller
 * goes on.
 */
public final class InnerSolver {
  private InnerSolver() {}

  /** The solve with the default rank tolerance, {@link #defaultRankTolerance}. */
  public static InnerSolution solve(ProjectionStats ps, double lambda) {
    return solve(ps, lambda, 0);
  }

  /**
   * @param rankTolerance relative cut-off on the singular values of W½A (σ_i ≤ tol·σ_max count as
   *     zero); 0 takes {@link #defaultRankTolerance}
   */
  public static InnerSolution solve(ProjectionStats ps, double lambda, double rankTolerance) {
    if (lambda < 0 || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
    }
    if (!(rankTolerance >= 0 && rankTolerance < 1)) {
      throw new IllegalArgumentException("rank tolerance must be in [0, 1), got " + rankTolerance);
    }
    AugmentedStats s = ps.stats;
    double tol = rankTolerance > 0 ? rankTolerance : defaultRankTolerance(ps.features);
    return s.kind() == StatsKind.GRAM
        ? fromGram(s.gram(), ps.features, ps.outputs, lambda, tol)
        : fromFactor(s.triangular(), ps.features, ps.outputs, lambda, tol);
  }

  /**
   * Default relative cut-off on the singular values of the triangle R11 (those of W½A): n·ε, the
   * rounding level of a triangular factor. A duplicated unit gives σ_min/σ_max at the level of ε;
   * ill-conditioned but distinct features (smooth tanh features reach 1e-10) stay above it and
   * are all used, and the QR least-squares residual remains backward stable for them.
   */
  public static double defaultRankTolerance(int n) {
    return Math.max(n, 1) * Math.ulp(1.0);
  }

  /**
   * Rank diagnostic: eigenvalues of G above λ, or above eigenvalueCutoff·λ_max when λ = 0
   * ((tol·σ_max)² from a factor, see {@link #gramCutoff} for Gram sums).
   */
  static int effectiveRank(double[] eigenvaluesAscending, double lambda, double eigenvalueCutoff) {
    int n = eigenvaluesAscending.length;
    double max = n == 0 ? 0 : Math.max(0, eigenvaluesAscending[n - 1]);
    double threshold = lambda > 0 ? lambda : max * eigenvalueCutoff;
    int rank = 0;
    for (double e : eigenvaluesAscending) {
      if (e > threshold) {
        rank++;
      }
    }
    return max == 0 ? 0 : rank;
  }

  private static InnerSolution fromFactor(Triangular t, int n, int k, double lambda, double tol) {
    double[] r11 = t.block(0, n, 0, n);
    double[] sv = Lapack.singularValues(r11.clone(), n, n);
    double[] eig = new double[n];
    for (int i = 0; i < n; i++) {
      eig[i] = sv[n - 1 - i] * sv[n - 1 - i];
    }
    int rank = effectiveRank(eig, lambda, tol * tol);
    double[] c = new double[n * k];
    double loss;
    if (lambda > 0) {
      Triangular rl = appendRidgeRows(t, n, lambda);
      double[] r11l = rl.block(0, n, 0, n);
      c = rl.block(0, n, n, n + k);
      Lapack.triangularSolve(false, r11l, 0, n, n, c, 0, n, k);
      loss = 0.5 * frobeniusSquared(rl.block(n, rl.rows(), n, n + k));
      return new InnerSolution(c, n, k, lambda, loss, eig, rank, false);
    }
    double[] r1y = t.block(0, n, n, n + k);
    double tail = 0.5 * frobeniusSquared(t.block(n, Math.max(n, t.rows()), n, n + k));
    if (rank == n) {
      System.arraycopy(r1y, 0, c, 0, n * k);
      Lapack.triangularSolve(false, r11, 0, n, n, c, 0, n, k);
      return new InnerSolution(c, n, k, 0, tail, eig, rank, false);
    }
    // Minimum-norm C = V Σ⁺ Uᵀ R1Y over the numerically nonzero singular values.
    Svd svd = Lapack.svd(r11.clone(), n, n);
    double cutoff = svd.s()[0] * tol;
    double[] uty = new double[n * k];
    Lapack.gemm(true, false, n, k, n, 1.0, svd.u(), 0, n, r1y, 0, n, 0.0, uty, 0, n);
    for (int i = 0; i < n; i++) {
      double inv = svd.s()[i] > cutoff ? 1 / svd.s()[i] : 0;
      for (int j = 0; j < k; j++) {
        uty[i + j * n] *= inv;
      }
    }
    Lapack.gemm(true, false, n, k, n, 1.0, svd.vt(), 0, n, uty, 0, n, 0.0, c, 0, n);
    double[] fit = r1y.clone();
    Lapack.gemm(false, false, n, k, n, -1.0, r11, 0, n, c, 0, n, 1.0, fit, 0, n);
    loss = tail + 0.5 * frobeniusSquared(fit);
    return new InnerSolution(c, n, k, 0, loss, eig, rank, true);
  }

  /** The factor of [R; √λ·I_n 0]: Tikhonov regularization as extra rows (DESIGN §2.3). */
  public static Triangular appendRidgeRows(Triangular t, int n, double lambda) {
    int rows = t.rows() + n;
    int cols = t.cols();
    double[] m = new double[rows * cols];
    for (int j = 0; j < cols; j++) {
      System.arraycopy(t.r(), j * t.rows(), m, j * rows, t.rows());
    }
    double sl = Math.sqrt(lambda);
    for (int i = 0; i < n; i++) {
      m[t.rows() + i + i * rows] = sl;
    }
    return new Triangular(Math.min(rows, cols), cols, Lapack.qrFactor(m, rows, cols));
  }

  private static InnerSolution fromGram(double[] m, int n, int k, double lambda, double tol) {
    int cols = n + k;
    double[] g = new double[n * n];
    double[] b = new double[n * k];
    for (int j = 0; j < n; j++) {
      System.arraycopy(m, j * cols, g, j * n, n);
    }
    for (int j = 0; j < k; j++) {
      System.arraycopy(m, (n + j) * cols, b, j * n, n);
    }
    double[] vectors = g.clone();
    double[] eig = Lapack.symmetricEigen(vectors, n);
    double cutoff = gramCutoff(tol, n);
    int rank = effectiveRank(eig, lambda, cutoff);
    double[] gl = g.clone();
    for (int i = 0; i < n; i++) {
      gl[i + i * n] += lambda;
    }
    double[] c = b.clone();
    boolean singular = lambda == 0 && rank < n;
    if (!singular && Lapack.cholesky(gl, n)) {
      // Cholesky: G_λ = UᵀU, C = U⁻¹U⁻ᵀB.
      Lapack.triangularSolve(true, gl, 0, n, n, c, 0, n, k);
      Lapack.triangularSolve(false, gl, 0, n, n, c, 0, n, k);
    } else {
      // Eigen fall-back: C = V (Λ + λ)⁺ Vᵀ B over the eigenvalues above the rank threshold.
      double max = eig[n - 1];
      double[] vtb = new double[n * k];
      Lapack.gemm(true, false, n, k, n, 1.0, vectors, 0, n, b, 0, n, 0.0, vtb, 0, n);
      for (int i = 0; i < n; i++) {
        double e = eig[i] + lambda;
        double inv = eig[i] > max * cutoff || lambda > 0 ? 1 / e : 0;
        for (int j = 0; j < k; j++) {
          vtb[i + j * n] *= inv;
        }
      }
      Lapack.gemm(false, false, n, k, n, 1.0, vectors, 0, n, vtb, 0, n, 0.0, c, 0, n);
      singular = true;
    }
    double loss = 0;
    for (int j = 0; j < k; j++) {
      double s = m[(n + j) + (n + j) * cols];
      double bc = 0;
      for (int i = 0; i < n; i++) {
        bc += b[i + j * n] * c[i + j * n];
      }
      loss += 0.5 * (s - bc);
    }
    return new InnerSolution(c, n, k, lambda, Math.max(loss, 0), eig, rank, singular && lambda == 0);
  }

  /**
   * Relative eigenvalue cut-off of G from Gram sums: (tol)², but never below n·ε, the rounding
   * level of the summed eigenvalues themselves (a Gram matrix cannot resolve singular values of
   * A below √(nε)·σ_max, so an exactly dependent column shows up as an eigenvalue near ε·λ_max).
   */
  static double gramCutoff(double tol, int n) {
    return Math.max(tol * tol, Math.max(n, 1) * Math.ulp(1.0));
  }

  static double frobeniusSquared(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v * v;
    }
    return s;
  }
}
