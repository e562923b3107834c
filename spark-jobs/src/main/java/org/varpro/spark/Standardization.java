package org.varpro.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.varpro.core.model.RowBlock;

/**
 * The affine maps between raw and model units: a standardized feature is
 * (x − featureMean)/featureStd, a standardized label (y − labelMean)/labelStd. Kept with a fitted
 * model so that it can be applied to new raw data, and predictions mapped back to raw units.
 * Plain arrays only, so it is serializable and maps to JSON directly ({@link #toMap()},
 * {@link #fromMap(Map)}).
 *
 * <p>The statistics are over the training rows, unweighted; the standard deviation is the
 * sample one (divisor m − 1, MLlib's Summarizer). A constant column gets scale 1 (it is only
 * centred). A disabled standardization is the identity (mean 0, scale 1).
 *
 * @param rows the training rows the statistics come from (0 for the identity)
 */
public record Standardization(String[] featureNames, double[] featureMean, double[] featureStd,
    String[] labelNames, double[] labelMean, double[] labelStd, long rows) implements Serializable {

  public Standardization {
    if (featureMean.length != featureNames.length || featureStd.length != featureNames.length
        || labelMean.length != labelNames.length || labelStd.length != labelNames.length) {
      throw new IllegalArgumentException("standardization arrays do not match the column names");
    }
    for (double s : featureStd) {
      if (!(s > 0) || !Double.isFinite(s)) {
        throw new IllegalArgumentException("feature scales must be finite and > 0: " + Arrays.toString(featureStd));
      }
    }
    for (double s : labelStd) {
      if (!(s > 0) || !Double.isFinite(s)) {
        throw new IllegalArgumentException("label scales must be finite and > 0: " + Arrays.toString(labelStd));
      }
    }
  }

  /** No scaling: mean 0 and scale 1 everywhere. */
  public static Standardization identity(String[] featureNames, String[] labelNames) {
    double[] fs = new double[featureNames.length];
    double[] ls = new double[labelNames.length];
    Arrays.fill(fs, 1.0);
    Arrays.fill(ls, 1.0);
    return new Standardization(featureNames.clone(), new double[featureNames.length], fs,
        labelNames.clone(), new double[labelNames.length], ls, 0);
  }

  public int features() {
    return featureNames.length;
  }

  public int labels() {
    return labelNames.length;
  }

  /** Standardized copy of a raw feature vector. */
  public double[] features(double[] raw) {
    return forward(raw, featureMean, featureStd);
  }

  /** Standardized copy of a raw label vector. */
  public double[] labels(double[] raw) {
    return forward(raw, labelMean, labelStd);
  }

  /** A prediction (standardized labels) in raw label units. */
  public double[] rawLabels(double[] standardized) {
    if (standardized.length != labelMean.length) {
      throw new IllegalArgumentException("expected " + labelMean.length + " labels, got " + standardized.length);
    }
    double[] out = new double[standardized.length];
    for (int j = 0; j < out.length; j++) {
      out[j] = standardized[j] * labelStd[j] + labelMean[j];
    }
    return out;
  }

  /** A block of raw rows (features and targets) in model units; weights and channels kept. */
  public RowBlock apply(RowBlock raw) {
    if (raw.inputDim != featureMean.length || raw.outputs != labelMean.length) {
      throw new IllegalArgumentException("the block has " + raw.inputDim + " inputs and " + raw.outputs
          + " outputs; the standardization is for " + featureMean.length + " and " + labelMean.length);
    }
    int r = raw.rows;
    double[] x = raw.x.clone();
    double[] y = raw.y.clone();
    for (int d = 0; d < featureMean.length; d++) {
      for (int i = 0; i < r; i++) {
        x[i + d * r] = (x[i + d * r] - featureMean[d]) / featureStd[d];
      }
    }
    for (int j = 0; j < labelMean.length; j++) {
      for (int i = 0; i < r; i++) {
        y[i + j * r] = (y[i + j * r] - labelMean[j]) / labelStd[j];
      }
    }
    return new RowBlock(r, raw.inputDim, raw.outputs, x, y, raw.weight.clone(), raw.channels,
        raw.coef == null ? null : raw.coef.clone());
  }

  private static double[] forward(double[] raw, double[] mean, double[] std) {
    if (raw.length != mean.length) {
      throw new IllegalArgumentException("expected " + mean.length + " values, got " + raw.length);
    }
    double[] out = new double[raw.length];
    for (int j = 0; j < raw.length; j++) {
      out[j] = (raw[j] - mean[j]) / std[j];
    }
    return out;
  }

  /** JSON-friendly form: names and numbers in lists. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("feature_names", List.of(featureNames));
    m.put("feature_mean", boxed(featureMean));
    m.put("feature_std", boxed(featureStd));
    m.put("label_names", List.of(labelNames));
    m.put("label_mean", boxed(labelMean));
    m.put("label_std", boxed(labelStd));
    m.put("rows", rows);
    return m;
  }

  /** Inverse of {@link #toMap()} (e.g. after a JSON round trip: numbers may come back as any Number). */
  public static Standardization fromMap(Map<String, ?> m) {
    return new Standardization(strings(m, "feature_names"), numbers(m, "feature_mean"),
        numbers(m, "feature_std"), strings(m, "label_names"), numbers(m, "label_mean"),
        numbers(m, "label_std"), m.get("rows") == null ? 0 : ((Number) m.get("rows")).longValue());
  }

  private static List<Double> boxed(double[] a) {
    return Arrays.stream(a).boxed().toList();
  }

  private static String[] strings(Map<String, ?> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof List<?> l)) {
      throw new IllegalArgumentException("standardization: '" + key + "' must be a list");
    }
    return l.stream().map(String::valueOf).toArray(String[]::new);
  }

  private static double[] numbers(Map<String, ?> m, String key) {
    Object v = m.get(key);
    if (!(v instanceof List<?> l)) {
      throw new IllegalArgumentException("standardization: '" + key + "' must be a list");
    }
    double[] out = new double[l.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(l.get(i) instanceof Number n)) {
        throw new IllegalArgumentException("standardization: '" + key + "' must hold numbers");
      }
      out[i] = n.doubleValue();
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Standardization s && rows == s.rows
        && Arrays.equals(featureNames, s.featureNames) && Arrays.equals(featureMean, s.featureMean)
        && Arrays.equals(featureStd, s.featureStd) && Arrays.equals(labelNames, s.labelNames)
        && Arrays.equals(labelMean, s.labelMean) && Arrays.equals(labelStd, s.labelStd);
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(rows);
    h = 31 * h + Arrays.hashCode(featureNames);
    h = 31 * h + Arrays.hashCode(featureMean);
    h = 31 * h + Arrays.hashCode(featureStd);
    h = 31 * h + Arrays.hashCode(labelNames);
    h = 31 * h + Arrays.hashCode(labelMean);
    return 31 * h + Arrays.hashCode(labelStd);
  }

  @Override
  public String toString() {
    return "Standardization[features=" + Arrays.toString(featureNames) + ", mean="
        + Arrays.toString(featureMean) + ", std=" + Arrays.toString(featureStd) + "; labels="
        + Arrays.toString(labelNames) + ", mean=" + Arrays.toString(labelMean) + ", std="
        + Arrays.toString(labelStd) + "; rows=" + rows + "]";
  }
}
