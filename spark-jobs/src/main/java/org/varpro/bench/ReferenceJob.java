package org.varpro.bench;

import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.varpro.bench.ScaleKernels.Kernel;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * The reference kernel rates of {@code bench scale}, measured where and how the passes run: one
 * Spark job in barrier mode with one task per executor core (the callers), so every caller runs
 * its kernel on its own core while all the others run theirs, in the executors' JVMs, next to
 * whatever else the pass competes with (the driver, the cluster's daemons). Before every timed
 * call all callers meet at the barrier, so the calls of one repeat overlap; each caller times its
 * own calls (wall and thread CPU seconds) after one untimed warm-up call.
 */
final class ReferenceJob {
  private ReferenceJob() {}

  /** The kernels of one round, timed by {@code callers} concurrent tasks. */
  record Round(String label, int callers, List<Timing> kernels) {
    Timing timing(ScaleKernels.Kind kind) {
      for (Timing t : kernels) {
        if (t.kernel().kind() == kind) {
          return t;
        }
      }
      return null;
    }
  }

  /**
   * One kernel's calls in a round: {@code wall[c][r]} and {@code cpu[c][r]} are the wall and the
   * thread CPU seconds of caller c's repeat r.
   */
  record Timing(Kernel kernel, double[][] wall, double[][] cpu) {
    int callers() {
      return wall.length;
    }

    /**
     * Aggregate GFLOP/s of all callers: callers × flops over the slowest call of a repeat (all
     * callers were busy until then), the best repeat.
     */
    double aggregateGflops() {
      double best = 0;
      for (int r = 0; r < wall[0].length; r++) {
        double slowest = 0;
        for (double[] w : wall) {
          slowest = Math.max(slowest, w[r]);
        }
        best = Math.max(best, callers() * kernel.flops() / slowest * 1e-9);
      }
      return best;
    }

    /** GFLOP/s of each caller: flops over its fastest call. */
    double[] perCallerGflops() {
      double[] g = new double[callers()];
      for (int c = 0; c < g.length; c++) {
        g[c] = kernel.flops() / min(wall[c]) * 1e-9;
      }
      return g;
    }

    /**
     * GFLOP/s per CPU second a caller received (flops over the thread CPU seconds of its fastest
     * call, mean over callers): the kernel's speed on a core with the others busy, whatever share
     * of the core the caller got.
     */
    double perCpuSecondGflops() {
      double sum = 0;
      for (int c = 0; c < callers(); c++) {
        sum += kernel.flops() / cpu[c][argMin(wall[c])] * 1e-9;
      }
      return sum / callers();
    }

    /** CPU seconds over wall seconds of the callers' fastest calls, mean over callers (1: a whole core each). */
    double cpuShare() {
      double sum = 0;
      for (int c = 0; c < callers(); c++) {
        int r = argMin(wall[c]);
        sum += cpu[c][r] / wall[c][r];
      }
      return sum / callers();
    }
  }

  /** Times {@code kernels} with {@code callers} concurrent tasks, {@code repeats} timed calls each. */
  static Round run(JavaSparkContext sc, String label, List<Kernel> kernels, int callers, int repeats, long seed) {
    List<Integer> index = IntStream.range(0, callers).boxed().toList();
    RDD<Integer> slots = sc.parallelize(index, callers).rdd();
    List<double[]> results = slots.barrier()
        .mapPartitions(new Task(List.copyOf(kernels), repeats, seed), false, ClassTag$.MODULE$.apply(double[].class))
        .toJavaRDD().collect();
    if (results.size() != callers) {
      throw new IllegalStateException("reference job: " + results.size() + " results from " + callers + " tasks");
    }
    List<Timing> timings = new ArrayList<>();
    for (int k = 0; k < kernels.size(); k++) {
      double[][] wall = new double[callers][repeats];
      double[][] cpu = new double[callers][repeats];
      for (double[] res : results) {
        int c = (int) res[0];
        for (int r = 0; r < repeats; r++) {
          wall[c][r] = res[1 + 2 * (k * repeats + r)];
          cpu[c][r] = res[2 + 2 * (k * repeats + r)];
        }
      }
      timings.add(new Timing(kernels.get(k), wall, cpu));
    }
    return new Round(label, callers, List.copyOf(timings));
  }

  /**
   * One caller: for each kernel, its operands (seeded by the caller's index), one untimed call,
   * then the timed calls, each after the barrier. Returns [index, (wall, cpu) per kernel and repeat].
   */
  private static final class Task
      extends AbstractFunction1<scala.collection.Iterator<Integer>, scala.collection.Iterator<double[]>>
      implements Serializable {
    private final List<Kernel> kernels;
    private final int repeats;
    private final long seed;

    Task(List<Kernel> kernels, int repeats, long seed) {
      this.kernels = kernels;
      this.repeats = repeats;
      this.seed = seed;
    }

    @Override
    public scala.collection.Iterator<double[]> apply(scala.collection.Iterator<Integer> ignored) {
      BarrierTaskContext ctx = BarrierTaskContext.get();
      int caller = ctx.partitionId();
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      double[] out = new double[1 + 2 * kernels.size() * repeats];
      out[0] = caller;
      for (int k = 0; k < kernels.size(); k++) {
        Runnable call = kernels.get(k).prepare(new SplittableRandom(seed + 7919L * caller + k));
        call.run(); // warm-up: native library load, JIT, page faults
        for (int r = 0; r < repeats; r++) {
          ctx.barrier();
          long c0 = threads.getCurrentThreadCpuTime();
          long t0 = System.nanoTime();
          call.run();
          out[1 + 2 * (k * repeats + r)] = Timed.since(t0);
          out[2 + 2 * (k * repeats + r)] = (threads.getCurrentThreadCpuTime() - c0) * 1e-9;
        }
      }
      return scala.jdk.javaapi.CollectionConverters.asScala(List.of(out).iterator());
    }
  }

  private static double min(double[] xs) {
    return xs[argMin(xs)];
  }

  private static int argMin(double[] xs) {
    int best = 0;
    for (int i = 1; i < xs.length; i++) {
      if (xs[i] < xs[best]) {
        best = i;
      }
    }
    return best;
  }
}
