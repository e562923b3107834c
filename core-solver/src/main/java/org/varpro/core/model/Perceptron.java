package org.varpro.core.model;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.varpro.core.linalg.Lapack;

/**
 * A multilayer perceptron x ↦ φ(x) of any depth whose last hidden layer gives the features:
 * a = [s·φ(x), 1] with the output scaling s = α/√(last width) and an optional constant column
 * for the output bias. The linear output layer is not part of θ: VarPro eliminates it.
 *
 * <p>Input derivatives (value, ∂_i, ∂_i∂_j) are propagated forward through the layers in Taylor
 * mode, z^{(c)} = W h^{(c)}, and per layer
 * <pre>
 *   h = σ(z),  h_i = σ'(z) z_i,  h_ij = σ''(z) z_i z_j + σ'(z) z_ij,
 * </pre>
 * so a linear differential operator applied to the features costs one forward pass; the
 * parameter Jacobian products are the exact reverse-mode derivatives of that propagation.
 *
 * <p>Layout: θ holds, layer by layer, W_l (out×in, column-major) then b_l when biases are on.
 * Activations of a block of R rows with C channels are (R·C)×width column-major, row index
 * c·R + i, so each layer is one dgemm over all channels.
 */
public final class Perceptron implements FeatureMap {
  private static final long serialVersionUID = 1L;

  private final int[] widths;
  private final Activation activation;
  private final boolean bias;
  private final boolean constantFeature;
  private final double outputScale;
  private final Initialization init;
  private final double boxLow;
  private final double boxHigh;
  private final double boxSlope;
  private final int[] weightOffset;
  private final int[] biasOffset;
  private final int numParams;

  /**
   * @param widths input dimension, then the hidden widths (at least one hidden layer)
   * @param alpha output scaling α: features are multiplied by α/√(last width)
   * @param boxLow lower corner of the input box (BOX initialization; every coordinate)
   * @param boxHigh upper corner of the input box
   * @param boxSlope pre-activation change across the box (BOX initialization)
   */
  public Perceptron(int[] widths, Activation activation, boolean bias, boolean constantFeature,
      double alpha, Initialization init, double boxLow, double boxHigh, double boxSlope) {
    if (widths.length < 2) {
      throw new IllegalArgumentException("a perceptron needs an input dimension and at least one hidden layer");
    }
    for (int w : widths) {
      if (w <= 0) {
        throw new IllegalArgumentException("layer widths must be positive, got " + Arrays.toString(widths));
      }
    }
    if (!(boxHigh > boxLow)) {
      throw new IllegalArgumentException("box initialization needs low < high");
    }
    this.widths = widths.clone();
    this.activation = activation;
    this.bias = bias;
    this.constantFeature = constantFeature;
    this.outputScale = alpha / Math.sqrt(widths[widths.length - 1]);
    this.init = init;
    this.boxLow = boxLow;
    this.boxHigh = boxHigh;
    this.boxSlope = boxSlope;
    int layers = widths.length - 1;
    weightOffset = new int[layers];
    biasOffset = new int[layers];
    int off = 0;
    for (int l = 0; l < layers; l++) {
      weightOffset[l] = off;
      off += widths[l] * widths[l + 1];
      biasOffset[l] = off;
      if (bias) {
        off += widths[l + 1];
      }
    }
    numParams = off;
  }

  /** The common case: biases, a constant feature, α = 1, Xavier initialization. */
  public static Perceptron of(Activation activation, int... widths) {
    return new Perceptron(widths, activation, true, true, 1.0, Initialization.XAVIER, 0, 1, 2);
  }

  /** Deep linear features a(x) = W_L···W_1 x: identity activation, no biases, no constant. */
  public static Perceptron deepLinear(int... widths) {
    return new Perceptron(widths, Activation.IDENTITY, false, false, Math.sqrt(widths[widths.length - 1]),
        Initialization.XAVIER, 0, 1, 2);
  }

  private int layers() {
    return widths.length - 1;
  }

  /** Input dimension, then the hidden widths. */
  public int[] widths() {
    return widths.clone();
  }

  public Activation activation() {
    return activation;
  }

  public boolean hasBias() {
    return bias;
  }

  public boolean hasConstantFeature() {
    return constantFeature;
  }

  /** s = α/√(last width): the factor of the hidden features. */
  public double outputScale() {
    return outputScale;
  }

