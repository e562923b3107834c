package org.varpro.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.varpro.bench.ReferenceJob.Timing;
import org.varpro.bench.ScaleKernels.Kernel;

/** The arithmetic of the reference rounds, the CPU accounts and the speed-up model, from given numbers. */
class ScaleModelTest {

  @Test
  void aggregateIsAllCallersOverTheSlowestCallOfTheBestRepeat() {
    // dgemm 100: 2e6 flops. Repeat 0: slowest 3 s; repeat 1: slowest 2 s (the best).
    Timing t = new Timing(Kernel.dgemm(100), new double[][] {{1, 2}, {3, 1.5}}, new double[][] {{0.5, 2}, {3, 1}});
    assertEquals(2 * 2e6 / 2 * 1e-9, t.aggregateGflops(), 1e-18);
    assertEquals(2e6 / 1 * 1e-9, t.perCallerGflops()[0], 1e-18);
    assertEquals(2e6 / 1.5 * 1e-9, t.perCallerGflops()[1], 1e-18);
    // Per CPU second and CPU share at each caller's fastest call: (1 s wall, 0.5 CPU), (1.5, 1).
    assertEquals((2e6 / 0.5 + 2e6 / 1) / 2 * 1e-9, t.perCpuSecondGflops(), 1e-18);
    assertEquals((0.5 / 1 + 1 / 1.5) / 2, t.cpuShare(), 1e-15);
  }

  @Test
  void procStatLineSplitsIntoBusyNiceStealAndIdle() {
    MachineCpu c = MachineCpu.parse("cpu  3514401 108363 281537 469775 663 0 832 1135 0 0");
    assertEquals((3514401 + 281537 + 0 + 832) / 100.0, c.busy(), 1e-9);
    assertEquals(1083.63, c.nice(), 1e-9);
    assertEquals(11.35, c.steal(), 1e-9);
    assertEquals((469775 + 663) / 100.0, c.idle(), 1e-9);
  }

  @Test
  void cpuAccountsSplitTheMachineBetweenTasksDriverAndOthers() {
    // Local mode: the driver JVM's 21 CPU s include the tasks' 19; the machine was busy 22.5 s.
    PassCpu local = new PassCpu(10, 19, 20, 21, new MachineCpu(22.5, 4, 0.5, 1), true, 2, 2);
    assertEquals(2, local.driver(), 1e-12);
    assertEquals(1.5, local.others(), 1e-12);
    assertEquals((2 + 1.5 + 0.5) / 10, local.competingPerSecond(), 1e-12);
    assertEquals(19 / 20.0, local.executorShare(), 1e-12); // task CPU over task run time
    // Cluster: the driver JVM runs no tasks.
    PassCpu cluster = new PassCpu(10, 9.5, 10, 1, new MachineCpu(12, 0, 0, 8), false, 2, 1);
    assertEquals(1, cluster.driver(), 1e-12);
    assertEquals(1.5, cluster.others(), 1e-12);
    assertEquals(0.95, cluster.executorShare(), 1e-12);
    // One executor core on two: a spare core absorbs 0.3 cores of competition; two cores do not.
    assertEquals(1.0, PassCpu.predictedShare(2, 1, 0.3), 0);
    assertEquals(0.85, PassCpu.predictedShare(2, 2, 0.3), 1e-15);
  }

  @Test
  void mergeRoundsCountEachLevelsMergesOverTheCores() {
    assertEquals(3, ScaleModel.mergeRounds(4, 1)); // 2 + 1 merges
    assertEquals(2, ScaleModel.mergeRounds(4, 2)); // 1 round + 1
    assertEquals(7, ScaleModel.mergeRounds(8, 1));
    assertEquals(3, ScaleModel.mergeRounds(5, 2)); // 5 -> 3 (2 merges) -> 2 (1) -> 1 (1)
    assertEquals(0, ScaleModel.mergeRounds(1, 4));
  }

  @Test
  void twoExecutorsPredictedFromOneTermByTerm() {
    // Run A: 4 partitions on 1 executor core of a 2-core machine; Jacobian pass 25 s with 3 merges
    // of 0.2 s (all on the critical path), one projection pass of 0.2 s, driver 0.8 s; A's tasks got
    // a whole core and its driver, daemons and steal took 0.3 cores; fold kernel 30 GFLOP/s per CPU s.
    ScaleModel.Run a = new ScaleModel.Run(100_000, "qr", 4, 1, 2, 26.6, 1, 25, 3, 0.6, 1, 0.2, 0.8, 1.0, 0.3, 30);
    // Run B: 2 executor cores, the fold kernel 27 GFLOP/s per CPU s there, measured 18 s per iteration.
    ScaleModel.Run b = new ScaleModel.Run(100_000, "qr", 4, 2, 2, 18, 1, 16, 3, 0.5, 1, 0.1, 0.8, 0.9, 0.3, 27);
    ScaleModel.Prediction p = ScaleModel.predict(a, b);
    double share = (2 - 0.3) / 2;                  // 0.85: no spare core in B
    double core = 1.0 * 30 / (share * 27);         // a core's fold work takes this much longer in B
    double fold = (25 - 0.2 * 3) * (2.0 / 4) * core; // 2 task rounds instead of 4
    double tree = 0.2 * 2 * core;                  // 2 merge rounds instead of 3
    double projection = 0.2 * (2.0 / 4) * core;
    double expected = fold + tree + projection + 0.8;
    assertEquals(share, p.share(), 1e-15);
    assertEquals(core, p.coreFactor(), 1e-12);
    assertEquals(expected, p.seconds(), 1e-12);
    assertEquals(26.6 / expected, p.predictedSpeedup(), 1e-12);
    assertEquals(26.6 / 18, p.measuredSpeedup(), 1e-12);
    assertEquals((26.6 / expected) / (26.6 / 18) - 1, p.offFromMeasured(), 1e-12);
    assertEquals((26.6 / 18) / (26.6 / expected) - 1, p.offFromPredicted(), 1e-12);
  }
}
