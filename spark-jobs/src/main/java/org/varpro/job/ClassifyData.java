package org.varpro.job;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.varpro.config.ClassifyConfig;
import org.varpro.config.ConfigError;
import org.varpro.core.classify.LabelIndex;
import org.varpro.core.classify.LabeledData;
import org.varpro.core.classify.StratifiedSplit;
import org.varpro.core.model.RowBlock;
import org.varpro.spark.DataError;
import org.varpro.spark.DriverBlocks;
import org.varpro.spark.Standardization;
import org.varpro.spark.TabularData;
import org.varpro.spark.TabularSource;

/**
 * The rows of a classification run, ready for the solver: the training blocks on Spark with
 * weights summing to 1 (the objective is the weighted mean cross-entropy Σ w_i CE_i / Σ w_i),
 * and the training, test and (optional) validation rows on the driver for the metrics, features
 * in model units, labels as class indices. {@code train} fits these blocks on Spark; a sweep task
 * folds the same blocks partition by partition ({@link LocalFit#loadClassify}), so its row
 * equals the {@code train} run bit for bit.
 *
 * @param trainBlocks training rows over the job's partitions, weights w_i / Σ w
 * @param train the training rows (weights as read), for the training metrics
 * @param validation held-out validation rows, null without
 * @param classes the classes (labels 0..K−1 for the built-in sets)
 * @param standardization the feature standardization of a table (null for the built-in sets,
 *     whose pixels are scaled when read)
 * @param release drops what is cached on Spark
 */
public record ClassifyData(JavaRDD<RowBlock> trainBlocks, RowBlock train, RowBlock test, RowBlock validation,
    LabelIndex classes, Standardization standardization, String description, Runnable release) {

  public int inputs() {
    return train.inputDim;
  }

  public static ClassifyData load(ClassifyConfig c, JobConfig job, SparkSession spark) {
    return c.isTable() ? table(c, job, spark) : builtIn(c, job, spark);
  }

  /** Digits or Fashion-MNIST, read and split on the driver. */
  private static ClassifyData builtIn(ClassifyConfig c, JobConfig job, SparkSession spark) {
    LabeledData.Split split = c.load();
    LabeledData train = split.train();
    // Weights 1/m: the objective is the mean cross-entropy (+ the ridge terms).
    RowBlock weighted = train.toBlock(1.0 / train.rows());
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // Broadcast, not shipped inside the tasks (60,000 images would make tasks of 180 MB).
    DriverBlocks blocks = DriverBlocks.of(sc, weighted.split(job.blockRows()), job.partitions(weighted.rows));
    return new ClassifyData(blocks.rdd(), train.toBlock(1.0), split.test().toBlock(1.0), null,
        LabelIndex.range(train.classes()), null, c.data(), blocks::close);
  }

  /** A table read with Spark (the regression reader in classification mode). */
  private static ClassifyData table(ClassifyConfig c, JobConfig job, SparkSession spark) {
    TabularSource source = source(c, c.table(), job.partitionsSetting(), job.blockRows())
        .classify(null)
        .validationFraction(c.testPath() == null ? c.testFraction() : c.validationFraction());
    TabularData data = read(source, c, spark);
    try {
      Standardization std = data.standardization();
      RowBlock held = data.validationRows() == 0 ? null : data.collectValidation();
      RowBlock test;
      RowBlock validation;
      if (c.testPath() == null) {
        test = held;
        validation = null;
      } else {
        Map<String, String> options = new LinkedHashMap<>(c.table());
        options.put("path", c.testPath());
        options.put("standardize", "false");
        TabularSource testSource = source(c, options, 1, job.blockRows()).classify(data.classes());
        TabularData raw = read(testSource, c, spark);
        try {
          test = std.apply(raw.collectTraining());
        } finally {
          raw.unpersist();
        }
        validation = held;
      }
      RowBlock train = data.collectTraining();
      // Σ w over the blocks in partition order (collect keeps it), so the scale is reproducible.
      double total = 0;
      for (double s : data.training().map(ClassifyData::weightSum).collect()) {
        total += s;
      }
      if (!(total > 0)) {
        throw new DataError(c.table().get("path"), 0, "every training row has weight 0");
      }
      double scale = 1.0 / total;
      JavaRDD<RowBlock> blocks = data.training().map(b -> scaled(b, scale)).persist(StorageLevel.MEMORY_AND_DISK());
      String d = c.describe() + ": " + source.describe();
      return new ClassifyData(blocks, train, test, validation, data.classes(), std, d, () -> {
        blocks.unpersist(false);
        data.unpersist();
      });
    } catch (RuntimeException e) {
      data.unpersist();
      throw e;
    }
  }

  private static TabularSource source(ClassifyConfig c, Map<String, String> table, int partitions, int blockRows) {
    Map<String, String> options = new LinkedHashMap<>(table);
    options.put("partitions", Integer.toString(partitions));
    options.put("block-rows", Integer.toString(blockRows));
    options.put("seed", Long.toString(c.seed()));
    try {
      return TabularSource.fromOptions(options);
    } catch (IllegalArgumentException e) {
      throw new ConfigError(ClassifyConfig.SECTION, e.getMessage(), e);
    }
  }

  /**
   * Reads a table; a class too small for the split is the fault of the held-out share's key,
   * other column and option problems found while reading that of the section.
   */
  private static TabularData read(TabularSource source, ClassifyConfig c, SparkSession spark) {
    try {
      return source.load(spark);
    } catch (DataError e) {
      throw e;
    } catch (StratifiedSplit.TooFewRows e) {
      throw new ConfigError(c.heldOutKey(), c.table().get("path") + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ConfigError(ClassifyConfig.SECTION, e.getMessage(), e);
    }
  }

  private static double weightSum(RowBlock b) {
    double s = 0;
    for (double w : b.weight) {
      s += w;
    }
    return s;
  }

  private static RowBlock scaled(RowBlock b, double scale) {
    double[] w = new double[b.rows];
    for (int i = 0; i < w.length; i++) {
      w[i] = b.weight[i] * scale;
    }
    return new RowBlock(b.rows, b.inputDim, b.outputs, b.x, b.y, w, b.channels, b.coef);
  }

  /** The classes and standardization for model.json (the standardization only for tables). */
  Map<String, Object> savedFields() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("label_index", classes.toMap());
    if (standardization != null) {
      m.put("standardization", standardization.toMap());
    }
    return m;
  }

  /** Rows of a part, 0 when absent. */
  static long rows(RowBlock b) {
    return b == null ? 0 : b.rows;
  }

}
