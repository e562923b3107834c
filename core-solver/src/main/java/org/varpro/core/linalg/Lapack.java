package org.varpro.core.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.netlib.util.intW;

/**
 * The one place that talks to netlib BLAS/LAPACK. Matrices are column-major {@code double[]}
 * with an explicit leading dimension, as LAPACK wants them. Loading this class chooses the
 * native library first ({@link BlasLoader}), so every JVM that computes (launcher, tests, Spark
 * executors) gets the same choice before netlib's first use.
 */
public final class Lapack {
  private static final BlasLoader.Loaded LOADED = BlasLoader.load();
  public static final BLAS BLAS_ = LOADED.blas();
  public static final LAPACK LAPACK_ = LOADED.lapack();

  private Lapack() {}

  /**
   * Which implementations were loaded and from where, e.g. "BLAS=JNIBLAS LAPACK=JNILAPACK from
   * bundled OpenBLAS 0.3.31-1.5.13 (/home/u/.cache/varpro/…/libopenblas.so.0)".
   */
  public static String describe() {
    return LOADED.describe();
  }

  /** Where BLAS/LAPACK come from: bundled, system, java or netlib-properties. */
  public static String source() {
    return LOADED.source();
  }

  /** The native files BLAS and LAPACK run from (empty for pure Java). */
  public static List<String> libraryFiles() {
    return LOADED.files();
  }

