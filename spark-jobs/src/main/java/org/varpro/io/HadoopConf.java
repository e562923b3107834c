package org.varpro.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import scala.Option;
import scala.Tuple2;

/**
 * The Hadoop configuration the jobs' file systems use. With a running Spark session, its
 * {@code hadoopConfiguration()}; before one starts (a run folder is created before Spark, so that
 * a taken output fails fast), Hadoop's defaults plus the {@code spark.hadoop.*} settings Spark
 * would copy in ({@code --conf spark.hadoop.fs.s3a.endpoint=…}, spark-defaults.conf under
 * spark-submit), read from the system properties as {@code new SparkConf()} does.
 */
public final class HadoopConf {
  private static final String PREFIX = "spark.hadoop.";

  private HadoopConf() {}

  public static Configuration get() {
    Option<SparkSession> active = SparkSession.getActiveSession();
    Option<SparkSession> session = active.isDefined() ? active : SparkSession.getDefaultSession();
    if (session.isDefined()) {
      return session.get().sparkContext().hadoopConfiguration();
    }
    Configuration conf = new Configuration();
    for (Tuple2<String, String> kv : new SparkConf().getAll()) {
      if (kv._1().startsWith(PREFIX)) {
        conf.set(kv._1().substring(PREFIX.length()), kv._2());
      }
    }
    return conf;
  }
}
