package org.varpro.core.model;

/**
 * How hidden weights and biases are drawn.
 *
 * <ul>
 *   <li>XAVIER: weights and biases N(0, 2/(fan_in + fan_out)).
 *   <li>HE: weights and biases N(0, 2/fan_in).
 *   <li>BOX: the "box" initialization for PINNs (Cyr et al. 2020): each unit's hyperplane has a
 *       random unit normal and passes through a point drawn uniformly in the layer's input box,
 *       so every unit switches inside the domain; the slope is {@code scale / box width}.
 * </ul>
 */
public enum Initialization {
  XAVIER, HE, BOX;

  public static Initialization parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown initialization '" + name
          + "' (expected one of xavier, he, box)");
    }
  }
}
