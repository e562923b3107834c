package org.varpro.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.varpro.core.solver.Evaluator;
import org.varpro.core.solver.ForwardingEvaluator;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverListener;
import org.varpro.core.stats.JacobianStats;
import org.varpro.core.stats.ProjectionStats;
import org.varpro.core.stats.ReducedProductStats;
import org.varpro.core.stats.StatsKind;

/**
 * Delegates to an evaluator and times every pass: projection, Jacobian, and the matrix-free
 * step's product passes (a tangent pass J·v and a transpose pass Jᵀ·z per CG product). The
 * solver's first projection pass is the warm-up; the timed span runs from its end to the end
 * of the last iteration ({@link #onIteration}, so it includes the driver's step and inner solves).
 */
final class PassTimer extends ForwardingEvaluator implements SolverListener {
  private final long rows;
  private final String label;
  private final double jacobianFlops;
  private final Consumer<String> progress;
  final List<Double> jacobian = new ArrayList<>();
  final List<Double> projection = new ArrayList<>();
  final List<Double> tangent = new ArrayList<>();
  final List<Double> transpose = new ArrayList<>();
  private double warmup = Double.NaN;
  private long timedStart;
  private long end;
  private int iterations;
  /** CPU seconds of the Jacobian passes: tasks, this JVM, the machine. */
  private double jacobianTaskCpu;
  private double jacobianTaskRun;
  private double jacobianProcessCpu;
  private MachineCpu jacobianMachine = MachineCpu.ZERO;
  /** Called when the warm-up projection pass ends (the timed span begins). */
  private final Runnable onTimedStart;
  /** CPU and run (wall) seconds of the Spark tasks ended so far. */
  private final Supplier<double[]> taskCpu;

  PassTimer(Evaluator inner, long rows, String label, double jacobianFlops, Consumer<String> progress,
      Runnable onTimedStart, Supplier<double[]> taskCpu) {
    super(inner);
    this.rows = rows;
    this.label = label;
    this.jacobianFlops = jacobianFlops;
    this.progress = progress;
    this.onTimedStart = onTimedStart;
    this.taskCpu = taskCpu;
  }

  private void say(String format, Object... args) {
    progress.accept(String.format(Locale.ROOT, "bench scale: %d rows, %s: ", rows, label)
        + String.format(Locale.ROOT, format, args));
  }

  @Override
  public ProjectionStats project(double[] theta, StatsKind kind) {
    long t0 = System.nanoTime();
    ProjectionStats s = super.project(theta, kind);
    double sec = Timed.since(t0);
    if (Double.isNaN(warmup)) {
      warmup = sec;
      say("warm-up projection pass %.2f s", sec);
      onTimedStart.run();
      timedStart = System.nanoTime();
    } else {
      projection.add(sec);
      say("iteration %d projection pass %.2f s", iterations + 1, sec);
    }
    return s;
  }

  @Override
  public JacobianStats jacobian(double[] theta, double[] c, double lambda, double[] thetaPrevious,
      StatsKind kind, boolean golubPereyra) {
    double[] task0 = taskCpu.get();
    MachineCpu machine0 = MachineCpu.now();
    double cpu0 = processCpuSeconds();
    long t0 = System.nanoTime();
    JacobianStats s = super.jacobian(theta, c, lambda, thetaPrevious, kind, golubPereyra);
    double sec = Timed.since(t0);
    jacobianProcessCpu += processCpuSeconds() - cpu0;
    jacobianMachine = jacobianMachine.plus(MachineCpu.now().minus(machine0));
    double[] task1 = taskCpu.get();
    jacobianTaskCpu += task1[0] - task0[0];
    jacobianTaskRun += task1[1] - task0[1];
    jacobian.add(sec);
    say("iteration %d Jacobian pass %.2f s, %.1f GFLOP counted, %.2f GFLOP/s", iterations + 1, sec,
        jacobianFlops * 1e-9, jacobianFlops / sec * 1e-9);
    return s;
  }

  @Override
  public ReducedProductStats tangentProduct(double[] theta, double[] c, double[] v) {
    long t0 = System.nanoTime();
    ReducedProductStats s = super.tangentProduct(theta, c, v);
    tangent.add(Timed.since(t0));
    return s;
  }

  @Override
  public ReducedProductStats transposeProduct(double[] theta, double[] c, double[] v, double[] z,
      double beta) {
    long t0 = System.nanoTime();
    ReducedProductStats s = super.transposeProduct(theta, c, v, z, beta);
    transpose.add(Timed.since(t0));
    if (transpose.size() % 10 == 0) {
      say("%d tangent and %d transpose product passes, %.2f s per CG product", tangent.size(),
          transpose.size(), mean(tangent) + mean(transpose));
    }
    return s;
  }

  @Override
  public void onIteration(IterationRecord record) {
    iterations++;
    end = System.nanoTime();
  }

  /** Iterations completed. */
  int iterations() {
    return iterations;
  }

  double warmupSeconds() {
    return warmup;
  }

  /** Wall seconds from the end of the warm-up to the end of the last iteration. */
  double timedSeconds() {
    return iterations == 0 ? Double.NaN : (end - timedStart) * 1e-9;
  }

  /** The timed span minus the passes: the driver's step solves, inner solves and scheduling gaps. */
  double driverSeconds() {
    return timedSeconds() - sum(jacobian) - sum(projection) - sum(tangent) - sum(transpose);
  }

  /**
   * The CPU accounts of the Jacobian passes.
   *
   * @param tasksInDriver whether the tasks run in this JVM (local mode)
   * @param executorCores the cores the tasks run on (the reference job's callers)
   */
  PassCpu jacobianCpu(boolean tasksInDriver, int executorCores) {
    return new PassCpu(sum(jacobian), jacobianTaskCpu, jacobianTaskRun, jacobianProcessCpu, jacobianMachine,
        tasksInDriver,
        Runtime.getRuntime().availableProcessors(), executorCores);
  }

  /** CPU seconds of this JVM so far (all threads, BLAS threads included), NaN when unknown. */
  static double processCpuSeconds() {
    java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      long ns = sun.getProcessCpuTime();
      return ns < 0 ? Double.NaN : ns * 1e-9;
    }
    return Double.NaN;
  }

  static double sum(List<Double> xs) {
    double s = 0;
    for (double x : xs) {
      s += x;
    }
    return s;
  }

  static double mean(List<Double> xs) {
    return xs.isEmpty() ? Double.NaN : sum(xs) / xs.size();
  }
}
