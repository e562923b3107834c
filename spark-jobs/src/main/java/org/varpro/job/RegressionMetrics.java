package org.varpro.job;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.spark.DataError;
import org.varpro.spark.Standardization;
import scala.Tuple2;

/**
 * Error figures of a regression model u(x) = a(x; θ)·C in raw label units: one Spark job over
 * row blocks (in model units), partition sums merged on the driver in partition order (so the
 * figures are reproducible).
 */
final class RegressionMetrics {
  private RegressionMetrics() {}

  /**
   * Sums over rows and outputs, in raw label units: squared error, squared target, count of
   * values, largest absolute error.
   */
  record Sums(double squaredError, double squaredTarget, long values, double maxError) implements Serializable {
    static final Sums ZERO = new Sums(0, 0, 0, 0);

    Sums plus(Sums o) {
      return new Sums(squaredError + o.squaredError, squaredTarget + o.squaredTarget,
          values + o.values, Math.max(maxError, o.maxError));
    }

    /** ‖ŷ − y‖ / ‖y‖ over all values. */
    double relativeError() {
      return Math.sqrt(squaredError / squaredTarget);
    }

    double rmse() {
      return values == 0 ? Double.NaN : Math.sqrt(squaredError / values);
    }

    /** relative_error, rmse, max_error, rows with a prefix ("training_"). */
    Map<String, Object> asMap(String prefix, int outputs) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put(prefix + "relative_error", relativeError());
      m.put(prefix + "rmse", rmse());
      m.put(prefix + "max_error", maxError);
      m.put(prefix + "rows", values / Math.max(1, outputs));
      return m;
    }
  }

  static Sums blockSums(FeatureMap map, double[] theta, double[] c, Standardization std, RowBlock b) {
    double[] pred = map.outputs(theta, c, b);
    int r = b.rows;
    int k = b.outputs;
    double se = 0;
    double sy = 0;
    double max = 0;
    for (int j = 0; j < k; j++) {
      double s = std == null ? 1 : std.labelStd()[j];
      double mu = std == null ? 0 : std.labelMean()[j];
      for (int i = 0; i < r; i++) {
        double y = b.y[i + j * r] * s + mu;
        double p = pred[i + j * r] * s + mu;
        double e = p - y;
        se += e * e;
        sy += y * y;
        max = Math.max(max, Math.abs(e));
        if (Double.isNaN(e)) {
          max = Double.NaN;
        }
      }
    }
    return new Sums(se, sy, (long) r * k, max);
  }

  /** The sums over all blocks of the RDD (one job, described by {@code description}). */
  static Sums sums(JavaRDD<RowBlock> blocks, Broadcast<FeatureMap> map, double[] theta, double[] c,
      Standardization std, String description) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(blocks.context());
    Broadcast<double[][]> params = sc.broadcast(new double[][] {theta.clone(), c.clone()});
    sc.setJobDescription(description);
    try {
      List<Tuple2<Integer, Sums>> parts = new ArrayList<>(blocks.mapPartitionsWithIndex((index, it) -> {
        double[][] v = params.value();
        return Collections.singletonList(new Tuple2<>(index, partitionSums(map.value(), v[0], v[1], std, it)))
            .iterator();
      }, true).collect());
      parts.sort(Comparator.comparingInt(Tuple2::_1));
      return total(parts.stream().map(Tuple2::_2).toList());
    } catch (RuntimeException e) {
      throw DataError.unwrap(e);
    } finally {
      sc.setJobDescription(null);
      params.destroy();
    }
  }

  /** The same sums over partitions held in memory (a sweep task): the same folds and merge order. */
  static Sums sums(RowBlock[][] partitions, FeatureMap map, double[] theta, double[] c, Standardization std) {
    List<Sums> parts = new ArrayList<>(partitions.length);
    for (RowBlock[] p : partitions) {
      parts.add(partitionSums(map, theta, c, std, List.of(p).iterator()));
    }
    return total(parts);
  }

  /** One partition's blocks, summed in order. */
  private static Sums partitionSums(FeatureMap map, double[] theta, double[] c, Standardization std,
      java.util.Iterator<RowBlock> blocks) {
    Sums s = Sums.ZERO;
    while (blocks.hasNext()) {
      s = s.plus(blockSums(map, theta, c, std, blocks.next()));
    }
    return s;
  }

  /** The partition sums merged in partition order. */
  private static Sums total(List<Sums> ordered) {
    Sums total = Sums.ZERO;
    for (Sums s : ordered) {
      total = total.plus(s);
    }
    return total;
  }

  /**
   * Up to about {@code limit} (true, predicted) pairs of the first output in raw units, every
   * s-th row of each partition with s = ⌈rows / limit⌉: for the predicted-vs-true plot.
   */
  static double[][] sample(JavaRDD<RowBlock> blocks, Broadcast<FeatureMap> map, double[] theta,
      double[] c, Standardization std, long rows, int limit) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(blocks.context());
    long stride = Math.max(1, (rows + limit - 1) / limit);
    Broadcast<double[][]> params = sc.broadcast(new double[][] {theta.clone(), c.clone()});
    sc.setJobDescription("sampling predictions for the plot");
    try {
      List<Tuple2<Integer, double[][]>> parts = new ArrayList<>(blocks.mapPartitionsWithIndex((index, it) -> {
        FeatureMap m = map.value();
        double[][] v = params.value();
        List<double[]> pairs = new ArrayList<>();
        long seen = 0;
        double s = std == null ? 1 : std.labelStd()[0];
        double mu = std == null ? 0 : std.labelMean()[0];
        while (it.hasNext()) {
          RowBlock b = it.next();
          double[] pred = null;
          for (int i = 0; i < b.rows; i++, seen++) {
            if (seen % stride != 0) {
              continue;
            }
            if (pred == null) {
              pred = m.outputs(v[0], v[1], b);
            }
            pairs.add(new double[] {b.y[i] * s + mu, pred[i] * s + mu});
          }
        }
        return Collections.singletonList(new Tuple2<>(index, pairs.toArray(new double[0][]))).iterator();
      }, true).collect());
      parts.sort(Comparator.comparingInt(Tuple2::_1));
      List<double[]> all = new ArrayList<>();
      for (Tuple2<Integer, double[][]> t : parts) {
        Collections.addAll(all, t._2);
      }
      double[] yTrue = new double[all.size()];
      double[] yPred = new double[all.size()];
      for (int i = 0; i < yTrue.length; i++) {
        yTrue[i] = all.get(i)[0];
        yPred[i] = all.get(i)[1];
      }
      return new double[][] {yTrue, yPred};
    } finally {
      sc.setJobDescription(null);
      params.destroy();
    }
  }
}
