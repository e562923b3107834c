package org.varpro.job;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.varpro.core.pde.PointSet;
import org.varpro.core.solver.IterationRecord;

/** The PNG plots of a run (and of a sweep), drawn with XChart (headless) into PNG bytes. */
public final class Plots {
  static final int WIDTH = 800;
  static final int HEIGHT = 600;
  /** Heat maps are drawn on at most this many nodes per side (every s-th grid node). */
  static final int HEAT_MAP_SIDE = 51;

  static {
    System.setProperty("java.awt.headless", "true");
  }

  private Plots() {}

  /**
   * convergence.png: loss, ‖g‖ and the error metric (when given) against the iteration (left)
   * and the wall time (right), log scale. Non-positive and non-finite values are left out.
   */
  static byte[] convergence(String title, List<IterationRecord> history, String errorMetric)
      throws IOException {
    XYChart byIteration = convergenceChart(title + " — by iteration", "iteration", history,
        r -> r.iteration(), errorMetric);
    XYChart byTime = convergenceChart(title + " — by wall time", "seconds", history,
        IterationRecord::seconds, errorMetric);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BitmapEncoder.saveBitmap(List.of(byIteration, byTime), 1, 2, out, BitmapEncoder.BitmapFormat.PNG);
    return out.toByteArray();
  }