  /** Where W_l (out×in, column-major) of hidden layer l (0-based) starts in θ. */
  public int weightOffset(int layer) {
    return weightOffset[layer];
  }

  /** Where b_l starts in θ (meaningful when {@link #hasBias()}). */
  public int biasOffset(int layer) {
    return biasOffset[layer];
  }

  private int hiddenFeatures() {
    return widths[widths.length - 1];
  }

  @Override
  public int inputDim() {
    return widths[0];
  }

  @Override
  public int numFeatures() {
    return hiddenFeatures() + (constantFeature ? 1 : 0);
  }

  @Override
  public int numParams() {
    return numParams;
  }

  /**
   * With one hidden layer, W[a, b] and b[a] move hidden feature a only (the constant feature has
   * no parameter); deeper networks share every first-layer parameter among all features.
   */
  @Override
  public int[] parameterFeatures() {
    if (layers() != 1) {
      return null;
    }
    int out = widths[1];
    int[] pf = new int[numParams];
    Arrays.fill(pf, -1);
    for (int a = 0; a < out; a++) {
      for (int b = 0; b < widths[0]; b++) {
        pf[weightOffset[0] + a + b * out] = a;
      }
      if (bias) {
        pf[biasOffset[0] + a] = a;
      }
    }
    for (int f : pf) {
      if (f < 0) {
        throw new IllegalStateException("a parameter of " + describe() + " is neither a weight nor a bias");
      }
    }
    return pf;
  }

  @Override
  public boolean supports(Channels channels) {
    return channels.inputDim() == inputDim();
  }

  @Override
  public String describe() {
    StringBuilder sb = new StringBuilder("perceptron ");
    for (int l = 0; l < widths.length; l++) {
      sb.append(l == 0 ? "" : "→").append(widths[l]);
    }
    return sb.append(" activation=").append(activation.name().toLowerCase())
        .append(" bias=").append(bias).append(" constant=").append(constantFeature)
        .append(" scale=").append(outputScale).append(" init=").append(init.name().toLowerCase())
        .append(" p=").append(numParams).toString();
  }

