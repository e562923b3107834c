package org.varpro.model;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a classifier's raw labels map to class indices 0..K−1: {@code names.get(k)} is the label of
 * class k. Numeric labels are the class index itself (the names are "0", "1", …); string labels
 * keep the training's order.
 *
 * @param numeric whether the raw labels are numbers (the class index) rather than strings
 */
public record ClassIndex(List<String> names, boolean numeric) implements Serializable {
  public ClassIndex {
    names = List.copyOf(names);
  }

  /** Classes 0..K−1 labelled by their index. */
  public static ClassIndex numbered(int classes) {
    return new ClassIndex(java.util.stream.IntStream.range(0, classes).mapToObj(Integer::toString).toList(), true);
  }

  public int classes() {
    return names.size();
  }

  /** The class of a raw label, or −1 when the training never saw it. */
  public int indexOf(String label) {
    String t = label.trim();
    if (numeric) {
      try {
        double v = Double.parseDouble(t);
        int k = (int) v;
        return k == v && k >= 0 && k < names.size() ? k : -1;
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return names.indexOf(t);
  }

  Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", numeric ? "numeric" : "string");
    m.put("labels", names);
    return m;
  }
}
