package org.varpro.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.ExecutorMetrics;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.varpro.spark.OrderedReduction;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What the Spark jobs of a timed span moved and held, from the listener bus: bytes written to
 * and read from shuffles and task results sent to the driver (task metrics), the time and count
 * of the executor-side merges ({@link OrderedReduction}'s accumulators), and the peak JVM heap of
 * the executors (their heartbeats' executor metrics). The driver's own peak heap is sampled in a
 * daemon thread (in local mode the driver JVM is also the executor). Open it when the span
 * starts, {@link #close} it when it ends; then read the sums.
 */
final class SparkPassMetrics extends SparkListener implements AutoCloseable {
  /** Sampling period of the driver heap, milliseconds. */
  private static final long SAMPLE_MILLIS = 100;
  /** How long {@link #close} waits for the listener bus to deliver the queued events. */
  private static final long LISTENER_WAIT_MILLIS = 10_000;

  private final SparkContext sc;
  private final Thread sampler;
  private volatile boolean open = true;
  private long shuffleWrite;
  private long shuffleRead;
  private long resultBytes;
  private long mergeNanos;
  private long taskCpuNanos;
  private long taskRunMillis;
  private long merges;
  private long executorHeapPeak = -1;
  private volatile long driverHeapPeak;

  SparkPassMetrics(SparkContext sc) {
    this.sc = sc;
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    driverHeapPeak = memory.getHeapMemoryUsage().getUsed();
    sampler = new Thread(() -> {
      while (open) {
        driverHeapPeak = Math.max(driverHeapPeak, memory.getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(SAMPLE_MILLIS);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "varpro-bench-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    sc.addSparkListener(this);
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
    TaskMetrics m = end.taskMetrics();
    if (m != null) {
      shuffleWrite += m.shuffleWriteMetrics().bytesWritten();
      shuffleRead += m.shuffleReadMetrics().totalBytesRead();
      resultBytes += m.resultSize();
      taskCpuNanos += m.executorCpuTime();
      taskRunMillis += m.executorRunTime();
    }
    if (end.taskInfo() == null) {
      return;
    }
    for (AccumulableInfo a : CollectionConverters.asJava(end.taskInfo().accumulables())) {
      if (a.name().isEmpty() || a.update().isEmpty()) {
        continue;
      }
      String name = a.name().get();
      if (name.equals(OrderedReduction.MERGE_NANOS)) {
        mergeNanos += ((Number) a.update().get()).longValue();
      } else if (name.equals(OrderedReduction.MERGES)) {
        merges += ((Number) a.update().get()).longValue();
      }
    }
  }

  @Override
  public synchronized void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    for (ExecutorMetrics em : CollectionConverters.asJava(update.executorUpdates()).values()) {
      executorHeapPeak = Math.max(executorHeapPeak, em.getMetricValue("JVMHeapMemory"));
    }
  }

  @Override
  public void close() {
    open = false;
    sampler.interrupt();
    drain();
    sc.removeSparkListener(this);
  }

  /** Waits until the listener bus delivered the events queued so far (the last tasks' ends). */
  private void drain() {
    try {
      sc.listenerBus().waitUntilEmpty(LISTENER_WAIT_MILLIS);
    } catch (java.util.concurrent.TimeoutException e) {
      // Counted what arrived: the sums may miss the last events of a flooded bus.
    }
  }

  /**
   * CPU and wall seconds of the tasks ended so far, as the executors measured them (the task
   * threads' CPU time; their run time, deserialization excluded).
   */
  double[] taskCpuAndRunSeconds() {
    drain();
    synchronized (this) {
      return new double[] {taskCpuNanos * 1e-9, taskRunMillis * 1e-3};
    }
  }

  synchronized long shuffleWriteBytes() {
    return shuffleWrite;
  }

  synchronized long shuffleReadBytes() {
    return shuffleRead;
  }

  synchronized long resultBytes() {
    return resultBytes;
  }

  /** Seconds spent in the executor-side merges (summed over tasks). */
  synchronized double executorMergeSeconds() {
    return mergeNanos * 1e-9;
  }

  synchronized long executorMerges() {
    return merges;
  }

  /** The largest executor JVM heap a heartbeat reported, bytes; -1 when none came. */
  synchronized long executorHeapPeakBytes() {
    return executorHeapPeak;
  }

  long driverHeapPeakBytes() {
    return driverHeapPeak;
  }
}
