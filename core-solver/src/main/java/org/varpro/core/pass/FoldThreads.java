package org.varpro.core.pass;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.varpro.core.linalg.Lapack;

/**
 * Threads that the fold of one block may spread its independent chunks over (DESIGN §3.2, "Row
 * chunks"). A runner that folds in this process on cores it owns grants threads for the length
 * of a fold ({@link #granting}); a statistic that cuts a block into chunks runs them through
 * {@link #inOrder}: in parallel when the calling thread was granted threads, one after another
 * otherwise. The chunks and the order in which their results are combined follow from the rows
 * alone, never from the threads, so a fold gives the same bits with or without them: a Spark
 * task (no grant: its executor core is the only one it owns) equals the single-process run.
 */
public final class FoldThreads {
  /** The workers granted to the folds of this thread, or null. */
  private static final ThreadLocal<Grant> GRANTED = new ThreadLocal<>();
  /** One pool of daemon workers per thread count, shared by the runners of this JVM. */
  private static final Map<Integer, Grant> POOLS = new ConcurrentHashMap<>();

  /** A pool of {@code workers} threads (the granted threads but the calling one). */
  private record Grant(ExecutorService pool, int workers) {}

  private FoldThreads() {}

  /**
   * The threads a fold in this process may use: the cores over the threads each BLAS call uses
   * itself, at least 1. OpenBLAS takes {@code OPENBLAS_NUM_THREADS} (else {@code OMP_NUM_THREADS},
   * else every core); the pure-Java BLAS one thread. With OpenBLAS's default nothing is left to
   * spread, and the fold stays in the calling thread.
   */
  public static int forThisMachine() {
    int cores = Runtime.getRuntime().availableProcessors();
    int perCall = Lapack.isNative() ? blasThreads(cores) : 1;
    return Math.max(1, cores / perCall);
  }

  private static int blasThreads(int cores) {
    for (String name : List.of("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")) {
      String v = System.getenv(name);
      if (v != null && !v.isBlank()) {
        try {
          int n = Integer.parseInt(v.trim());
          return n >= 1 ? Math.min(n, cores) : cores;
        } catch (NumberFormatException e) {
          return cores;
        }
      }
    }
    return cores;
  }

  /**
   * Runs {@code fold} with {@code threads} threads granted to the folds of the calling thread
   * (the calling thread and threads − 1 shared workers); with 1 thread, just runs it.
   */
  public static <T> T granting(int threads, Supplier<T> fold) {
    if (threads <= 1 || GRANTED.get() != null) {
      return fold.get();
    }
    GRANTED.set(POOLS.computeIfAbsent(threads, FoldThreads::newPool));
    try {
      return fold.get();
    } finally {
      GRANTED.remove();
    }
  }

  /**
   * The results of {@code chunks}, in their order. With granted threads the calling thread and
   * the granted workers each take the next chunk not yet started until none is left, so chunks
   * spread evenly over any number of threads (4 chunks on 2 threads: 2 each); without, they run
   * one after another in the calling thread. A chunk's exception is rethrown as it was thrown.
   */
  public static <T> List<T> inOrder(List<? extends Callable<T>> chunks) {
    Grant grant = GRANTED.get();
    int count = chunks.size();
    List<T> out = new ArrayList<>(count);
    if (grant == null || count < 2) {
      for (Callable<T> c : chunks) {
        out.add(call(c));
      }
      return out;
    }
    @SuppressWarnings("unchecked")
    T[] results = (T[]) new Object[count];
    AtomicInteger next = new AtomicInteger();
    Callable<Void> take = () -> {
      for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
        results[i] = chunks.get(i).call();
      }
      return null;
    };
    int helpers = Math.min(grant.workers(), count - 1);
    List<Future<Void>> rest = new ArrayList<>(helpers);
    for (int h = 0; h < helpers; h++) {
      rest.add(grant.pool().submit(take));
    }
    try {
      call(take);
      for (Future<Void> f : rest) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while folding row chunks", e);
    } catch (ExecutionException e) {
      throw rethrow(e.getCause());
    } finally {
      // After a failure, no helper starts another chunk.
      next.set(count);
      for (Future<Void> f : rest) {
        f.cancel(false);
      }
    }
    for (T r : results) {
      out.add(r);
    }
    return out;
  }

  private static <T> T call(Callable<T> c) {
    try {
      return c.call();
    } catch (Exception e) {
      throw rethrow(e);
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error err) {
      throw err;
    }
    throw new IllegalStateException(t);
  }

  private static Grant newPool(int threads) {
    return new Grant(Executors.newFixedThreadPool(threads - 1, r -> {
      Thread t = new Thread(r, "varpro-fold");
      t.setDaemon(true);
      return t;
    }), threads - 1);
  }

  /**
   * How many chunks to cut {@code size} items into: the largest power of two, at most
   * {@code maxChunks}, that leaves every chunk at least {@code minPerChunk} items. A power of two
   * splits evenly over two or four cores and merges pairwise; the count depends on the sizes
   * only, never on the threads, so every machine computes the same bits.
   */
  public static int powerOfTwoChunks(long size, long minPerChunk, int maxChunks) {
    int chunks = 1;
    while (chunks < maxChunks && size >= 2L * chunks * minPerChunk) {
      chunks *= 2;
    }
    return chunks;
  }
}
