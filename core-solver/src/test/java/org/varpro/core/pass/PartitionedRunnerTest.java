package org.varpro.core.pass;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.varpro.core.Fixtures;
import org.varpro.core.model.Activation;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.LocalEvaluator;
import org.varpro.core.solver.PartitionedEvaluator;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.VarProSolver;

/** The in-process pass runner: fold order, merge order, row checks. */
class PartitionedRunnerTest {
  private final FeatureMap map = Perceptron.of(Activation.TANH, 2, 5);
  private final RowBlock rows = Fixtures.rows(3, 90, 2, 1, -1, 1, (x, j) -> Math.sin(x[0]) * x[1], true);

  /** The first row's first input of each block, in the order the pass saw them. */
  private static Pass<List<Double>> order() {
    return Pass.of((m, partition) -> new ArrayList<>(), (s, m, b) -> s.add(b.x[0]), (a, b) -> {
      a.addAll(b);
      return a;
    });
  }

  /**
   * A non-commutative merge (concatenation) shows the order: blocks in partition order, each
   * partition in fold order, whatever the merge tree; and every partition gets its own zero.
   */
  @Test
  void foldsEachPartitionInOrderAndMergesInPartitionOrder() {
    RowBlock[] blocks = rows.split(10);
    List<Double> expected = new ArrayList<>();
    for (RowBlock b : blocks) {
      expected.add(b.x[0]);
    }
    RowBlock[][] parts = {{blocks[0], blocks[1]}, {}, {blocks[2]}, {blocks[3], blocks[4], blocks[5]},
        {blocks[6]}, {blocks[7], blocks[8]}};
    for (int[] tree : new int[][] {{64, 8}, {2, 2}, {1, 3}}) {
      PartitionedRunner runner = new PartitionedRunner(map, parts, BlockCheck.NONE).mergeOrder(new MergeOrder(tree[0], tree[1]));
      assertEquals(expected, runner.run("order", order()), "tree " + tree[0] + "/" + tree[1]);
      assertEquals(90, runner.rows());
      assertEquals(1, runner.passes());
    }
    Pass<int[]> zeros = Pass.of((m, partition) -> new int[] {partition}, (s, m, b) -> {}, (a, b) -> {
      int[] out = java.util.Arrays.copyOf(a, a.length + b.length);
      System.arraycopy(b, 0, out, a.length, b.length);
      return out;
    });
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, new PartitionedRunner(map, parts, BlockCheck.NONE).run("zeros", zeros));
  }

  /** A pass "(a,b)" that shows how its partials were grouped, in its own merge order. */
  private static Pass<String> grouping(MergeOrder own) {
    return Pass.of((m, partition) -> Integer.toString(partition), (s, m, b) -> {}, (a, b) -> "(" + a + "," + b + ")",
        runners -> own == null ? runners : own);
  }

  /**
   * The runner merges in the pass's order when the pass chooses one: pairwise down to one
   * ({@link MergeOrder#PAIRWISE_TO_ONE}) over 6 partitions is three levels, whatever the runner's
   * order; a pass that keeps the runner's order gets its last merge in partition order.
   */
  @Test
  void mergesInTheOrderThePassChooses() {
    RowBlock[] blocks = rows.split(15);
    RowBlock[][] parts = new RowBlock[6][];
    for (int j = 0; j < 6; j++) {
      parts[j] = new RowBlock[] {blocks[j]};
    }
    PartitionedRunner runner = new PartitionedRunner(map, parts, BlockCheck.NONE);
    assertEquals("(((0,1),(2,3)),(4,5))", runner.run("pairwise", grouping(MergeOrder.PAIRWISE_TO_ONE)));
    assertEquals("(((((0,1),2),3),4),5)", runner.run("runner's", grouping(null)));
    assertEquals(3, MergeOrder.PAIRWISE_TO_ONE.levels(6));
    assertEquals(0, runner.mergeOrder().levels(6));
    runner.mergeOrder(new MergeOrder(2, 3));
    assertEquals("(((0,1),2),((3,4),5))", runner.run("groups of 3", grouping(null)));
    assertEquals("(((0,1),(2,3)),(4,5))", runner.run("pairwise", grouping(MergeOrder.PAIRWISE_TO_ONE)));
  }

  @Test
  void rejectsRowsThatDoNotFit() {
    RowBlock[] blocks = rows.split(30);
    FeatureMap wide = Perceptron.of(Activation.TANH, 3, 5);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new PartitionedRunner(wide, new RowBlock[][] {{}, blocks}, BlockCheck.NONE));
    assertEquals("partition 1: row block has 2 inputs; " + wide.describe() + " expects 3", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PartitionedRunner.single(map, new RowBlock[0], BlockCheck.NONE));
    assertEquals("no rows to fit", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> PartitionedRunner.single(map, blocks, b -> {
      throw new IllegalArgumentException("bad label");
    }));
    assertEquals("bad label", e.getMessage());
    RowBlock two = Fixtures.rows(4, 10, 2, 2, -1, 1, (x, j) -> x[0] + j, true);
    e = assertThrows(IllegalArgumentException.class,
        () -> new PartitionedRunner(map, new RowBlock[][] {{blocks[0]}, {two}}, BlockCheck.NONE));
    assertEquals("partition 1 has rows with 2 outputs, partition 0 with 1", e.getMessage());
  }

  /**
   * One partition is one fold over all blocks: the partitioned evaluator's solve is the local
   * one bit for bit, with the fused pass (the default) and with two passes.
   */
  @Test
  void onePartitionIsTheLocalRunBitForBit() {
    SolverOptions o = SolverOptions.builder().maxIterations(6).principalAngles(false).build();
    RowBlock[] blocks = rows.split(20);
    double[] theta0 = map.initialParams(5);
    SolverResult local = new VarProSolver(o).solve(new LocalEvaluator(map, blocks), theta0);
    SolverResult partitioned = new VarProSolver(o).solve(new PartitionedEvaluator(map, new RowBlock[][] {blocks}), theta0);
    assertArrayEquals(local.theta(), partitioned.theta());
    assertArrayEquals(local.c(), partitioned.c());
    LocalEvaluator twoPassEvaluator = new LocalEvaluator(map, blocks).withTwoPasses();
    SolverResult twoPasses = new VarProSolver(o).solve(twoPassEvaluator, theta0);
    assertEquals(6, twoPasses.iterations());
    int trials = 0;
    for (var r : twoPasses.history()) {
      trials += 1 + r.rejections();
    }
    assertEquals(1 + trials + 6, twoPassEvaluator.passes(), "a projection per trial and a Jacobian per iteration");
    // The fused factor and the two separate ones: the same sums to rounding (FusedPassTest).
    assertTrue(Fixtures.relativeError(local.theta(), twoPasses.theta()) < 1e-8);
  }
}
