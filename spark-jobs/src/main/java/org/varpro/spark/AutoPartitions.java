package org.varpro.spark;

/**
 * {@code job.partitions = auto}: the number of partitions of the rows from the row count alone,
 * P = ⌈rows / {@link #ROWS_PER_PARTITION}⌉ (at least 1, at most {@link #MAX_PARTITIONS}).
 *
 * <p><b>Why the row count and nothing else.</b> The partitioning fixes the merge order of every
 * pass, and so every bit of the result. A rule that looked at the cores or the executors would
 * give a laptop and a cluster different partitions and different bits; this one gives the same
 * partitions (and the same result) everywhere.
 *
 * <p><b>Why 16,384 rows.</b> A Spark job costs a few milliseconds of scheduling whatever it does,
 * and every task adds about a millisecond more (DESIGN §3). A pass over 16,384 rows of the
 * networks of conf/ (40–64 features, 190–4,000 parameters) is 0.1–1 s of work, so the overhead
 * stays near 1%, and data of 32,768 rows or more already keeps two cores busy. A small problem
 * gets one partition: conf/heat.conf's 1,020 rows are one task per pass instead of four tasks of
 * ~250 rows, each of which cost more in scheduling than in arithmetic, and with one partition the
 * run is the single-process run bit for bit.
 */
public final class AutoPartitions {
  /** Rows per partition the rule aims at. */
  public static final long ROWS_PER_PARTITION = 16_384;
  /** The largest partition count (also the bound of an explicit {@code job.partitions}). */
  public static final int MAX_PARTITIONS = 100_000;

  private AutoPartitions() {}

  /** ⌈rows / ROWS_PER_PARTITION⌉, clamped to [1, MAX_PARTITIONS]. */
  public static int forRows(long rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("row count must be >= 0, got " + rows);
    }
    long p = rows / ROWS_PER_PARTITION + (rows % ROWS_PER_PARTITION == 0 ? 0 : 1);
    return (int) Math.max(1, Math.min(MAX_PARTITIONS, p));
  }
}
