package org.varpro.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.varpro.core.model.RowBlock;

/**
 * Raw rows → the standardized row blocks the evaluators pass over (the statistics come from
 * {@link StandardizationStats}). One implementation for every way rows come in (files read by
 * {@link TabularSource}, DataFrames given to the ML estimators), so the same rows in the same
 * partitions give bit-identical blocks.
 */
public final class RowPacking {
  private RowPacking() {}

  /**
   * The rows standardized and packed into blocks of up to {@code blockRows} rows, partition by
   * partition in row order (not cached).
   */
  public static JavaRDD<RowBlock> blocks(JavaRDD<ParsedRow> rows, Standardization st, int blockRows) {
    int d = st.features();
    int k = st.labels();
    return rows.mapPartitions(it -> pack(it, st, d, k, blockRows), true);
  }

  private static Iterator<RowBlock> pack(Iterator<ParsedRow> it, Standardization st, int d, int k, int blockRows) {
    List<RowBlock> out = new ArrayList<>();
    List<ParsedRow> chunk = new ArrayList<>(blockRows);
    while (it.hasNext()) {
      chunk.add(it.next());
      if (chunk.size() == blockRows) {
        out.add(block(chunk, st, d, k));
        chunk.clear();
      }
    }
    if (!chunk.isEmpty()) {
      out.add(block(chunk, st, d, k));
    }
    return out.iterator();
  }

  private static RowBlock block(List<ParsedRow> rows, Standardization st, int d, int k) {
    int r = rows.size();
    double[] x = new double[r * d];
    double[] y = new double[r * k];
    double[] w = new double[r];
    for (int i = 0; i < r; i++) {
      ParsedRow row = rows.get(i);
      double[] xs = st.features(row.x);
      double[] ys = st.labels(row.y);
      for (int j = 0; j < d; j++) {
        x[i + j * r] = xs[j];
      }
      for (int j = 0; j < k; j++) {
        y[i + j * r] = ys[j];
      }
      w[i] = row.w;
    }
    return RowBlock.regression(r, d, k, x, y, w);
  }
}
