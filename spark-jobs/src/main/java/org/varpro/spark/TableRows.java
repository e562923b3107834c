package org.varpro.spark;

import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.varpro.core.classify.LabelIndex;
import scala.Tuple2;

/**
 * What a reader produces: parsed rows keyed by their 0-based position in the input, their count,
 * the column names, the classes of a classification label (null otherwise) and the RDDs the
 * reader persisted (released by the caller once the blocks are cached).
 */
record TableRows(JavaPairRDD<Long, ParsedRow> rows, long count, String[] featureNames,
    String[] labelNames, LabelIndex classes, List<JavaRDD<?>> persisted) {

  /** (position, row) pairs, positions 0, 1, … in input order. */
  static JavaPairRDD<Long, ParsedRow> numbered(JavaRDD<ParsedRow> rows) {
    return rows.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2, t._1));
  }

  /** Names prefix1 … prefixN. */
  static String[] numberedNames(String prefix, int n) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = prefix + (i + 1);
    }
    return out;
  }
}