  @Override
  public double[] initialParams(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] theta = new double[numParams];
    for (int l = 0; l < layers(); l++) {
      int in = widths[l];
      int out = widths[l + 1];
      // Inputs of the first layer live in the user's box; later ones in the activation's range.
      double lo = l == 0 ? boxLow : -1;
      double hi = l == 0 ? boxHigh : 1;
      for (int a = 0; a < out; a++) {
        switch (init) {
          case XAVIER, HE -> {
            double sd = init == Initialization.XAVIER ? Math.sqrt(2.0 / (in + out)) : Math.sqrt(2.0 / in);
            for (int b = 0; b < in; b++) {
              theta[weightOffset[l] + a + b * out] = sd * rng.nextGaussian();
            }
            if (bias) {
              theta[biasOffset[l] + a] = sd * rng.nextGaussian();
            }
          }
          case BOX -> {
            double[] normal = new double[in];
            double norm = 0;
            for (int b = 0; b < in; b++) {
              normal[b] = rng.nextGaussian();
              norm += normal[b] * normal[b];
            }
            norm = Math.sqrt(norm);
            double k = boxSlope / (hi - lo);
            double offset = 0;
            for (int b = 0; b < in; b++) {
              double w = k * normal[b] / norm;
              double point = lo + (hi - lo) * rng.nextDouble();
              theta[weightOffset[l] + a + b * out] = w;
              offset -= w * point;
            }
            if (bias) {
              theta[biasOffset[l] + a] = offset;
            }
          }
          default -> throw new IllegalStateException();
        }
      }
    }
    return theta;
  }

  /** Activations and activation derivatives of one forward pass over a block. */
  private final class Forward {
    final int rows;
    final int channelCount;
    final Channels channels;
    /** h[l]: (R·C)×widths[l]; h[0] holds the inputs and their derivatives. */
    final double[][] h;
    /** z[l]: pre-activations of layer l (index 1..L). */
    final double[][] z;
    /** sigma[l]: σ', σ'', σ''' at the value pre-activation, 3 × (R×width) stacked. */
    final double[][] sigma;

    Forward(double[] theta, RowBlock block) {
      rows = block.rows;
      channels = block.channels;
      channelCount = channels.count();
      int rc = rows * channelCount;
      int layers = layers();
      h = new double[layers + 1][];
      z = new double[layers + 1][];
      sigma = new double[layers + 1][];
      double[] h0 = new double[rc * widths[0]];
      for (int d = 0; d < widths[0]; d++) {
        System.arraycopy(block.x, d * rows, h0, d * rc, rows);
        int c = channels.channelOfFirst(d);
        if (c >= 0) {
          Arrays.fill(h0, c * rows + d * rc, (c + 1) * rows + d * rc, 1.0);
        }
      }
      h[0] = h0;
      double[] d4 = new double[4];
      for (int l = 1; l <= layers; l++) {
        int in = widths[l - 1];
        int out = widths[l];
        double[] zl = new double[rc * out];
        Lapack.gemm(false, true, rc, out, in, 1.0, h[l - 1], 0, rc, theta, weightOffset[l - 1], out,
            0.0, zl, 0, rc);
        if (bias) {
          for (int a = 0; a < out; a++) {
            double b = theta[biasOffset[l - 1] + a];
            for (int i = 0; i < rows; i++) {
              zl[i + a * rc] += b;
            }
          }
        }
        double[] hl = new double[rc * out];
        double[] sl = new double[3 * rows * out];
        int plane = rows * out;
        for (int a = 0; a < out; a++) {
          int base = a * rc;
          for (int i = 0; i < rows; i++) {
            activation.derivatives(zl[base + i], d4);
            hl[base + i] = d4[0];
            sl[i + a * rows] = d4[1];
            sl[plane + i + a * rows] = d4[2];
            sl[2 * plane + i + a * rows] = d4[3];
            for (int c = 1; c < channelCount; c++) {
              int at = base + c * rows + i;
              if (channels.order(c) == 1) {
                hl[at] = d4[1] * zl[at];
              } else {
                int ci = channels.channelOfFirst(channels.firstIndex(c));
                int cj = channels.channelOfFirst(channels.secondIndex(c));
                hl[at] = d4[2] * zl[base + ci * rows + i] * zl[base + cj * rows + i] + d4[1] * zl[at];
              }
            }
          }
        }
        z[l] = zl;
        h[l] = hl;
        sigma[l] = sl;
      }
    }

    /** A (rows×n) at a[offA]: the channels of the last layer combined by the row coefficients. */
    void writeFeatures(RowBlock block, double[] a, int offA) {
      int rc = rows * channelCount;
      double[] last = h[layers()];
      for (int l = 0; l < hiddenFeatures(); l++) {
        int col = offA + l * rows;
        int base = l * rc;
        if (block.coef == null) {
          for (int i = 0; i < rows; i++) {
            a[col + i] = outputScale * last[base + i];
          }
          continue;
        }
        // a_il = s·Σ_c coef[i,c]·h^{(c)}_il, channel by channel over contiguous columns.
        for (int i = 0; i < rows; i++) {
          a[col + i] = block.coef[i] * last[base + i];
        }
        for (int c = 1; c < channelCount; c++) {
          int cc = c * rows;
          for (int i = 0; i < rows; i++) {
            a[col + i] += block.coef[cc + i] * last[base + cc + i];
          }
        }
        for (int i = 0; i < rows; i++) {
          a[col + i] *= outputScale;
        }
      }
      if (constantFeature) {
        // The operator applied to the constant function 1 keeps only the value coefficient.
        int col = hiddenFeatures();
        for (int i = 0; i < rows; i++) {
          a[offA + i + col * rows] = block.coefficient(i, 0);
        }
      }
    }

    /**
     * Backward pass for the cotangent u (rows×n). Calls {@code sink} per layer with the
     * pre-activation cotangents so callers can form row-wise or summed parameter products.
     */
    void backward(double[] theta, RowBlock block, double[] u, LayerSink sink) {
      int rc = rows * channelCount;
      int layers = layers();
      int hidden = hiddenFeatures();
      double[] hbar = new double[rc * hidden];
      for (int l = 0; l < hidden; l++) {
        for (int c = 0; c < channelCount; c++) {
          int at = c * rows + l * rc;
          if (block.coef == null) {
            if (c == 0) {
              for (int i = 0; i < rows; i++) {
                hbar[at + i] = outputScale * u[i + l * rows];
              }
            }
            continue;
          }
          for (int i = 0; i < rows; i++) {
            hbar[at + i] = outputScale * block.coef[c * rows + i] * u[i + l * rows];
          }
        }
      }
      for (int l = layers; l >= 1; l--) {
        int out = widths[l];
        int in = widths[l - 1];
        double[] zl = z[l];
        double[] sl = sigma[l];
        int plane = rows * out;
        double[] zbar = new double[rc * out];
        for (int a = 0; a < out; a++) {
          int base = a * rc;
          for (int i = 0; i < rows; i++) {
            double s1 = sl[i + a * rows];
            double s2 = sl[plane + i + a * rows];
            double s3 = sl[2 * plane + i + a * rows];
            double zb0 = hbar[base + i] * s1;
            for (int c = 1; c < channelCount; c++) {
              int at = base + c * rows + i;
              double hb = hbar[at];
              if (channels.order(c) == 1) {
                // h_i = σ'(z) z_i
                zb0 += hb * s2 * zl[at];
                zbar[at] += hb * s1;
              } else {
                // h_ij = σ''(z) z_i z_j + σ'(z) z_ij
                int ci = base + channels.channelOfFirst(channels.firstIndex(c)) * rows + i;
                int cj = base + channels.channelOfFirst(channels.secondIndex(c)) * rows + i;
                zb0 += hb * (s3 * zl[ci] * zl[cj] + s2 * zl[at]);
                zbar[ci] += hb * s2 * zl[cj];
                zbar[cj] += hb * s2 * zl[ci];
                zbar[at] += hb * s1;
              }
            }
            zbar[base + i] = zb0;
          }
        }
        sink.layer(l - 1, zbar, h[l - 1], rows, channelCount, in, out);
        if (l > 1) {
          double[] prev = new double[rc * in];
          Lapack.gemm(false, false, rc, in, out, 1.0, zbar, 0, rc, theta, weightOffset[l - 1], out,
              0.0, prev, 0, rc);
          hbar = prev;
        }
      }
    }
  }

  /** Receives, per layer (0-based), the cotangents of the pre-activations and the layer input. */
  private interface LayerSink {
    void layer(int layer, double[] zbar, double[] input, int rows, int channels, int in, int out);
  }

  @Override
  public void features(double[] theta, RowBlock block, double[] a, int offA) {
    new Forward(theta, block).writeFeatures(block, a, offA);
  }

  @Override
  public void rowJacobianProducts(double[] theta, RowBlock block, double[][] cotangents,
      double[] a, int offA, double[][] out, int[] offOut) {
    Forward fw = new Forward(theta, block);
    if (a != null) {
      fw.writeFeatures(block, a, offA);
    }
    int rows = block.rows;
    for (int t = 0; t < cotangents.length; t++) {
      double[] dst = out[t];
      int off = offOut[t];
      fw.backward(theta, block, cotangents[t], (layer, zbar, input, r, nc, in, o) -> {
        int rc = r * nc;
        // Per row: ∂/∂W[a,b] = Σ_c zbar^{(c)}[a]·h^{(c)}[b]; ∂/∂b[a] = zbar^{(value)}[a].
        for (int b = 0; b < in; b++) {
          for (int aa = 0; aa < o; aa++) {
            int col = off + (weightOffset[layer] + aa + b * o) * r;
            int zb = aa * rc;
            int hb = b * rc;
            for (int i = 0; i < r; i++) {
              dst[col + i] = zbar[zb + i] * input[hb + i];
            }
            for (int c = 1; c < nc; c++) {
              int zc = zb + c * r;
              int hc = hb + c * r;
              for (int i = 0; i < r; i++) {
                dst[col + i] += zbar[zc + i] * input[hc + i];
              }
            }
          }
        }
        if (bias) {
          for (int aa = 0; aa < o; aa++) {
            System.arraycopy(zbar, aa * rc, dst, off + (biasOffset[layer] + aa) * r, r);
          }
        }
      });
    }
  }

  @Override
  public double[] sumJacobianProduct(double[] theta, RowBlock block, double[] cotangent) {
    Forward fw = new Forward(theta, block);
    double[] g = new double[numParams];
    fw.backward(theta, block, cotangent, (layer, zbar, input, r, nc, in, o) -> {
      int rc = r * nc;
      // W̄ = Z̄ᵀ H over all rows and channels: one dgemm.
      Lapack.gemm(true, false, o, in, rc, 1.0, zbar, 0, rc, input, 0, rc, 0.0, g, weightOffset[layer], o);
      if (bias) {
        for (int aa = 0; aa < o; aa++) {
          double s = 0;
          for (int i = 0; i < r; i++) {
            s += zbar[aa * rc + i];
          }
          g[biasOffset[layer] + aa] = s;
        }
      }
    });
    return g;
  }
}
