package org.varpro.core.pass;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;

/**
 * What one partition of row blocks holds (rows, target columns), or what is wrong with it: the
 * blocks' input dimension and derivative channels against the feature map, one target width,
 * and the caller's {@link BlockCheck}. Computed where the partition lives (on Spark: one task per
 * partition) and combined by {@link #total}.
 */
public record PartitionShape(int partition, long rows, int outputs, String problem) implements Serializable {
  /** Scans one partition's blocks; stops at the first problem. */
  public static PartitionShape of(FeatureMap map, BlockCheck check, int partition, Iterator<RowBlock> blocks) {
    long rows = 0;
    int outputs = -1;
    while (blocks.hasNext()) {
      RowBlock b = blocks.next();
      String problem = null;
      if (b.inputDim != map.inputDim()) {
        problem = "row block has " + b.inputDim + " inputs; " + map.describe() + " expects " + map.inputDim();
      } else if (outputs >= 0 && b.outputs != outputs) {
        problem = "row blocks have " + outputs + " and " + b.outputs + " outputs";
      } else if (!map.supports(b.channels)) {
        problem = map.describe() + " does not support channels " + b.channels;
      } else {
        try {
          check.check(b);
        } catch (IllegalArgumentException e) {
          problem = e.getMessage();
        }
      }
      if (problem != null) {
        return new PartitionShape(partition, rows, outputs, problem);
      }
      outputs = b.outputs;
      rows += b.rows;
    }
    return new PartitionShape(partition, rows, outputs, null);
  }

  /**
   * The rows and target width of all partitions: a one-line error naming the partition (when
   * there are several) of the first problem, of a second target width, or "no rows to fit".
   */
  public static PartitionShape total(List<PartitionShape> shapes) {
    String where = shapes.size() > 1 ? "partition %d: " : "";
    long rows = 0;
    int outputs = -1;
    int outputsPartition = -1;
    for (PartitionShape s : shapes) {
      if (s.problem != null) {
        throw new IllegalArgumentException(String.format(where, s.partition) + s.problem);
      }
      if (s.rows == 0) {
        continue;
      }
      if (outputs >= 0 && s.outputs != outputs) {
        throw new IllegalArgumentException("partition " + s.partition + " has rows with " + s.outputs
            + " outputs, partition " + outputsPartition + " with " + outputs);
      }
      outputs = s.outputs;
      outputsPartition = s.partition;
      rows += s.rows;
    }
    if (rows == 0) {
      throw new IllegalArgumentException("no rows to fit");
    }
    return new PartitionShape(-1, rows, outputs, null);
  }
}
