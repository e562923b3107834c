package org.varpro.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.spark_partition_id;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standardization statistics of raw training rows (feature and label means and sample
 * standard deviations), reproducible bit for bit: MLlib's Summarizer over one group per
 * partition (each summarized by one task, in row order), the groups combined on the driver in
 * partition order (Chan et al.'s pairwise update), never in task-completion order.
 */
public final class StandardizationStats {
  private static final Logger LOG = LoggerFactory.getLogger(StandardizationStats.class);

  private StandardizationStats() {}

  /**
   * The standardization of the training rows: means and sample standard deviations from MLlib's
   * Summarizer (one Spark job), the identity where disabled.
   *
   * @param what the data's name, for the job description and the constant-column warning
   */
  public static Standardization of(SparkSession spark, JavaRDD<ParsedRow> training,
      String[] featureNames, String[] labelNames, boolean features, boolean labels, String what) {
    Standardization identity = Standardization.identity(featureNames, labelNames);
    if (!features && !labels) {
      return identity;
    }
    StructType schema = new StructType()
        .add("x", SQLDataTypes.VectorType(), false)
        .add("y", SQLDataTypes.VectorType(), false);
    JavaRDD<Row> vectors = training.map(r -> RowFactory.create(Vectors.dense(r.x), Vectors.dense(r.y)));
    Dataset<Row> df = spark.createDataFrame(vectors, schema);
    // One group per partition: each group is summarized by a single task in row order, and the
    // groups are combined below in partition order, so the result does not depend on timing.
    Dataset<Row> perPartition = df.groupBy(spark_partition_id().as("pid")).agg(
        Summarizer.metrics("mean", "variance", "count", "min", "max").summary(col("x")).as("sx"),
        Summarizer.metrics("mean", "variance", "count", "min", "max").summary(col("y")).as("sy"));
    spark.sparkContext().setJobDescription("standardization statistics of " + what);
    List<Row> groups;
    try {
      groups = new ArrayList<>(perPartition.collectAsList());
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
    groups.sort(Comparator.comparingInt(r -> r.getInt(0)));
    Moments fx = new Moments(featureNames.length);
    Moments fy = new Moments(labelNames.length);
    for (Row g : groups) {
      fx.add(g.getStruct(1));
      fy.add(g.getStruct(2));
    }
    double[] xm = features ? fx.mean : identity.featureMean();
    double[] xs = features ? fx.std(featureNames, what) : identity.featureStd();
    double[] ym = labels ? fy.mean : identity.labelMean();
    double[] ys = labels ? fy.std(labelNames, what) : identity.labelStd();
    return new Standardization(featureNames.clone(), xm, xs, labelNames.clone(), ym, ys, fx.count);
  }

  /**
   * Count, mean and sum of squared deviations, combined group by group (Chan et al.), and the
   * largest magnitude per column.
   */
  private static final class Moments {
    long count;
    final double[] mean;
    final double[] m2;
    final double[] largest;

    Moments(int d) {
      mean = new double[d];
      m2 = new double[d];
      largest = new double[d];
    }

    void add(Row summary) {
      long n = summary.getLong(summary.fieldIndex("count"));
      if (n == 0) {
        return;
      }
      Vector gm = summary.getAs("mean");
      Vector gv = summary.getAs("variance");
      Vector lo = summary.getAs("min");
      Vector hi = summary.getAs("max");
      long total = count + n;
      for (int j = 0; j < mean.length; j++) {
        largest[j] = Math.max(largest[j], Math.max(Math.abs(lo.apply(j)), Math.abs(hi.apply(j))));
        double groupM2 = gv.apply(j) * (n - 1);
        double delta = gm.apply(j) - mean[j];
        mean[j] += delta * ((double) n / total);
        m2[j] += groupM2 + delta * delta * ((double) count * n / total);
      }
      count = total;
    }

    /**
     * The sample standard deviations. A mean or variance beyond the double range (values near
     * 1e308, or squares of values above ~1.3e154) is a {@link DataError} naming the column: the
     * standardized rows would be infinite or NaN.
     */
    double[] std(String[] names, String what) {
      double[] s = new double[mean.length];
      for (int j = 0; j < s.length; j++) {
        if (!Double.isFinite(mean[j]) || !Double.isFinite(m2[j])) {
          throw new DataError(what, 0, String.format(Locale.ROOT, "column %s: values up to %.3g overflow the "
              + "standardization (the %s exceeds the double range); rescale the column so that its values stay "
              + "below about 1e150", names[j], largest[j], Double.isFinite(mean[j]) ? "variance" : "mean"));
        }
        s[j] = count > 1 ? Math.sqrt(Math.max(0, m2[j]) / (count - 1)) : 0;
        if (!(s[j] > 1e-300) || !Double.isFinite(s[j])) {
          LOG.warn("{}: column '{}' is constant on the training rows; it is centred but not scaled", what, names[j]);
          s[j] = 1;
        }
      }
      return s;
    }
  }
}
