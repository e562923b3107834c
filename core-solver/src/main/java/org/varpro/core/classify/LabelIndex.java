package org.varpro.core.classify;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The classes of a classification run: the label of class k = 0..K−1 as the user wrote it, and
 * the way back from a label to its class index. Kept with a fitted model (model.json, {@link
 * #toMap()} / {@link #fromMap(Map)}) so that predictions can be written as labels and labels of
 * new data mapped to the classes the model was trained on.
 *
 * <p>Two kinds:
 * <ul>
 *   <li>{@link Kind#NUMERIC}: every label is a number; the classes are the distinct values in
 *       ascending order (labels 0..K−1 keep their meaning: class k is label k). "3" and "3.0" are
 *       the same class.
 *   <li>{@link Kind#STRING}: text labels, indexed by decreasing frequency in the training rows,
 *       ties in ascending string order (MLlib's StringIndexer with {@code frequencyDesc}); the
 *       most frequent label is class 0.
 * </ul>
 * K ≥ 2: one class is not a classification problem.
 */
public final class LabelIndex implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How the labels are read: as numbers or as text. */
  public enum Kind {
    NUMERIC, STRING;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Kind kind;
  private final List<String> labels;
  private final Map<String, Integer> byText;
  private final double[] values;

  private LabelIndex(Kind kind, List<String> labels) {
    this.kind = Objects.requireNonNull(kind);
    this.labels = List.copyOf(labels);
    if (this.labels.size() < 2) {
      throw new IllegalArgumentException("a classification needs at least 2 classes, found "
          + this.labels.size() + (this.labels.isEmpty() ? "" : " (" + this.labels.get(0) + ")"));
    }
    this.byText = new HashMap<>();
    this.values = new double[this.labels.size()];
    for (int k = 0; k < this.labels.size(); k++) {
      String l = this.labels.get(k);
      if (l.isEmpty()) {
        throw new IllegalArgumentException("empty class label");
      }
      if (byText.put(l, k) != null) {
        throw new IllegalArgumentException("class label '" + l + "' appears twice");
      }
      if (kind == Kind.NUMERIC) {
        values[k] = Double.parseDouble(l);
        if (k > 0 && !(values[k] > values[k - 1])) {
          throw new IllegalArgumentException("numeric class labels must be ascending: " + this.labels);
        }
      }
    }
  }

  /** Labels 0, 1, …, K−1 (the built-in data sets). */
  public static LabelIndex range(int classes) {
    List<String> l = new ArrayList<>();
    for (int k = 0; k < classes; k++) {
      l.add(Integer.toString(k));
    }
    return new LabelIndex(Kind.NUMERIC, l);
  }

  /** Numeric labels: the distinct values (finite, any order, repeats allowed) in ascending order. */
  public static LabelIndex numeric(double... values) {
    double[] v = values.clone();
    Arrays.sort(v);
    List<String> l = new ArrayList<>();
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw new IllegalArgumentException("class label " + v[i] + " is not finite");
      }
      if (i == 0 || v[i] != v[i - 1]) {
        l.add(text(v[i]));
      }
    }
    return new LabelIndex(Kind.NUMERIC, l);
  }

  /**
   * Text labels from their row counts: decreasing count, ties in ascending string order
   * (StringIndexer's frequencyDesc).
   */
  public static LabelIndex byFrequency(Map<String, Long> counts) {
    List<Map.Entry<String, Long>> e = new ArrayList<>(new TreeMap<>(counts).entrySet());
    e.sort(Comparator.comparing((Map.Entry<String, Long> x) -> x.getValue()).reversed()
        .thenComparing(Map.Entry::getKey));
    List<String> l = new ArrayList<>();
    for (Map.Entry<String, Long> x : e) {
      l.add(x.getKey());
    }
    return new LabelIndex(Kind.STRING, l);
  }

  /**
   * The index of label texts counted in a census: numeric when every label parses as a finite
   * number (then distinct values ascending), text otherwise (by frequency).
   */
  public static LabelIndex of(Map<String, Long> counts) {
    List<Double> numbers = new ArrayList<>();
    for (String s : counts.keySet()) {
      Double v = number(s);
      if (v == null) {
        return byFrequency(counts);
      }
      numbers.add(v);
    }
    return numeric(numbers.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** A finite number written as {@code text}, or null. */
  private static Double number(String text) {
    try {
      double v = Double.parseDouble(text.strip());
      return Double.isFinite(v) ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A number as a label: integers without a decimal point ("3"), others as Java writes them. */
  private static String text(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  public Kind kind() {
    return kind;
  }

  /** K, the number of classes. */
  public int classes() {
    return labels.size();
  }

  /** The labels of classes 0..K−1. */
  public List<String> labels() {
    return labels;
  }

  /** The label of class k. */
  public String label(int k) {
    return labels.get(k);
  }

  /**
   * The class of a label as written in the data (blanks around it ignored), −1 when the label is
   * not one of the classes (or, for numeric labels, not a number).
   */
  public int indexOf(String label) {
    String t = label.strip();
    if (kind == Kind.STRING) {
      return byText.getOrDefault(t, -1);
    }
    Double v = number(t);
    return v == null ? -1 : indexOf(v);
  }

  /** The class of a numeric label, −1 when it is not one of the classes (or the labels are text). */
  public int indexOf(double value) {
    if (kind != Kind.NUMERIC) {
      return -1;
    }
    int k = Arrays.binarySearch(values, value);
    return k >= 0 ? k : -1;
  }

  /** JSON-friendly form: {@code {"type": "numeric"|"string", "labels": [...]}}. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", kind.key());
    m.put("labels", labels);
    return m;
  }

  /** Reads {@link #toMap()}'s form back. */
  public static LabelIndex fromMap(Map<String, ?> map) {
    Object type = map.get("type");
    Object labels = map.get("labels");
    if (!(type instanceof String t) || !(labels instanceof List<?> list)) {
      throw new IllegalArgumentException("a label index needs a 'type' and a 'labels' list, got " + map);
    }
    Kind kind = switch (t) {
      case "numeric" -> Kind.NUMERIC;
      case "string" -> Kind.STRING;
      default -> throw new IllegalArgumentException("label index type must be numeric or string, got '" + t + "'");
    };
    List<String> l = new ArrayList<>();
    for (Object o : list) {
      l.add(String.valueOf(o));
    }
    return new LabelIndex(kind, l);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelIndex x && x.kind == kind && x.labels.equals(labels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, labels);
  }

  @Override
  public String toString() {
    return kind.key() + " labels " + labels;
  }
}