  private static XYChart convergenceChart(String title, String xTitle, List<IterationRecord> history,
      ToDoubleFunction<IterationRecord> x, String errorMetric) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
        .yAxisTitle("value (log scale)").build();
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setMarkerSize(4);
    chart.getStyler().setYAxisDecimalPattern("0.##E0");
    boolean any = false;
    any |= addSeries(chart, "loss", history, x, IterationRecord::loss);
    any |= addSeries(chart, "|g|", history, x, IterationRecord::gradientNorm);
    if (errorMetric != null) {
      any |= addSeries(chart, errorMetric, history, x, r -> {
        Double v = r.extra() == null ? null : r.extra().get(errorMetric);
        return v == null ? Double.NaN : v;
      });
    }
    if (!any) {
      chart.getStyler().setYAxisLogarithmic(false);
      chart.addSeries("no data", new double[] {0}, new double[] {0});
    }
    return chart;
  }

  private static boolean addSeries(XYChart chart, String name, List<IterationRecord> history,
      ToDoubleFunction<IterationRecord> x, ToDoubleFunction<IterationRecord> y) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (IterationRecord r : history) {
      double xv = x.applyAsDouble(r);
      double yv = y.applyAsDouble(r);
      if (Double.isFinite(xv) && Double.isFinite(yv) && yv > 0) {
        xs.add(xv);
        ys.add(yv);
      }
    }
    if (xs.isEmpty()) {
      return false;
    }
    XYSeries s = chart.addSeries(name, xs, ys);
    s.setMarker(SeriesMarkers.CIRCLE);
    return true;
  }

  /**
   * A heat map of values on a 2D tensor grid (the PDE test grid): cells indexed by the sorted
   * distinct coordinates; grids finer than {@link #HEAT_MAP_SIDE} per side are subsampled.
   */
  static byte[] heatMap(String title, String xName, String yName, PointSet points,
      double[] values) throws IOException {
    double[] xs = distinct(points, 0);
    double[] ys = distinct(points, 1);
    int sx = Math.max(1, (xs.length + HEAT_MAP_SIDE - 1) / HEAT_MAP_SIDE);
    int sy = Math.max(1, (ys.length + HEAT_MAP_SIDE - 1) / HEAT_MAP_SIDE);
    // Keep every s-th node and always the last one.
    int[] keepX = keep(xs.length, sx);
    int[] keepY = keep(ys.length, sy);
    int[] slotX = slots(xs.length, keepX);
    int[] slotY = slots(ys.length, keepY);
    List<Number[]> cells = new ArrayList<>();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < points.count; i++) {
      int ix = Arrays.binarySearch(xs, points.get(i, 0));
      int iy = Arrays.binarySearch(ys, points.get(i, 1));
      if (ix < 0 || iy < 0 || slotX[ix] < 0 || slotY[iy] < 0 || !Double.isFinite(values[i])) {
        continue;
      }
      cells.add(new Number[] {slotX[ix], slotY[iy], values[i]});
      min = Math.min(min, values[i]);
      max = Math.max(max, values[i]);
    }
    if (cells.isEmpty()) {
      min = 0;
      max = 1;
    }
    if (!(max > min)) {
      double pad = Math.max(1e-300, Math.abs(max) * 1e-12);
      min -= pad;
      max += pad;
    }
    HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle(xName).yAxisTitle(yName).build();
    chart.getStyler().setPlotContentSize(1);
    chart.getStyler().setShowValue(false);
    chart.getStyler().setDrawBorder(false);
    chart.getStyler().setMin(min);
    chart.getStyler().setMax(max);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setHeatMapValueDecimalPattern("0.000E0");
    chart.getStyler().setHeatMapDecimalValueFormatter(v -> String.format(Locale.ROOT, "%.3e", v));
    chart.getStyler().setPlotGridLinesVisible(false);
    chart.getStyler().setRangeColors(new Color[] {new Color(0x30, 0x12, 0x3b), new Color(0x28, 0x9b, 0xe6),
        new Color(0x4f, 0xf0, 0x7c), new Color(0xf9, 0xc7, 0x2b), new Color(0x7a, 0x04, 0x03)});
    chart.addSeries(title, labels(xs, keepX), labels(ys, keepY), cells);
    return png(chart);
  }

  /** The chart as PNG bytes, rendered in memory (the caller writes them to any file system). */
  private static byte[] png(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    return out.toByteArray();
  }

  private static double[] distinct(PointSet points, int d) {
    TreeSet<Double> set = new TreeSet<>();
    for (int i = 0; i < points.count; i++) {
      set.add(points.get(i, d));
    }
    return set.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static int[] keep(int n, int stride) {
    List<Integer> k = new ArrayList<>();
    for (int i = 0; i < n; i += stride) {
      k.add(i);
    }
    if (k.get(k.size() - 1) != n - 1) {
      k.add(n - 1);
    }
    return k.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int[] slots(int n, int[] keep) {
    int[] slot = new int[n];
    Arrays.fill(slot, -1);
    for (int s = 0; s < keep.length; s++) {
      slot[keep[s]] = s;
    }
    return slot;
  }

  /** Axis labels: about 6 evenly spaced coordinates, the other ticks blank. */
  private static List<String> labels(double[] coords, int[] keep) {
    int every = Math.max(1, (keep.length - 1) / 5);
    List<String> out = new ArrayList<>(keep.length);
    for (int s = 0; s < keep.length; s++) {
      boolean show = s % every == 0 || s == keep.length - 1;
      // Distinct invisible labels: XChart keys the categories by their text.
      out.add(show ? String.format(Locale.ROOT, "%.3g", coords[keep[s]]) : "\u200b".repeat(s + 1));
    }
    return out;
  }

  /**
   * A sweep plot: a metric (log scale when every value is positive) against one varied key, one
   * point per configuration. Numeric keys on a numeric axis (log scale when positive and spread
   * over two decades or more); other values (activations, lists) as categories at 0, 1, 2, … in
   * order of first appearance, one series (and legend entry) per category. Non-finite metric
   * values are left out.
   *
   * @param x the key's value per configuration (Number, String, or null: left out)
   */
  public static byte[] againstKey(String title, String key, List<Object> x, String metric, double[] y)
      throws IOException {
    boolean numeric = x.stream().allMatch(v -> v == null || v instanceof Number);
    java.util.Map<String, List<double[]>> series = new java.util.LinkedHashMap<>();
    for (int i = 0; i < x.size(); i++) {
      Object v = x.get(i);
      if (v == null || !Double.isFinite(y[i])) {
        continue;
      }
      String name = numeric ? metric : String.valueOf(v);
      if (!series.containsKey(name)) {
        series.put(name, new ArrayList<>());
      }
      double xv = numeric ? ((Number) v).doubleValue() : new ArrayList<>(series.keySet()).indexOf(name);
      series.get(name).add(new double[] {xv, y[i]});
    }
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle(numeric ? key : key + " (categories 0, 1, …: see the legend)").yAxisTitle(metric).build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(7);
    chart.getStyler().setLegendVisible(!numeric);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    if (series.isEmpty()) {
      chart.addSeries("no finite values", new double[] {0}, new double[] {0});
    } else {
      List<double[]> all = series.values().stream().flatMap(List::stream).toList();
      chart.getStyler().setYAxisLogarithmic(all.stream().allMatch(p -> p[1] > 0));
      chart.getStyler().setYAxisDecimalPattern("0.##E0");
      double lo = all.stream().mapToDouble(p -> p[0]).min().orElse(1);
      double hi = all.stream().mapToDouble(p -> p[0]).max().orElse(1);
      if (numeric && lo > 0 && hi >= 100 * lo) {
        chart.getStyler().setXAxisLogarithmic(true);
      }
      if (!numeric) {
        chart.getStyler().setXAxisMin(-0.5);
        chart.getStyler().setXAxisMax(series.size() - 0.5);
      }
      for (java.util.Map.Entry<String, List<double[]>> e : series.entrySet()) {
        XYSeries s = chart.addSeries(e.getKey(), e.getValue().stream().mapToDouble(p -> p[0]).toArray(),
            e.getValue().stream().mapToDouble(p -> p[1]).toArray());
        s.setMarker(SeriesMarkers.CIRCLE);
      }
    }
    return png(chart);
  }

  /** predicted-vs-true.png: a scatter of the predictions against the targets, with y = x. */
  static byte[] predictedVsTrue(String title, double[] yTrue, double[] yPred) throws IOException {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("true")
        .yAxisTitle("predicted").build();
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(4);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (int i = 0; i < yTrue.length; i++) {
      if (Double.isFinite(yTrue[i]) && Double.isFinite(yPred[i])) {
        xs.add(yTrue[i]);
        ys.add(yPred[i]);
        lo = Math.min(lo, Math.min(yTrue[i], yPred[i]));
        hi = Math.max(hi, Math.max(yTrue[i], yPred[i]));
      }
    }
    if (xs.isEmpty()) {
      xs.add(0.0);
      ys.add(0.0);
      lo = 0;
      hi = 1;
    }
    XYSeries points = chart.addSeries("rows", xs, ys);
    points.setMarker(SeriesMarkers.CIRCLE);
    XYSeries diagonal = chart.addSeries("predicted = true", new double[] {lo, hi}, new double[] {lo, hi});
    diagonal.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
    diagonal.setMarker(SeriesMarkers.NONE);
    diagonal.setLineColor(Color.GRAY);
    return png(chart);
  }

  /** Objective and training accuracy of a classification run against the iteration. */
  static byte[] classifierConvergence(String title, List<IterationRecord> history)
      throws IOException {
    List<Double> it = new ArrayList<>();
    List<Double> objective = new ArrayList<>();
    List<Double> error = new ArrayList<>();
    for (IterationRecord r : history) {
      if (r.loss() > 0 && Double.isFinite(r.loss())) {
        it.add((double) r.iteration());
        objective.add(r.loss());
        error.add(Math.max(1 - r.figure("train_accuracy"), 1e-6));
      }
    }
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title + ": convergence")
        .xAxisTitle("iteration").yAxisTitle("objective / training error rate").build();
    chart.getStyler().setYAxisLogarithmic(true);
    if (!it.isEmpty()) {
      chart.addSeries("objective (mean cross-entropy + ridges)", it, objective);
      chart.addSeries("training error rate (floored at 1e-6)", it, error);
    }
    return png(chart);
  }

  /** The confusion matrix as a heat map of counts (x: predicted class, y: true class). */
  static byte[] confusion(String title, long[][] confusion) throws IOException {
    int k = confusion.length;
    List<Integer> classes = new ArrayList<>();
    for (int c = 0; c < k; c++) {
      classes.add(c);
    }
    List<Number[]> cells = new ArrayList<>();
    long max = 1;
    for (int t = 0; t < k; t++) {
      for (int q = 0; q < k; q++) {
        cells.add(new Number[] {q, t, confusion[t][q]});
        max = Math.max(max, confusion[t][q]);
      }
    }
    HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(title)
        .xAxisTitle("predicted class").yAxisTitle("true class").build();
    chart.getStyler().setShowValue(true);
    chart.getStyler().setMin(0);
    chart.getStyler().setMax(max);
    chart.getStyler().setHeatMapDecimalValueFormatter(v -> String.format(Locale.ROOT, "%.0f", v));
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setRangeColors(new Color[] {Color.WHITE, new Color(0x28, 0x9b, 0xe6), new Color(0x30, 0x12, 0x3b)});
    chart.addSeries("count", classes, classes, cells);
    return png(chart);
  }
}
