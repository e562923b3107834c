package org.varpro.spark;

import java.util.List;
import java.util.Objects;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.varpro.core.classify.LabelIndex;
import org.varpro.core.classify.StratifiedSplit;

/**
 * Puts numbered rows in order over P partitions (contiguous ranges of positions) and splits them
 * into training and validation rows, both keeping that order and partitioning.
 *
 * <ul>
 *   <li>Numeric labels: Spark's {@code randomSplit} with the seed, deterministic for the
 *       partitioning.</li>
 *   <li>Class labels: a stratified split ({@link StratifiedSplit}) of the labels gathered on the
 *       driver in row order (one int per row), so it depends only on the labels, the fraction and
 *       the seed; the held-out marks travel to the tasks as a broadcast.</li>
 * </ul>
 */
final class RowSplit {
  private RowSplit() {}

  /** Training and validation rows. */
  record Parts(JavaRDD<ParsedRow> training, JavaRDD<ParsedRow> validation) {}

  /** The rows in position order over {@code partitions} contiguous ranges. */
  static JavaPairRDD<Long, ParsedRow> ordered(JavaPairRDD<Long, ParsedRow> rows, long count, int partitions) {
    return rows.repartitionAndSortWithinPartitions(new ContiguousPartitioner(partitions, count));
  }

  /**
   * @param ordered the rows from {@link #ordered}
   * @param classes the classes of a class label (its index in y[0]), null for numeric labels
   * @param fraction share held out for validation, in [0, 1)
   * @throws StratifiedSplit.TooFewRows when a class cannot have rows on both sides
   */
  static Parts split(JavaSparkContext sc, JavaPairRDD<Long, ParsedRow> ordered, LabelIndex classes,
      double fraction, long seed) {
    JavaRDD<ParsedRow> rows = ordered.values();
    if (fraction == 0) {
      return new Parts(rows, sc.emptyRDD());
    }
    if (classes == null) {
      JavaRDD<ParsedRow>[] split = rows.randomSplit(new double[] {1 - fraction, fraction}, seed);
      return new Parts(split[0], split[1]);
    }
    List<Integer> labels = rows.map(r -> (int) r.y[0]).collect();
    boolean[] held = StratifiedSplit.heldOut(labels.stream().mapToInt(Integer::intValue).toArray(),
        classes.classes(), fraction, seed, true, classes.labels());
    Broadcast<boolean[]> marks = sc.broadcast(held);
    return new Parts(ordered.filter(t -> !marks.value()[(int) (long) t._1]).values(),
        ordered.filter(t -> marks.value()[(int) (long) t._1]).values());
  }

  /** Keys 0 … n−1 (row positions) to P contiguous ranges: key i goes to ⌊i·P/n⌋. */
  static final class ContiguousPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;
    private final long rows;

    ContiguousPartitioner(int partitions, long rows) {
      this.partitions = partitions;
      this.rows = Math.max(1, rows);
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      long i = (Long) key;
      long j;
      try {
        j = Math.multiplyExact(i, (long) partitions) / rows;
      } catch (ArithmeticException e) {
        j = (long) ((double) i / rows * partitions);
      }
      return (int) Math.max(0, Math.min(partitions - 1, j));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ContiguousPartitioner c && c.partitions == partitions && c.rows == rows;
    }

    @Override
    public int hashCode() {
      return Objects.hash(partitions, rows);
    }
  }
}
