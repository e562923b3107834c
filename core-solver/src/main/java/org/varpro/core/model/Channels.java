package org.varpro.core.model;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The input derivatives of the features that rows combine: channel 0 is the value, then first
 * derivatives ∂/∂x_i and second derivatives ∂²/∂x_i∂x_j (i ≤ j). The set is closed: every first
 * derivative a second derivative needs is present, so they can be propagated forward through the
 * layers in Taylor mode.
 */
public final class Channels implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int inputDim;
  /** For each channel: first index (−1 for the value) and second index (−1 unless second order). */
  private final int[] first;
  private final int[] second;
  /** Channel of ∂/∂x_i, or −1. */
  private final int[] firstChannel;

  private Channels(int inputDim, int[] first, int[] second) {
    this.inputDim = inputDim;
    this.first = first;
    this.second = second;
    this.firstChannel = new int[inputDim];
    Arrays.fill(firstChannel, -1);
    for (int c = 0; c < first.length; c++) {
      if (first[c] >= 0 && second[c] < 0) {
        firstChannel[first[c]] = c;
      }
    }
  }

  /** Only the value: plain regression. */
  public static Channels valueOnly(int inputDim) {
    return new Channels(inputDim, new int[] {-1}, new int[] {-1});
  }

  /**
   * The value plus the given derivatives, each {i} (first) or {i, j} (second); the first
   * derivatives that second ones need are added.
   */
  public static Channels of(int inputDim, List<int[]> derivatives) {
    boolean[] needFirst = new boolean[inputDim];
    List<int[]> seconds = new ArrayList<>();
    for (int[] d : derivatives) {
      for (int v : d) {
        if (v < 0 || v >= inputDim) {
          throw new IllegalArgumentException("derivative index " + v + " outside 0.." + (inputDim - 1));
        }
      }
      if (d.length == 1) {
        needFirst[d[0]] = true;
      } else if (d.length == 2) {
        int i = Math.min(d[0], d[1]);
        int j = Math.max(d[0], d[1]);
        needFirst[i] = true;
        needFirst[j] = true;
        boolean seen = seconds.stream().anyMatch(s -> s[0] == i && s[1] == j);
        if (!seen) {
          seconds.add(new int[] {i, j});
        }
      } else {
        throw new IllegalArgumentException("only derivatives of order 1 and 2 are supported");
      }
    }
    List<int[]> all = new ArrayList<>();
    all.add(new int[] {-1, -1});
    for (int i = 0; i < inputDim; i++) {
      if (needFirst[i]) {
        all.add(new int[] {i, -1});
      }
    }
    seconds.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
    all.addAll(seconds);
    int[] f = new int[all.size()];
    int[] s = new int[all.size()];
    for (int c = 0; c < all.size(); c++) {
      f[c] = all.get(c)[0];
      s[c] = all.get(c)[1];
    }
    return new Channels(inputDim, f, s);
  }

  public int inputDim() {
    return inputDim;
  }

  public int count() {
    return first.length;
  }

  /** 0 for the value, 1 for a first derivative, 2 for a second derivative. */
  public int order(int c) {
    return first[c] < 0 ? 0 : (second[c] < 0 ? 1 : 2);
  }

  public int firstIndex(int c) {
    return first[c];
  }

  public int secondIndex(int c) {
    return second[c];
  }

  /** Channel of ∂/∂x_i, or −1 when absent. */
  public int channelOfFirst(int i) {
    return firstChannel[i];
  }

  /** Channel of ∂²/∂x_i∂x_j, or −1 when absent. */
  public int channelOfSecond(int i, int j) {
    int a = Math.min(i, j);
    int b = Math.max(i, j);
    for (int c = 0; c < first.length; c++) {
      if (second[c] >= 0 && first[c] == a && second[c] == b) {
        return c;
      }
    }
    return -1;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Channels other && other.inputDim == inputDim
        && Arrays.equals(other.first, first) && Arrays.equals(other.second, second);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(first) + Arrays.hashCode(second) + inputDim;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int c = 0; c < count(); c++) {
      if (c > 0) {
        sb.append(", ");
      }
      sb.append(order(c) == 0 ? "u" : order(c) == 1 ? "d" + first[c] : "d" + first[c] + "d" + second[c]);
    }
    return sb.append(']').toString();
  }
}
