package org.varpro.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.varpro.core.Fixtures;

/** HE_BOX is He on the input box mapped onto the unit cube. */
class InitializationTest {
  private static final int[] WIDTHS = {2, 5, 3};

  @Test
  void heBoxOnTheUnitBoxIsHe() {
    Perceptron he = new Perceptron(WIDTHS, Activation.TANH, true, true, 1.0, Initialization.HE, 0, 1, 2);
    Perceptron heBox = new Perceptron(WIDTHS, Activation.TANH, true, true, 1.0, Initialization.HE_BOX, 0, 1, 2);
    assertArrayEquals(he.initialParams(5), heBox.initialParams(5));
  }

  /**
   * On the box [−3, 5]² the features at x = −3 + 8u equal He's features at u ∈ [0, 1]²: the
   * initial network sees the box as He sees the unit square (up to rounding of the affine map).
   */
  @Test
  void heBoxSeesAnyBoxAsHeSeesTheUnitCube() {
    double lo = -3;
    double hi = 5;
    Perceptron he = new Perceptron(WIDTHS, Activation.TANH, true, true, 1.0, Initialization.HE, 0, 1, 2);
    Perceptron heBox = new Perceptron(WIDTHS, Activation.TANH, true, true, 1.0, Initialization.HE_BOX, lo, hi, 2);
    int m = 50;
    RowBlock unit = Fixtures.rows(3, m, 2, 1, 0, 1, (p, j) -> 0.0, false);
    double[] x = unit.x.clone();
    for (int i = 0; i < x.length; i++) {
      x[i] = lo + (hi - lo) * x[i];
    }
    RowBlock boxRows = RowBlock.regression(m, 2, 1, x, unit.y, unit.weight);
    double[] expected = Fixtures.features(he, he.initialParams(9), unit);
    double[] actual = Fixtures.features(heBox, heBox.initialParams(9), boxRows);
    for (int i = 0; i < expected.length; i++) {
      // tanh of pre-activations that agree to a few ulps of |w|·|x| ≤ ~10.
      assertEquals(expected[i], actual[i], 1e-13, "feature entry " + i);
    }
  }
}
