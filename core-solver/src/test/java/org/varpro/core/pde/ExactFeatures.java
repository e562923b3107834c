package org.varpro.core.pde;

import java.io.Serializable;
import java.util.List;
import org.varpro.core.model.Channels;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;

/**
 * A test oracle: features [f_1(x), …, f_q(x), 1] given with their exact first and second
 * derivatives, and one dummy parameter they do not depend on. A row's feature is
 * Σ_c coef[i,c] ∂^c f_l(x_i), the constant column gets coef[i,0] (as in Perceptron).
 */
final class ExactFeatures implements FeatureMap {
  private static final long serialVersionUID = 1L;

  /** A smooth function with exact derivatives. */
  interface Smooth extends Serializable {
    double value(double[] x);

    double d(double[] x, int i);

    double dd(double[] x, int i, int j);
  }

  private final int dim;
  private final List<Smooth> functions;

  ExactFeatures(int dim, Smooth... functions) {
    this.dim = dim;
    this.functions = List.of(functions);
  }

  @Override
  public int inputDim() {
    return dim;
  }

  @Override
  public int numFeatures() {
    return functions.size() + 1;
  }

  @Override
  public int numParams() {
    return 1;
  }

  @Override
  public double[] initialParams(long seed) {
    return new double[1];
  }

  @Override
  public boolean supports(Channels channels) {
    return channels.inputDim() == dim;
  }

  @Override
  public void features(double[] theta, RowBlock block, double[] a, int offA) {
    Channels ch = block.channels;
    int r = block.rows;
    double[] x = new double[dim];
    for (int i = 0; i < r; i++) {
      for (int d = 0; d < dim; d++) {
        x[d] = block.input(i, d);
      }
      for (int l = 0; l < functions.size(); l++) {
        Smooth f = functions.get(l);
        double s = 0;
        for (int c = 0; c < ch.count(); c++) {
          double k = block.coefficient(i, c);
          if (k == 0) {
            continue;
          }
          double v = switch (ch.order(c)) {
            case 0 -> f.value(x);
            case 1 -> f.d(x, ch.firstIndex(c));
            default -> f.dd(x, ch.firstIndex(c), ch.secondIndex(c));
          };
          s += k * v;
        }
        a[offA + i + l * r] = s;
      }
      a[offA + i + functions.size() * r] = block.coefficient(i, 0);
    }
  }

  @Override
  public void rowJacobianProducts(double[] theta, RowBlock block, double[][] cotangents, double[] a,
      int offA, double[][] out, int[] offOut) {
    if (a != null) {
      features(theta, block, a, offA);
    }
    for (int t = 0; t < cotangents.length; t++) {
      java.util.Arrays.fill(out[t], offOut[t], offOut[t] + block.rows, 0.0);
    }
  }

  @Override
  public String describe() {
    return "exact features (" + functions.size() + " + constant)";
  }
}
