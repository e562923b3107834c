package org.varpro.core.baseline;

import java.util.Arrays;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.Residuals;
import org.varpro.core.model.RowBlock;

/**
 * The separable least-squares problem with nothing eliminated, for the baselines that train all
 * parameters jointly (Adam, L-BFGS):
 * <pre>
 *   F(θ, C) = ½ Σ_i w_i ‖a_i(θ) C − y_i‖² + ½ λ ‖C‖²_F
 * </pre>
 * with C n×k column-major. The parameters are packed as one vector x = [θ ; vec(C)] of length
 * p + n·k. The exact gradient is
 * <pre>
 *   ∂F/∂C = Σ_blocks Aᵀ W (A C − Y) + λ C,
 *   ∂F/∂θ = Σ_blocks Σ_i Σ_l U[i,l] ∂a_il/∂θ   with the cotangent U = W (A C − Y) Cᵀ (rows×n),
 * </pre>
 * Rows may combine derivative channels (PDE rows); the feature map takes care of that.
 *
 * <p>Cost: with few outputs (k ≤ {@value #FUSED_MAX_OUTPUTS}) one forward pass per row gives
 * both A and the per-output prediction Jacobians (see {@link #FUSED_MAX_OUTPUTS}); otherwise the
 * gradient takes the features pass and one {@link FeatureMap#sumJacobianProduct} pass with U.
 * A loss-only evaluation is one features pass.
 */
public final class FullProblem {
  private final FeatureMap map;
  private final RowBlock[] blocks;
  private final double lambda;
  private final int p;
  private final int n;
  private final int k;

  public FullProblem(FeatureMap map, RowBlock[] blocks, double lambda) {
    if (blocks.length == 0) {
      throw new IllegalArgumentException("no rows to fit");
    }
    if (lambda < 0 || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("lambda must be finite and >= 0, got " + lambda);
    }
    int outputs = blocks[0].outputs;
    for (RowBlock b : blocks) {
      if (b.outputs != outputs || b.inputDim != map.inputDim()) {
        throw new IllegalArgumentException("row block has " + b.inputDim + " inputs and " + b.outputs
            + " outputs; the feature map expects " + map.inputDim() + " inputs and all blocks "
            + outputs + " outputs");
      }
      if (!map.supports(b.channels)) {
        throw new IllegalArgumentException(map.describe() + " does not support channels " + b.channels);
      }
    }
    this.map = map;
    this.blocks = blocks.clone();
    this.lambda = lambda;
    this.p = map.numParams();
    this.n = map.numFeatures();
    this.k = outputs;
  }

  public FeatureMap featureMap() {
    return map;
  }

  public RowBlock[] blocks() {
    return blocks.clone();
  }

  public double lambda() {
    return lambda;
  }

  /** p: the nonlinear parameters θ. */
  public int thetaLength() {
    return p;
  }

  /** n·k: the output weights C. */
  public int cLength() {
    return n * k;
  }

  /** Length of the packed vector [θ ; vec(C)]. */
  public int dimension() {
    return p + n * k;
  }

  public int features() {
    return n;
  }

  public int outputs() {
    return k;
  }

  public double[] pack(double[] theta, double[] c) {
    if (theta.length != p || c.length != n * k) {
      throw new IllegalArgumentException("expected θ of length " + p + " and C of length " + n * k
          + ", got " + theta.length + " and " + c.length);
    }
    double[] x = new double[p + n * k];
    System.arraycopy(theta, 0, x, 0, p);
    System.arraycopy(c, 0, x, p, n * k);
    return x;
  }

  public double[] theta(double[] x) {
    return Arrays.copyOfRange(x, 0, p);
  }

  public double[] c(double[] x) {
    return Arrays.copyOfRange(x, p, p + n * k);
  }

  /** F at the packed parameters. */
  public double loss(double[] x) {
    return evaluate(x, null);
  }

  /** F at the packed parameters; the gradient is written to {@code gradient} (same length). */
  public double lossAndGradient(double[] x, double[] gradient) {
    if (gradient == null || gradient.length != dimension()) {
      throw new IllegalArgumentException("gradient array must have length " + dimension());
    }
    return evaluate(x, gradient);
  }

  private double evaluate(double[] x, double[] gradient) {
    if (x.length != dimension()) {
      throw new IllegalArgumentException("parameter vector has length " + x.length + ", expected " + dimension());
    }
    double[] theta = theta(x);
    double[] c = c(x);
    if (gradient != null) {
      Arrays.fill(gradient, 0.0);
    }
    double loss = 0;
    for (RowBlock b : blocks) {
      if (gradient == null) {
        loss += blockLoss(theta, c, b);
      } else if (k <= fusedMaxOutputs) {
        int chunk = Math.max(1, fusedMaxDoubles / Math.max(1, k * p));
        for (int from = 0; from < b.rows; from += chunk) {
          RowBlock part = chunk >= b.rows ? b : b.slice(from, Math.min(b.rows, from + chunk));
          loss += fusedBlock(theta, c, part, gradient);
        }
      } else {
        loss += twoPassBlock(theta, c, b, gradient);
      }
    }
    double cc = 0;
    for (int i = 0; i < n * k; i++) {
      cc += c[i] * c[i];
      if (gradient != null) {
        gradient[p + i] += lambda * c[i];
      }
    }
    return loss + 0.5 * lambda * cc;
  }