  /** The summary.json fields: blas (as {@link #describe()}), blas_source, blas_library. */
  public static Map<String, Object> summaryFields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("blas", describe());
    m.put("blas_source", source());
    m.put("blas_library", libraryFiles());
    return m;
  }

  /** True when BLAS runs through JNI (OpenBLAS or another native library). */
  public static boolean isNative() {
    return LOADED.isNative();
  }

  static void check(intW info, String routine) {
    if (info.val != 0) {
      throw new ArithmeticException(routine + " failed with info=" + info.val);
    }
  }

  /** C(m×n) = alpha·op(A)·op(B) + beta·C, all column-major. */
  public static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
      double[] a, int offA, int lda, double[] b, int offB, int ldb, double beta,
      double[] c, int offC, int ldc) {
    if (m == 0 || n == 0) {
      return;
    }
    if (k == 0) {
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
          c[offC + i + j * ldc] *= beta;
        }
      }
      return;
    }
    BLAS_.dgemm(transA ? "T" : "N", transB ? "T" : "N", m, n, k, alpha, a, offA, Math.max(1, lda),
        b, offB, Math.max(1, ldb), beta, c, offC, Math.max(1, ldc));
  }

  /**
   * Gram update G(n×n) += Aᵀ·A for A (rows×n, column-major), the whole matrix: the upper
   * triangle by {@link #gramUpdateUpper}, then mirrored.
   */
  public static void gramUpdate(double[] a, int rows, int n, double[] g) {
    gramUpdateUpper(a, rows, n, g);
    mirrorUpper(g, n);
  }

  /**
   * Gram update of the upper triangle: G's upper triangle (n×n, column-major, diagonal included)
   * += that of Aᵀ·A for A (rows×n, column-major). G's strictly lower triangle is left undefined:
   * native BLAS gets dsyrk, which does not touch it; the pure-Java fallback gets dgemm, which is
   * several times faster there than its dsyrk and updates it too. A fold that only reads the
   * matrix at its end mirrors it once ({@link #mirrorUpper}) instead of after every block (a
   * strided copy of n(n−1)/2 numbers: 3-7% of the dsyrk of a 2048-row block at n = 2042).
   */
  public static void gramUpdateUpper(double[] a, int rows, int n, double[] g) {
    if (rows == 0) {
      return;
    }
    if (isNative()) {
      BLAS_.dsyrk("U", "T", n, rows, 1.0, a, Math.max(1, rows), 1.0, g, n);
    } else {
      BLAS_.dgemm("T", "N", n, n, rows, 1.0, a, rows, a, rows, 1.0, g, n);
    }
  }

  /** dst += src on the upper triangle (diagonal included) of two n × n column-major arrays. */
  public static void addUpper(double[] src, double[] dst, int n) {
    for (int col = 0; col < n; col++) {
      for (int i = col * n, end = i + col + 1; i < end; i++) {
        dst[i] += src[i];
      }
    }
  }

  /** Copies the upper triangle of the n×n column-major g to its lower one, in cache-sized tiles. */
  public static void mirrorUpper(double[] g, int n) {
    final int tile = 64;
    for (int jb = 0; jb < n; jb += tile) {
      int jEnd = Math.min(jb + tile, n);
      for (int ib = jb; ib < n; ib += tile) {
        int iEnd = Math.min(ib + tile, n);
        for (int j = jb; j < jEnd; j++) {
          for (int i = Math.max(ib, j + 1); i < iEnd; i++) {
            g[i + j * n] = g[j + i * n];
          }
        }
      }
    }
  }

  /**
   * Upper-trapezoidal factor R (min(rows,cols) × cols) of a rows×cols matrix, Householder QR.
   * The input array is overwritten.
   */
  public static double[] qrFactor(double[] a, int rows, int cols) {
    int k = Math.min(rows, cols);
    if (k == 0) {
      return new double[0];
    }
    double[] tau = new double[k];
    intW info = new intW(0);
    double[] query = new double[1];
    LAPACK_.dgeqrf(rows, cols, a, rows, tau, query, -1, info);
    double[] work = new double[Math.max(1, (int) query[0])];
    LAPACK_.dgeqrf(rows, cols, a, rows, tau, work, work.length, info);
    check(info, "dgeqrf");
    double[] r = new double[k * cols];
    for (int j = 0; j < cols; j++) {
      int top = Math.min(j + 1, k);
      System.arraycopy(a, j * rows, r, j * k, top);
    }
    return r;
  }

  /** Thin singular value decomposition A = U·diag(s)·Vᵀ of an m×n matrix (A overwritten). */
  public static Svd svd(double[] a, int m, int n) {
    int k = Math.min(m, n);
    double[] s = new double[k];
    double[] u = new double[m * k];
    double[] vt = new double[k * n];
    if (k == 0) {
      return new Svd(m, n, s, u, vt);
    }
    intW info = new intW(0);
    int[] iwork = new int[8 * k];
    double[] query = new double[1];
    LAPACK_.dgesdd("S", m, n, a, m, s, u, m, vt, k, query, -1, iwork, info);
    double[] work = new double[Math.max(1, (int) query[0])];
    LAPACK_.dgesdd("S", m, n, a, m, s, u, m, vt, k, work, work.length, iwork, info);
    if (info.val > 0) {
      // dgesdd's divide and conquer did not converge: fall back to the QR iteration of dgesvd.
      info.val = 0;
      LAPACK_.dgesvd("S", "S", m, n, a, m, s, u, m, vt, k, query, -1, info);
      work = new double[Math.max(1, (int) query[0])];
      LAPACK_.dgesvd("S", "S", m, n, a, m, s, u, m, vt, k, work, work.length, info);
    }
    check(info, "dgesdd");
    return new Svd(m, n, s, u, vt);
  }

  /** Symmetric eigen-decomposition (ascending eigenvalues); a (n×n) is overwritten by vectors. */
  public static double[] symmetricEigen(double[] a, int n) {
    double[] w = new double[n];
    if (n == 0) {
      return w;
    }
    intW info = new intW(0);
    double[] query = new double[1];
    int[] iquery = new int[1];
    LAPACK_.dsyevd("V", "U", n, a, n, w, query, -1, iquery, -1, info);
    double[] work = new double[Math.max(1, (int) query[0])];
    int[] iwork = new int[Math.max(1, iquery[0])];
    LAPACK_.dsyevd("V", "U", n, a, n, w, work, work.length, iwork, iwork.length, info);
    check(info, "dsyevd");
    return w;
  }

  /**
   * Cholesky factor (upper, in place) of a symmetric positive definite n×n matrix.
   * Returns false, leaving a partially overwritten, when the matrix is not positive definite.
   */
  public static boolean cholesky(double[] a, int n) {
    intW info = new intW(0);
    LAPACK_.dpotrf("U", n, a, n, info);
    if (info.val > 0) {
      return false;
    }
    check(info, "dpotrf");
    for (int j = 0; j < n; j++) {
      for (int i = j + 1; i < n; i++) {
        a[i + j * n] = 0.0;
      }
    }
    return true;
  }

  /**
   * Solves op(R)·X = B in place for an upper triangular n×n R (ld = ldr) and B (n×nrhs, ld = ldb).
   */
  public static void triangularSolve(boolean transpose, double[] r, int offR, int ldr, int n,
      double[] b, int offB, int ldb, int nrhs) {
    if (n == 0 || nrhs == 0) {
      return;
    }
    BLAS_.dtrsm("L", "U", transpose ? "T" : "N", "N", n, nrhs, 1.0, r, offR, ldr, b, offB, ldb);
  }

  /** B (m×n, ld = ldb) ← op(T)·B for an upper triangular m×m T (ld = ldt). */
  public static void triangularMultiply(boolean transpose, double[] t, int ldt, int m, double[] b, int offB,
      int ldb, int n) {
    if (m == 0 || n == 0) {
      return;
    }
    BLAS_.dtrmm("L", "U", transpose ? "T" : "N", "N", m, n, 1.0, t, 0, Math.max(1, ldt), b, offB,
        Math.max(1, ldb));
  }

  /**
   * Householder QR of A (m×n, m ≥ n, overwritten by the reflectors); returns tau. Pair with
   * {@link #applyQ} to project other columns without forming Q.
   */
  public static double[] householder(double[] a, int m, int n) {
    double[] tau = new double[Math.min(m, n)];
    if (tau.length == 0) {
      return tau;
    }
    intW info = new intW(0);
    double[] query = new double[1];
    LAPACK_.dgeqrf(m, n, a, m, tau, query, -1, info);
    double[] work = new double[Math.max(1, (int) query[0])];
    LAPACK_.dgeqrf(m, n, a, m, tau, work, work.length, info);
    check(info, "dgeqrf");
    return tau;
  }

  /** B (m×nb) ← Q·B or Qᵀ·B for the Q of {@link #householder}. */
  public static void applyQ(boolean transpose, double[] reflectors, int m, int n, double[] tau,
      double[] b, int nb) {
    if (nb == 0 || tau.length == 0) {
      return;
    }
    intW info = new intW(0);
    double[] query = new double[1];
    String t = transpose ? "T" : "N";
    LAPACK_.dormqr("L", t, m, nb, tau.length, reflectors, m, tau, b, m, query, -1, info);
    double[] work = new double[Math.max(1, (int) query[0])];
    LAPACK_.dormqr("L", t, m, nb, tau.length, reflectors, m, tau, b, m, work, work.length, info);
    check(info, "dormqr");
  }

  /**
   * The upper triangle of K(m×m) += A·Aᵀ for A (m×p, column-major at a[offA], leading dimension
   * lda): the dual Gram matrix (dsyrk when native; the pure-Java fallback gets dgemm, which
   * updates the whole of K). K's strictly lower triangle is otherwise left as it was.
   */
  public static void gramUpdateTransposedUpper(double[] a, int offA, int lda, int m, int p, double[] k) {
    if (m == 0 || p == 0) {
      return;
    }
    if (isNative()) {
      BLAS_.dsyrk("U", "N", m, p, 1.0, a, offA, Math.max(1, lda), 1.0, k, 0, m);
    } else {
      BLAS_.dgemm("N", "T", m, m, p, 1.0, a, offA, Math.max(1, lda), a, offA, Math.max(1, lda), 1.0, k, 0, m);
    }
  }

  /** Singular values only (descending) of an m×n matrix (A overwritten): no vectors, cheap. */
  public static double[] singularValues(double[] a, int m, int n) {
    int k = Math.min(m, n);
    double[] s = new double[k];
    if (k == 0) {
      return s;
    }
    intW info = new intW(0);
    int[] iwork = new int[8 * k];
    double[] query = new double[1];
    double[] none = new double[1];
    LAPACK_.dgesdd("N", m, n, a, m, s, none, 1, none, 1, query, -1, iwork, info);
    double[] work = new double[Math.max(1, (int) query[0])];
    LAPACK_.dgesdd("N", m, n, a, m, s, none, 1, none, 1, work, work.length, iwork, info);
    check(info, "dgesdd");
    return s;
  }
}
