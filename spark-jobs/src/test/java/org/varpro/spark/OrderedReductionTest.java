package org.varpro.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.junit.jupiter.api.Test;
import org.varpro.core.pass.MergeOrder;
import scala.Tuple2;

/** The merge order is the partition order, whatever the tree and the task timing. */
class OrderedReductionTest {

  /** Partition j holds "j"; merging concatenates, so the result spells the merge order. */
  private static String reduce(int partitions, int driverLimit, int fanout) {
    List<Integer> idx = new ArrayList<>();
    for (int j = 0; j < partitions; j++) {
      idx.add(j);
    }
    JavaPairRDD<Integer, String> partials = TestSpark.context().parallelize(idx, partitions)
        .mapPartitionsWithIndex((j, it) -> {
          // Finish out of order: later partitions first.
          Thread.sleep(5L * (partitions - j));
          return List.of(new Tuple2<>(j, Integer.toString(j))).iterator();
        }, true)
        .mapToPair(t -> t);
    List<String> top = OrderedReduction.reduceToDriver(partials, partitions, new MergeOrder(driverLimit, fanout),
        (a, b) -> a + "," + b);
    assertTrue(top.size() <= driverLimit);
    return String.join(",", top);
  }

  @Test
  void mergesInPartitionOrder() {
    StringBuilder expected = new StringBuilder();
    for (int j = 0; j < 11; j++) {
      expected.append(j == 0 ? "" : ",").append(j);
    }
    assertEquals(expected.toString(), reduce(11, 64, 8));
    assertEquals(expected.toString(), reduce(11, 2, 3));
    assertEquals(expected.toString(), reduce(11, 1, 2));
  }

  /**
   * foldPartitions: one runJob up to the driver limit, the keyed tree above it; either way the
   * partials come back in partition order although later partitions finish first.
   */
  @Test
  void foldPartitionsKeepsPartitionOrder() {
    int partitions = 7;
    List<Integer> idx = new ArrayList<>();
    for (int j = 0; j < partitions; j++) {
      idx.add(j);
    }
    JavaRDD<Integer> rdd = TestSpark.context().parallelize(idx, partitions);
    OrderedReduction.PartitionFold<Integer, String> fold = (j, it) -> {
      Thread.sleep(5L * (partitions - j));
      StringBuilder sb = new StringBuilder();
      it.forEachRemaining(v -> sb.append(v));
      return j + ":" + sb;
    };
    List<String> direct = OrderedReduction.foldPartitions(rdd, fold, MergeOrder.DEFAULT, (a, b) -> a + "," + b);
    assertEquals(List.of("0:0", "1:1", "2:2", "3:3", "4:4", "5:5", "6:6"), direct);
    List<String> tree = OrderedReduction.foldPartitions(rdd, fold, new MergeOrder(3, 3), (a, b) -> a + "," + b);
    assertEquals(List.of("0:0,1:1,2:2", "3:3,4:4,5:5", "6:6"), tree);
  }

  @Test
  void sessionDescribesSparkAndBlas() {
    String d = SparkSessions.describe(TestSpark.session());
    assertTrue(d.startsWith("Spark 4.1.0"), d);
    assertTrue(d.contains("BLAS="), d);
    assertEquals(2, SparkSessions.localThreads("local[2]"));
    assertEquals(1, SparkSessions.localThreads("local"));
    assertEquals(0, SparkSessions.localThreads("yarn"));
    assertEquals("4", TestSpark.session().conf().get("spark.sql.shuffle.partitions"));
    assertEquals("false", TestSpark.session().sparkContext().getConf().get("spark.ui.enabled"));
    assertEquals(SparkSessions.DIRECT_RESULT_SIZE,
        TestSpark.session().sparkContext().getConf().get(SparkSessions.DIRECT_RESULT_KEY));
    assertEquals("2m", SparkSessions.builder("t").config(SparkSessions.DIRECT_RESULT_KEY, "2m").conf()
        .get(SparkSessions.DIRECT_RESULT_KEY), "a configured value wins");
  }
}
