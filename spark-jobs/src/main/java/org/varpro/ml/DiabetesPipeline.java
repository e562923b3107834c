package org.varpro.ml;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * The ML API used as a library under spark-submit (the README's example, and the cluster
 * integration test): a Pipeline of VectorAssembler and {@link VarProRegressor} on the diabetes
 * data of {@code data/}.
 *
 * <pre>
 * spark-submit --class org.varpro.ml.DiabetesPipeline spark-jobs/target/spark-jobs-…-all.jar \
 *     fit DATA_DIR MODEL_URI PREDICTIONS_URI       # fit, save the PipelineModel, write predictions
 * spark-submit … predict DATA_DIR MODEL_URI PREDICTIONS_URI   # load the model, write predictions
 * </pre>
 *
 * Predictions are written one per line in Java's shortest round-trip form, in row order.
 */
public final class DiabetesPipeline {
  static final String[] COLUMNS = {"age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"};

  private DiabetesPipeline() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 4 || !(args[0].equals("fit") || args[0].equals("predict"))) {
      System.err.println("usage: DiabetesPipeline fit|predict DATA_DIR MODEL_URI PREDICTIONS_URI");
      System.exit(2);
    }
    SparkSession spark = SparkSession.builder().appName("varpro DiabetesPipeline " + args[0]).getOrCreate();
    try {
      Dataset<Row> rows = read(spark, args[1]).cache();
      PipelineModel model;
      if (args[0].equals("fit")) {
        VarProRegressor regressor = new VarProRegressor().setHidden(new int[] {16}).setLambda(10).setMaxIter(5)
            .setStandardizeLabels(true).setSeed(1);
        model = new Pipeline().setStages(new PipelineStage[] {
            new VectorAssembler().setInputCols(COLUMNS).setOutputCol("features"), regressor}).fit(rows);
        model.write().overwrite().save(args[2]);
        VarProRegressionModel fitted = (VarProRegressionModel) model.stages()[1];
        System.out.println("DiabetesPipeline: fitted " + fitted.summary() + " on " + spark.sparkContext().master()
            + ", saved to " + args[2]);
      } else {
        model = PipelineModel.load(args[2]);
      }
      List<Row> predicted = model.transform(rows).select("prediction").collectAsList();
      StringBuilder text = new StringBuilder();
      for (Row r : predicted) {
        text.append(Double.toString(r.getDouble(0))).append('\n');
      }
      Path out = new Path(args[3]);
      FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream o = fs.create(out, true)) {
        o.write(text.toString().getBytes(StandardCharsets.UTF_8));
      }
      System.out.println(String.format(Locale.ROOT, "DiabetesPipeline: %d predictions written to %s",
          predicted.size(), args[3]));
    } finally {
      spark.stop();
    }
  }

  /**
   * The 442 rows (age … s6, label) in file order, in 4 partitions: the raw file and the
   * line-aligned target file of {@code dir}, joined on the line number.
   */
  static Dataset<Row> read(SparkSession spark, String dir) {
    JavaRDD<String> x = spark.read().textFile(dir + "/diabetes_data_raw.csv.gz").javaRDD();
    JavaRDD<String> y = spark.read().textFile(dir + "/diabetes_target.csv.gz").javaRDD();
    JavaPairRDD<Long, String> xi = x.zipWithIndex().mapToPair(Tuple2::swap);
    JavaPairRDD<Long, String> yi = y.zipWithIndex().mapToPair(Tuple2::swap);
    JavaRDD<Row> rows = xi.join(yi).sortByKey(true, 4).values().map(t -> {
      String[] f = t._1().trim().split("\\s+");
      Object[] v = new Object[f.length + 1];
      for (int i = 0; i < f.length; i++) {
        v[i] = Double.parseDouble(f[i]);
      }
      v[f.length] = Double.parseDouble(t._2().trim());
      return RowFactory.create(v);
    });
    StructType schema = new StructType();
    for (String c : COLUMNS) {
      schema = schema.add(c, DataTypes.DoubleType, false);
    }
    return spark.createDataFrame(rows, schema.add("label", DataTypes.DoubleType, false));
  }
}
