package org.varpro.core.linalg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * OpenBLAS shipped in the {@code org.bytedeco:openblas} jar (classifier {@code linux-x86_64}) on
 * the class path, copied out of the jar once per machine so the dynamic linker can load it.
 *
 * <p>The jar's {@code libopenblas.so.0} (BLAS and LAPACK in one library) finds its Fortran
 * run-time libraries next to itself (its RUNPATH is {@code $ORIGIN/}), so the four files go into
 * one folder, named after the OpenBLAS build so that an upgrade never reuses old files:
 * {@code CACHE/openblas-VERSION-linux-x86_64/}. Concurrent JVMs (executors on one machine, parallel
 * test forks) each extract into their own temporary folder and rename it into place; the first
 * rename wins and the others use its result. Only resources are read: no bytedeco class is used.
 *
 * <p>CACHE is {@code -Dvarpro.blas.cache}, else {@code $VARPRO_BLAS_CACHE}, else
 * {@code $XDG_CACHE_HOME/varpro}, else {@code ~/.cache/varpro}; when that cannot be written (e.g.
 * a read-only home on a cluster node), {@code java.io.tmpdir/varpro-USER}.
 */
final class BundledOpenBlas {
  /** Where the classifier jar keeps its libraries. */
  static final String RESOURCES = "org/bytedeco/openblas/linux-x86_64/";
  /** The library netlib is pointed at; it holds both BLAS and LAPACK. */
  static final String LIBRARY = "libopenblas.so.0";
  /** Everything LIBRARY needs that a bare Linux may lack, dependencies before their users. */
  static final List<String> FILES = List.of("libgcc_s.so.1", "libquadmath.so.0", "libgfortran.so.5", LIBRARY);
  /**
   * Loaded by path before LIBRARY: libgfortran has no RUNPATH, so without this its libquadmath
   * would be looked up only in the system's folders. (libgcc_s is always mapped by the JVM.)
   */
  static final List<String> PRELOAD = List.of("libquadmath.so.0", "libgfortran.so.5", LIBRARY);

  private BundledOpenBlas() {}

  /** The OpenBLAS build in the jar, e.g. "0.3.31-1.5.13" (the Maven version, written at build time). */
  static String version() {
    Properties p = new Properties();
    try (InputStream in = BundledOpenBlas.class.getResourceAsStream("bundled-openblas.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p.getProperty("version", "unknown");
  }

  /** Why the bundled library cannot be used here, or null when it can. */
  static String unavailableReason() {
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch", "");
    if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      return "no bundled build for " + os + "-" + arch + " (only linux-x86_64)";
    }
    for (String f : FILES) {
      if (resource(f) == null) {
        return "the org.bytedeco:openblas linux-x86_64 jar is not on the class path (" + RESOURCES + f + ")";
      }
    }
    return null;
  }

  /**
   * The extracted library (copied out of the jar when the cache folder does not hold a complete
   * copy yet), with its dependencies loaded into the process.
   */
  static Path install() throws IOException {
    Path folder = extract(cacheRoot());
    for (String f : PRELOAD) {
      load(folder.resolve(f));
    }
    return folder.resolve(LIBRARY);
  }

  /** The folder under {@code root} holding a complete copy of {@link #FILES}, copied when needed. */
  static Path extract(Path root) throws IOException {
    Path folder = root.resolve("openblas-" + version() + "-linux-x86_64");
    if (!complete(folder)) {
      copyInto(folder);
    }
    return folder;
  }

  static URL resource(String file) {
    return BundledOpenBlas.class.getClassLoader().getResource(RESOURCES + file);
  }

  /** Every file present with the size of its resource (a partial copy never has a final name). */
  private static boolean complete(Path folder) throws IOException {
    for (String f : FILES) {
      Path p = folder.resolve(f);
      if (!Files.isRegularFile(p)) {
        return false;
      }
      URLConnection c = resource(f).openConnection();
      c.setUseCaches(false);
      long size = c.getContentLengthLong();
      if (size >= 0 && size != Files.size(p)) {
        return false;
      }
    }
    return true;
  }

  private static void copyInto(Path folder) throws IOException {
    Path root = folder.getParent();
    Files.createDirectories(root);
    Path tmp = Files.createTempDirectory(root, "." + folder.getFileName() + ".tmp-");
    try {
      for (String f : FILES) {
        try (InputStream in = resource(f).openStream()) {
          Files.copy(in, tmp.resolve(f));
        }
      }
      try {
        Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
        return;
      } catch (IOException raced) {
        // Another JVM renamed its copy into place first, or an incomplete folder is in the way.
        if (complete(folder)) {
          return;
        }
      }
      // An incomplete folder (e.g. files deleted by hand): move it aside, then ours in. A JVM
      // that has the old files loaded keeps them; the rename of a folder is atomic.
      Path stale = Files.createTempDirectory(root, "." + folder.getFileName() + ".stale-");
      Files.move(folder, stale.resolve("old"), StandardCopyOption.ATOMIC_MOVE);
      deleteTree(stale);
      try {
        Files.move(tmp, folder, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException raced) {
        if (!complete(folder)) {
          throw raced;
        }
      }
    } finally {
      if (Files.exists(tmp)) {
        deleteTree(tmp);
      }
    }
  }

  /**
   * When {@code library} is an extracted {@link #LIBRARY} with its run time beside it, loads that
   * run time first (as {@link #install()} does); anything else is left to the dynamic linker.
   */
  static void preloadBeside(Path library, List<String> notes) {
    Path dir = library.toAbsolutePath().getParent();
    if (dir == null || !library.getFileName().toString().equals(LIBRARY)) {
      return;
    }
    for (String f : PRELOAD) {
      Path p = dir.resolve(f);
      if (!f.equals(LIBRARY) && Files.isRegularFile(p)) {
        try {
          load(p);
        } catch (UnsatisfiedLinkError e) {
          notes.add("cannot load " + p + " (" + e.getMessage() + ")");
        }
      }
    }
  }

  private static void load(Path library) {
    try {
      System.load(library.toString());
    } catch (UnsatisfiedLinkError e) {
      String m = String.valueOf(e.getMessage());
      if (!m.contains("already loaded in another classloader")) {
        throw e;
      }
    }
  }

  /** The cache root (see the class comment), created when missing. */
  static Path cacheRoot() throws IOException {
    String configured = System.getProperty("varpro.blas.cache");
    if (configured == null || configured.isBlank()) {
      configured = System.getenv("VARPRO_BLAS_CACHE");
    }
    if (configured != null && !configured.isBlank()) {
      Path p = Path.of(configured);
      Files.createDirectories(p);
      return p;
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path home = xdg != null && !xdg.isBlank() ? Path.of(xdg, "varpro")
        : Path.of(System.getProperty("user.home", "."), ".cache", "varpro");
    try {
      Files.createDirectories(home);
      if (Files.isWritable(home)) {
        return home;
      }
    } catch (FileSystemException e) {
      // fall through to the temporary folder
    }
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"), "varpro-" + System.getProperty("user.name", "user"));
    Files.createDirectories(tmp);
    return tmp;
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
