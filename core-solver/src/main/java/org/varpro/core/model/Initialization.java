package org.varpro.core.model;

/**
 * How hidden weights and biases are drawn.
 *
 * <ul>
 *   <li>XAVIER: weights and biases N(0, 2/(fan_in + fan_out)).
 *   <li>HE: weights and biases N(0, 2/fan_in).
 *   <li>HE_BOX: HE in the coordinates of the input box mapped onto the unit cube: the first
 *       layer sees (x − low)/(high − low), so its weights are N(0, 2/fan_in)/(high − low) and its
 *       biases N(0, 2/fan_in) − Σ w·low; later layers as HE. Each unit is a smooth, distinct
 *       feature whose steep part mostly lies outside the domain, on any box the same as on the
 *       unit cube (where it equals HE). The PDE default: see conf/heat.conf for why.
 *   <li>BOX: the "box" initialization for PINNs (Cyr et al. 2020): each unit's hyperplane has a
 *       random unit normal and passes through a point drawn uniformly in the layer's input box,
 *       so every unit switches inside the domain; the slope is {@code scale / box width}.
 * </ul>
 */
public enum Initialization {
  XAVIER, HE, HE_BOX, BOX;

  public static Initialization parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown initialization '" + name
          + "' (expected one of xavier, he, he-box, box)");
    }
  }
}
