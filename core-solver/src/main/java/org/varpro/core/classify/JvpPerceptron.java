package org.varpro.core.classify;

import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.Activation;
import org.varpro.core.model.Channels;
import org.varpro.core.model.Initialization;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.model.TangentFeatureMap;

/**
 * A {@link Perceptron} with an exact forward-mode Jacobian-vector product, for value-channel
 * rows (classification and plain regression).
 *
 * <p>It holds a {@link Perceptron} built from the same arguments and delegates to it for the
 * initial parameters and the reverse-mode products; the forward pass with tangents is
 * re-implemented here. It reads the perceptron's parameter layout
 * (per layer W_l, out×in column-major, then b_l when biases are
 * on) and its features a = [s·h_L, 1] with s = α/√(last width), with the same BLAS calls and
 * activation code, so the features agree with the perceptron's bit for bit. Per layer:
 * <pre>
 *   z = h Wᵀ + b,  ż = ḣ Wᵀ + h Ẇᵀ + ḃ,  h' = σ(z),  ḣ' = σ'(z) ż,   with ḣ_0 = 0.
 * </pre>
 */
public final class JvpPerceptron implements TangentFeatureMap {
  private static final long serialVersionUID = 1L;

  private final Perceptron perceptron;
  private final int[] widths;
  private final Activation activation;
  private final boolean bias;
  private final boolean constantFeature;
  private final double outputScale;
  private final int[] weightOffset;
  private final int[] biasOffset;

  /** The arguments of {@link Perceptron#Perceptron}, with the same meaning. */
  public JvpPerceptron(int[] widths, Activation activation, boolean bias, boolean constantFeature,
      double alpha, Initialization init, double boxLow, double boxHigh, double boxSlope) {
    this.perceptron = new Perceptron(widths, activation, bias, constantFeature, alpha, init,
        boxLow, boxHigh, boxSlope);
    // The layout and the output scale are the perceptron's: read, never re-derived.
    this.widths = perceptron.widths();
    this.activation = perceptron.activation();
    this.bias = perceptron.hasBias();
    this.constantFeature = perceptron.hasConstantFeature();
    this.outputScale = perceptron.outputScale();
    int layers = this.widths.length - 1;
    weightOffset = new int[layers];
    biasOffset = new int[layers];
    for (int l = 0; l < layers; l++) {
      weightOffset[l] = perceptron.weightOffset(l);
      biasOffset[l] = perceptron.biasOffset(l);
    }
  }

  /** As {@link Perceptron#of}: biases, a constant feature, α = 1, Xavier initialization. */
  public static JvpPerceptron of(Activation activation, int... widths) {
    return new JvpPerceptron(widths, activation, true, true, 1.0, Initialization.XAVIER, 0, 1, 2);
  }

  /** The perceptron this map mirrors (same features, parameters and products). */
  public Perceptron perceptron() {
    return perceptron;
  }

  @Override
  public int inputDim() {
    return widths[0];
  }

  @Override
  public int numFeatures() {
    return perceptron.numFeatures();
  }

  @Override
  public int numParams() {
    return perceptron.numParams();
  }

  @Override
  public double[] initialParams(long seed) {
    return perceptron.initialParams(seed);
  }

  /** Value-channel rows only: the tangent pass does not propagate input derivatives. */
  @Override
  public boolean supports(Channels channels) {
    return channels.inputDim() == inputDim() && channels.count() == 1;
  }

  @Override
  public void features(double[] theta, RowBlock block, double[] a, int offA) {
    perceptron.features(theta, block, a, offA);
  }

  @Override
  public void rowJacobianProducts(double[] theta, RowBlock block, double[][] cotangents,
      double[] a, int offA, double[][] out, int[] offOut) {
    perceptron.rowJacobianProducts(theta, block, cotangents, a, offA, out, offOut);
  }

  @Override
  public double[] sumJacobianProduct(double[] theta, RowBlock block, double[] cotangent) {
    return perceptron.sumJacobianProduct(theta, block, cotangent);
  }

  @Override
  public String describe() {
    return perceptron.describe() + " jvp=forward";
  }

  @Override
  public void jacobianVectorProduct(double[] theta, RowBlock block, double[] v, double[] a,
      int offA, double[] out, int offOut) {
    if (block.coef != null || block.channels.count() != 1) {
      throw new IllegalArgumentException("the Jacobian-vector product supports value-channel rows only");
    }
    int rows = block.rows;
    double[] h = new double[rows * widths[0]];
    System.arraycopy(block.x, 0, h, 0, rows * widths[0]);
    double[] hdot = null;
    double[] d4 = new double[4];
    for (int l = 1; l < widths.length; l++) {
      int in = widths[l - 1];
      int o = widths[l];
      double[] z = new double[rows * o];
      Lapack.gemm(false, true, rows, o, in, 1.0, h, 0, rows, theta, weightOffset[l - 1], o, 0.0,
          z, 0, rows);
      double[] zdot = new double[rows * o];
      Lapack.gemm(false, true, rows, o, in, 1.0, h, 0, rows, v, weightOffset[l - 1], o, 0.0,
          zdot, 0, rows);
      if (hdot != null) {
        Lapack.gemm(false, true, rows, o, in, 1.0, hdot, 0, rows, theta, weightOffset[l - 1], o,
            1.0, zdot, 0, rows);
      }
      if (bias) {
        for (int j = 0; j < o; j++) {
          double b = theta[biasOffset[l - 1] + j];
          double bd = v[biasOffset[l - 1] + j];
          for (int i = 0; i < rows; i++) {
            z[i + j * rows] += b;
            zdot[i + j * rows] += bd;
          }
        }
      }
      for (int k = 0; k < rows * o; k++) {
        activation.derivatives(z[k], d4);
        z[k] = d4[0];
        zdot[k] *= d4[1];
      }
      h = z;
      hdot = zdot;
    }
    int hidden = widths[widths.length - 1];
    for (int k = 0; k < rows * hidden; k++) {
      out[offOut + k] = outputScale * hdot[k];
      if (a != null) {
        a[offA + k] = outputScale * h[k];
      }
    }
    if (constantFeature) {
      for (int i = 0; i < rows; i++) {
        out[offOut + hidden * rows + i] = 0.0;
        if (a != null) {
          a[offA + hidden * rows + i] = 1.0;
        }
      }
    }
  }
}
