package org.varpro.core.pass;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** Chunks come back in their order, on granted threads or not; a chunk's exception is the caller's. */
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
