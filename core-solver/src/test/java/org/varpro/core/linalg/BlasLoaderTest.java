package org.varpro.core.linalg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BLAS this JVM got is the one asked for (the build runs the tests once with the default,
 * bundled, and once with {@code varpro.blas=java}), and the bundled library is extracted
 * completely and once when several JVMs (here: threads) race for the same cache folder.
 */
class BlasLoaderTest {
  @TempDir
  Path tmp;

  @Test
  void loadsWhatWasAskedFor() {
    String describe = Lapack.describe();
    switch (BlasLoader.requestedMode()) {
      case JAVA -> {
        assertEquals("java", Lapack.source(), describe);
        assertTrue(!Lapack.isNative() && Lapack.libraryFiles().isEmpty(), describe);
      }
      case BUNDLED -> {
        assumeTrue(BundledOpenBlas.unavailableReason() == null, "no bundled build on this platform");
        assertEquals("bundled", Lapack.source(), describe);
        assertTrue(Lapack.isNative(), describe);
        assertEquals(1, Lapack.libraryFiles().size(), describe);
        Path lib = Path.of(Lapack.libraryFiles().get(0));
        assertEquals(BundledOpenBlas.LIBRARY, lib.getFileName().toString(), describe);
        assertTrue(lib.getParent().getFileName().toString().contains(BundledOpenBlas.version()), describe);
      }
      case SYSTEM -> assertTrue(List.of("system", "java").contains(Lapack.source()), describe);
    }
  }

  @Test
  void concurrentExtractionsAgreeOnOneCompleteFolder() throws Exception {
    assumeBundledRun();
    Path root = tmp.resolve("cache");
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<Path>> runs = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Callable<Path> c = () -> BundledOpenBlas.extract(root);
        runs.add(pool.submit(c));
      }
      Path folder = runs.get(0).get();
      for (Future<Path> f : runs) {
        assertEquals(folder, f.get());
      }
      assertSameAsResources(folder);
      try (Stream<Path> s = Files.list(root)) {
        assertEquals(List.of(folder), s.toList(), "temporary folders left behind");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anIncompleteFolderIsReplaced() throws Exception {
    assumeBundledRun();
    Path root = tmp.resolve("cache");
    Path folder = BundledOpenBlas.extract(root);
    Files.write(folder.resolve(BundledOpenBlas.LIBRARY), new byte[] {1, 2, 3});
    Files.delete(folder.resolve("libquadmath.so.0"));
    assertEquals(folder, BundledOpenBlas.extract(root));
    assertSameAsResources(folder);
    try (Stream<Path> s = Files.list(root)) {
      assertEquals(List.of(folder), s.toList(), "stale or temporary folders left behind");
    }
  }

  /** Extraction is checked once, in the run on the bundled library (not again in the pure-Java run). */
  private static void assumeBundledRun() {
    assumeTrue(BundledOpenBlas.unavailableReason() == null, "no bundled build on this platform");
    assumeTrue(BlasLoader.requestedMode() == BlasLoader.Mode.BUNDLED, "extraction is checked in the bundled run");
  }

  private static void assertSameAsResources(Path folder) throws Exception {
    for (String f : BundledOpenBlas.FILES) {
      try (InputStream in = BundledOpenBlas.resource(f).openStream()) {
        assertArrayEquals(in.readAllBytes(), Files.readAllBytes(folder.resolve(f)), f);
      }
    }
  }
}
