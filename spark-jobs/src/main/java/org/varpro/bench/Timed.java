package org.varpro.bench;

import java.util.function.Supplier;

/** A value and the wall-clock seconds it took to compute. */
public record Timed<T>(T value, double seconds) {

  public static <T> Timed<T> run(Supplier<T> work) {
    long start = System.nanoTime();
    T v = work.get();
    return new Timed<>(v, (System.nanoTime() - start) * 1e-9);
  }

  /** Seconds since a {@link System#nanoTime()} reading. */
  public static double since(long startNanos) {
    return (System.nanoTime() - startNanos) * 1e-9;
  }
}
