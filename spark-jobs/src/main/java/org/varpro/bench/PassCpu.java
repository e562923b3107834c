package org.varpro.bench;

/**
 * Where the CPU went during the Jacobian passes of a run (seconds summed over the passes): the
 * Spark tasks (their threads' CPU time), the driver JVM and the whole machine ({@link MachineCpu}).
 *
 * @param wall wall seconds of the passes
 * @param tasks CPU seconds of the passes' tasks
 * @param taskRun wall seconds the passes' tasks ran (summed over tasks)
 * @param process CPU seconds of the driver JVM (which also runs the tasks in local mode)
 * @param machine the machine's CPU seconds by kind
 * @param tasksInDriver whether the tasks ran in the driver JVM (local mode)
 * @param machineCores the machine's cores (of the driver; on the local cluster, the executors' too)
 * @param executorCores the cores the tasks ran on
 */
record PassCpu(double wall, double tasks, double taskRun, double process, MachineCpu machine, boolean tasksInDriver,
    int machineCores, int executorCores) {

  /** The driver's own CPU seconds: scheduling, results, listeners (without the tasks in local mode). */
  double driver() {
    return tasksInDriver ? process - tasks : process;
  }

  /**
   * Busy CPU seconds of everything else on the machine: cluster daemons (Master, Workers), the
   * executor JVMs' own threads (GC, heartbeats, shuffle service) and other processes not under nice.
   */
  double others() {
    return machine.busy() - tasks - driver();
  }

  /**
   * CPU per wall second that the tasks compete with where no core is spare: the driver, the
   * others and the steal (nice time is left out: it yields to the tasks).
   */
  double competingPerSecond() {
    return (driver() + others() + machine.steal()) / wall;
  }

  /** The fraction of a core the tasks got while they ran: their CPU over their run time. */
  double executorShare() {
    return tasks / taskRun;
  }

  /**
   * The share of a core an executor's task gets when the competing CPU takes what the machine's
   * spare cores cannot absorb: min(1, (machine cores − competing) / executor cores).
   */
  static double predictedShare(int machineCores, int executorCores, double competingPerSecond) {
    return Math.min(1.0, (machineCores - competingPerSecond) / executorCores);
  }
}
