package org.varpro.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.varpro.core.model.RowBlock;

/**
 * Row blocks that live on the driver (read there, e.g. the IDX files of Fashion-MNIST), put on
 * Spark without travelling inside tasks. {@code SparkContext.parallelize} would serialize each
 * partition's rows into its task (a task of tens of megabytes, and a warning, for 60,000 images);
 * here the blocks are broadcast once (Spark's torrent broadcast, in chunks) and partition j of
 * the RDD is the slice [⌊jB/P⌋, ⌊(j+1)B/P⌋) of the B blocks, the slices {@code parallelize}
 * makes, so a task carries only its index. Close after the last job over the RDD: the broadcast
 * is destroyed.
 */
public final class DriverBlocks implements AutoCloseable {
  private final Broadcast<RowBlock[]> broadcast;
  private final JavaRDD<RowBlock> rdd;

  private DriverBlocks(Broadcast<RowBlock[]> broadcast, JavaRDD<RowBlock> rdd) {
    this.broadcast = broadcast;
    this.rdd = rdd;
  }

  /** The blocks over {@code partitions} partitions, in order (partitions may be empty). */
  public static DriverBlocks of(JavaSparkContext sc, RowBlock[] blocks, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    Broadcast<RowBlock[]> b = sc.broadcast(blocks.clone());
    int count = blocks.length;
    List<Integer> indices = new ArrayList<>(partitions);
    for (int j = 0; j < partitions; j++) {
      indices.add(j);
    }
    JavaRDD<RowBlock> rdd = sc.parallelize(indices, partitions).mapPartitions(it -> {
      if (!it.hasNext()) {
        return java.util.Collections.emptyIterator();
      }
      int j = it.next();
      return Arrays.asList(b.value()).subList(sliceStart(j, count, partitions), sliceStart(j + 1, count, partitions))
          .iterator();
    }, true);
    return new DriverBlocks(b, rdd);
  }

  /** The first block of partition j: ⌊j·count/partitions⌋ (in long arithmetic, as Spark's slices). */
  static int sliceStart(int j, int count, int partitions) {
    return (int) ((long) j * count / partitions);
  }

  public JavaRDD<RowBlock> rdd() {
    return rdd;
  }

  /** Destroys the broadcast (the RDD cannot be computed again afterwards). */
  @Override
  public void close() {
    broadcast.destroy();
  }
}
