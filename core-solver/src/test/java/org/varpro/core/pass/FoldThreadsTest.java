package org.varpro.core.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Chunks come back in their order, on granted threads or not, spread over the threads; a chunk's
 * exception is the caller's.
 */
class FoldThreadsTest {
  private static List<Callable<String>> chunks(int count) {
    List<Callable<String>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int index = i;
      out.add(() -> "chunk " + index);
    }
    return out;
  }

  @Test
  void resultsKeepTheChunksOrderWithAndWithoutThreads() {
    List<String> expected = List.of("chunk 0", "chunk 1", "chunk 2", "chunk 3", "chunk 4");
    assertEquals(expected, FoldThreads.inOrder(chunks(5)));
    for (int threads : new int[] {1, 2, 4}) {
      assertEquals(expected, FoldThreads.granting(threads, () -> FoldThreads.inOrder(chunks(5))));
    }
  }

  /**
   * Four chunks on two threads run two at a time: chunks 0 and 1 meet at one barrier, 2 and 3 at
   * another, which only passes if the calling thread takes a chunk after its first (a worker
   * that ran chunks 1, 2 and 3 alone would wait at the second barrier until the timeout).
   */
  @Test
  void chunksSpreadOverTheGrantedThreads() {
    CyclicBarrier first = new CyclicBarrier(2);
    CyclicBarrier second = new CyclicBarrier(2);
    List<Callable<String>> work = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      int index = i;
      CyclicBarrier meet = i < 2 ? first : second;
      work.add(() -> {
        meet.await(20, TimeUnit.SECONDS);
        return "chunk " + index;
      });
    }
    assertEquals(List.of("chunk 0", "chunk 1", "chunk 2", "chunk 3"),
        FoldThreads.granting(2, () -> FoldThreads.inOrder(work)));
  }

  @Test
  void aChunksExceptionReachesTheCaller() {
    IllegalArgumentException bad = new IllegalArgumentException("bad rows");
    List<Callable<String>> work = new ArrayList<>(chunks(2));
    work.add(() -> {
      throw bad;
    });
    IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
        () -> FoldThreads.granting(2, () -> FoldThreads.inOrder(work)));
    assertSame(bad, thrown);
  }

  @Test
  void aMachineGrantsAtLeastOneThread() {
    int threads = FoldThreads.forThisMachine();
    assertEquals(true, threads >= 1 && threads <= Runtime.getRuntime().availableProcessors(), "threads " + threads);
  }
}