  /**
   * Outputs up to which the gradient takes one forward pass per row: the parameter Jacobian of
   * each output's prediction, J_j = ∂(A c_j)/∂θ (rows×p), comes from the row-wise products with
   * the residual-free cotangents 1·c_jᵀ in the same pass that gives A, and then
   * ∂F/∂θ = Σ_j J_jᵀ (W r_j). With more outputs, two passes (features, then one reverse pass with
   * U = W R Cᵀ) are cheaper.
   */
  static final int FUSED_MAX_OUTPUTS = 4;
  /** Bound on the k·rows·p doubles of the fused path; larger blocks go in row chunks. */
  static final int FUSED_MAX_DOUBLES = 1 << 22;

  /** The strategy thresholds; package-private so that tests can force either path. */
  int fusedMaxOutputs = FUSED_MAX_OUTPUTS;
  int fusedMaxDoubles = FUSED_MAX_DOUBLES;

  private double blockLoss(double[] theta, double[] c, RowBlock b) {
    return Residuals.halfWeightedSquares(b, Residuals.of(map, theta, c, b), false);
  }

  /** res ← W res; returns ½ Σ w r². */
  private static double weightResidual(RowBlock b, double[] res) {
    return Residuals.halfWeightedSquares(b, res, true);
  }

  private double fusedBlock(double[] theta, double[] c, RowBlock b, double[] gradient) {
    int r = b.rows;
    double[] a = new double[r * n];
    double[][] cot = new double[k][r * n];
    double[][] jac = new double[k][r * p];
    int[] offs = new int[k];
    for (int j = 0; j < k; j++) {
      for (int l = 0; l < n; l++) {
        Arrays.fill(cot[j], l * r, (l + 1) * r, c[l + j * n]);
      }
    }
    map.rowJacobianProducts(theta, b, cot, a, 0, jac, offs);
    double[] res = b.y.clone();
    Lapack.gemm(false, false, r, k, n, 1.0, a, 0, r, c, 0, n, -1.0, res, 0, r);
    double loss = weightResidual(b, res);
    // ∂F/∂C += Aᵀ (W R); ∂F/∂θ += Σ_j J_jᵀ (W r_j).
    Lapack.gemm(true, false, n, k, r, 1.0, a, 0, r, res, 0, r, 1.0, gradient, p, n);
    for (int j = 0; j < k; j++) {
      Lapack.gemm(true, false, p, 1, r, 1.0, jac[j], 0, r, res, j * r, r, 1.0, gradient, 0, p);
    }
    return loss;
  }

  private double twoPassBlock(double[] theta, double[] c, RowBlock b, double[] gradient) {
    int r = b.rows;
    double[] a = new double[r * n];
    map.features(theta, b, a, 0);
    double[] res = b.y.clone();
    Lapack.gemm(false, false, r, k, n, 1.0, a, 0, r, c, 0, n, -1.0, res, 0, r);
    double loss = weightResidual(b, res);
    // ∂F/∂C += Aᵀ (W R).
    Lapack.gemm(true, false, n, k, r, 1.0, a, 0, r, res, 0, r, 1.0, gradient, p, n);
    // U = (W R) Cᵀ, rows×n; ∂F/∂θ += Σ_il U[i,l] ∂a_il/∂θ.
    double[] u = new double[r * n];
    Lapack.gemm(false, true, r, n, k, 1.0, res, 0, r, c, 0, n, 0.0, u, 0, r);
    double[] g = map.sumJacobianProduct(theta, b, u);
    for (int q = 0; q < p; q++) {
      gradient[q] += g[q];
    }
    return loss;
  }

  /** Predictions A(θ)·C for one block, rows×k column-major. */
  public static double[] predict(FeatureMap map, double[] theta, double[] c, RowBlock block) {
    int r = block.rows;
    int n = map.numFeatures();
    int k = block.outputs;
    if (c.length != n * k) {
      throw new IllegalArgumentException("C has length " + c.length + ", expected " + n * k);
    }
    double[] a = new double[r * n];
    map.features(theta, block, a, 0);
    double[] out = new double[r * k];
    Lapack.gemm(false, false, r, k, n, 1.0, a, 0, r, c, 0, n, 0.0, out, 0, r);
    return out;
  }

  public double[] predict(double[] theta, double[] c, RowBlock block) {
    return predict(map, theta, c, block);
  }

  /**
   * Relative error ‖pred − y‖_F / ‖y‖_F over all rows of the blocks (weights ignored). For PDE
   * rows the "prediction" is the operator applied to the model, compared with the right-hand side.
   */
  public static double relativeError(FeatureMap map, double[] theta, double[] c, RowBlock... blocks) {
    double num = 0;
    double den = 0;
    for (RowBlock b : blocks) {
      double[] pred = predict(map, theta, c, b);
      for (int i = 0; i < pred.length; i++) {
        double d = pred[i] - b.y[i];
        num += d * d;
        den += b.y[i] * b.y[i];
      }
    }
    return Math.sqrt(num) / Math.sqrt(den);
  }

  /** Relative error over this problem's own rows. */
  public double relativeError(double[] theta, double[] c) {
    return relativeError(map, theta, c, blocks);
  }
}
