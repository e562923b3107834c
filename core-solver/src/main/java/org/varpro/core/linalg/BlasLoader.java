package org.varpro.core.linalg;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.lapack.LAPACK;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Chooses the native library dev.ludovic.netlib loads, creates netlib's BLAS and LAPACK instances
 * (once per JVM: {@link Lapack}'s static initializer, the one place that touches netlib) and says
 * what was loaded from where.
 *
 * <p>netlib's JNI layer dlopens {@code libblas.so.3} / {@code liblapack.so.3} (found by the
 * dynamic linker, e.g. Debian's OpenBLAS) unless the system properties
 * {@code dev.ludovic.netlib.blas.nativeLibPath} and {@code dev.ludovic.netlib.lapack.nativeLibPath}
 * name a file; when that fails it falls back to pure Java. The choice, first match wins:
 * <ol>
 *   <li>netlib's own properties ({@code dev.ludovic.netlib.{blas,lapack}.nativeLib[Path]}), when
 *       the user set any of them: used as given;</li>
 *   <li>{@code -Dvarpro.blas=MODE}, else the environment variable {@code VARPRO_BLAS=MODE}, else
 *       {@code bundled}, with MODE one of
 *       <ul>
 *         <li>{@code bundled}: the OpenBLAS of the org.bytedeco:openblas jar on the class path
 *             ({@link BundledOpenBlas}); where there is none (another platform), the system's;</li>
 *         <li>{@code system}: the system's {@code libblas.so.3} / {@code liblapack.so.3};</li>
 *         <li>{@code java}: netlib's pure-Java implementations.</li>
 *       </ul></li>
 * </ol>
 * OpenBLAS threads: {@code OPENBLAS_NUM_THREADS} applies to the bundled library as to the
 * system's (the launch scripts set 1 for Spark work).
 */
public final class BlasLoader {
  public static final String MODE_PROPERTY = "varpro.blas";
  public static final String MODE_ENV = "VARPRO_BLAS";
  static final String BLAS_PATH = "dev.ludovic.netlib.blas.nativeLibPath";
  static final String LAPACK_PATH = "dev.ludovic.netlib.lapack.nativeLibPath";
  static final List<String> NETLIB_PROPERTIES = List.of(BLAS_PATH, LAPACK_PATH,
      "dev.ludovic.netlib.blas.nativeLib", "dev.ludovic.netlib.lapack.nativeLib");
  /**
   * netlib is pointed here when pure Java is asked for: a path that cannot be loaded, so its
   * native attempt fails at once (netlib has no switch to skip it).
   */
  static final String NO_LIBRARY = "/nonexistent/varpro-blas=java";

  /** What the user can ask for. */
  public enum Mode {
    BUNDLED, SYSTEM, JAVA;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What this JVM runs on.
   *
   * @param source {@code bundled}, {@code system}, {@code java} or {@code netlib-properties}
   * @param files the native files BLAS and LAPACK run from (empty for pure Java)
   * @param note why the result differs from the request, or empty
   */
  public record Loaded(BLAS blas, LAPACK lapack, String source, List<String> files, String note) {
    /** True when BLAS runs natively (LAPACK then normally too: see {@link #describe()}). */
    public boolean isNative() {
      return BlasLoader.isNative(blas);
    }

    /** E.g. "BLAS=JNIBLAS LAPACK=JNILAPACK from bundled OpenBLAS 0.3.31-1.5.13 (/…/libopenblas.so.0)". */
    public String describe() {
      StringBuilder sb = new StringBuilder("BLAS=").append(blas.getClass().getSimpleName())
          .append(" LAPACK=").append(lapack.getClass().getSimpleName()).append(" from ");
      switch (source) {
        case "bundled" -> sb.append("bundled OpenBLAS ").append(BundledOpenBlas.version());
        case "system" -> sb.append("the system library");
        case "netlib-properties" -> sb.append("the library named by dev.ludovic.netlib properties");
        default -> sb.append("pure Java");
      }
      if (!files.isEmpty()) {
        sb.append(" (").append(String.join(", ", files)).append(')');
      }
      if (!note.isEmpty()) {
        sb.append("; ").append(note);
      }
      return sb.toString();
    }
  }

  private BlasLoader() {}

  /** The mode asked for (see the class comment); a value that is not a mode is an error naming it. */
  public static Mode requestedMode() {
    String v = System.getProperty(MODE_PROPERTY);
    String where = "-D" + MODE_PROPERTY;
    if (v == null || v.isBlank()) {
      v = System.getenv(MODE_ENV);
      where = MODE_ENV;
    }
    if (v == null || v.isBlank()) {
      return Mode.BUNDLED;
    }
    for (Mode m : Mode.values()) {
      if (m.label().equals(v.strip().toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException(where + "=" + v + ": expected bundled, system or java");
  }

  /** Points netlib at the chosen library, then creates its instances. Called once, by {@link Lapack}. */
  static Loaded load() {
    List<String> notes = new ArrayList<>();
    String source = select(notes);
    List<String> failures = new ArrayList<>();
    BLAS blas;
    LAPACK lapack;
    try (NetlibWarnings w = new NetlibWarnings(failures)) {
      blas = BLAS.getInstance();
      lapack = LAPACK.getInstance();
    }
    boolean blasNative = isNative(blas);
    boolean lapackNative = isNative(lapack);
    if (!source.equals("java") && !(blasNative && lapackNative)) {
      notes.add(source + " library not loaded" + (failures.isEmpty() ? "" : ": " + String.join("; ", failures)));
      if (!blasNative && !lapackNative) {
        source = "java";
      }
    }
    return new Loaded(blas, lapack, source, loadedFiles(blasNative, lapackNative), String.join("; ", notes));
  }

  static boolean isNative(Object netlibInstance) {
    String n = netlibInstance.getClass().getSimpleName();
    return n.startsWith("JNI") || n.startsWith("Native");
  }

  /** Sets netlib's properties for the requested mode; returns the source it will load from. */
  private static String select(List<String> notes) {
    for (String p : NETLIB_PROPERTIES) {
      if (System.getProperty(p) != null) {
        // A copy of the bundled folder (e.g. this loader's choice passed on to a child JVM):
        // its libgfortran needs the libquadmath beside it, which the dynamic linker does not
        // look for there.
        for (String path : new String[] {System.getProperty(BLAS_PATH), System.getProperty(LAPACK_PATH)}) {
          if (path != null) {
            BundledOpenBlas.preloadBeside(Path.of(path), notes);
          }
        }
        return "netlib-properties";
      }
    }
    Mode mode;
    try {
      mode = requestedMode();
    } catch (IllegalArgumentException e) {
      notes.add(e.getMessage() + " (using bundled)");
      mode = Mode.BUNDLED;
    }
    switch (mode) {
      case JAVA -> {
        System.setProperty(BLAS_PATH, NO_LIBRARY);
        System.setProperty(LAPACK_PATH, NO_LIBRARY);
        return "java";
      }
      case SYSTEM -> {
        return "system";
      }
      default -> {
        String reason = BundledOpenBlas.unavailableReason();
        if (reason != null) {
          notes.add("bundled OpenBLAS unavailable: " + reason);
          return "system";
        }
        try {
          String path = BundledOpenBlas.install().toString();
          System.setProperty(BLAS_PATH, path);
          System.setProperty(LAPACK_PATH, path);
          return "bundled";
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
          notes.add("bundled OpenBLAS failed (" + e + "), trying the system library");
          return "system";
        }
      }
    }
  }

  /**
   * The files netlib's native code runs from: the library its properties name, else the mapped
   * libblas.so / liblapack.so files (Linux's /proc/self/maps; the names when that cannot be read).
   */
  private static List<String> loadedFiles(boolean blasNative, boolean lapackNative) {
    Set<String> mapped = mappedFiles();
    Set<String> out = new LinkedHashSet<>();
    List<String[]> libs = new ArrayList<>();
    if (blasNative) {
      libs.add(new String[] {BLAS_PATH, "dev.ludovic.netlib.blas.nativeLib", "libblas.so.3"});
    }
    if (lapackNative) {
      libs.add(new String[] {LAPACK_PATH, "dev.ludovic.netlib.lapack.nativeLib", "liblapack.so.3"});
    }
    for (String[] lib : libs) {
      String path = System.getProperty(lib[0]);
      if (path != null) {
        out.add(real(path));
        continue;
      }
      String name = System.getProperty(lib[1], lib[2]);
      String stem = name.contains(".so") ? name.substring(0, name.indexOf(".so") + 3) : name;
      String found = null;
      for (String m : mapped) {
        if (Path.of(m).getFileName().toString().startsWith(stem)) {
          found = m;
        }
      }
      out.add(found != null ? found : name);
    }
    return List.copyOf(out);
  }

  private static Set<String> mappedFiles() {
    Set<String> files = new LinkedHashSet<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
        int slash = line.indexOf('/');
        if (slash > 0) {
          files.add(line.substring(slash).strip());
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the library names are reported instead
    }
    return files;
  }

  private static String real(String path) {
    try {
      return Path.of(path).toRealPath().toString();
    } catch (IOException | RuntimeException e) {
      return path;
    }
  }

  /**
   * netlib logs (java.util.logging, to stderr) each implementation it could not load, including
   * the vector-API pure-Java one when {@code jdk.incubator.vector} is not enabled, which is the
   * normal case here. While the instances are created, its warnings about native libraries are
   * collected for {@link Loaded#note} instead, and the rest dropped.
   */
  private static final class NetlibWarnings extends Handler implements AutoCloseable {
    private final List<Logger> loggers = List.of(Logger.getLogger("dev.ludovic.netlib.blas.InstanceBuilder"),
        Logger.getLogger("dev.ludovic.netlib.lapack.InstanceBuilder"));
    private final List<Boolean> parents = new ArrayList<>();
    private final List<String> failures;

    NetlibWarnings(List<String> failures) {
      this.failures = failures;
      for (Logger l : loggers) {
        parents.add(l.getUseParentHandlers());
        l.setUseParentHandlers(false);
        l.addHandler(this);
      }
    }

    @Override
    public void publish(LogRecord r) {
      String m = String.valueOf(r.getMessage());
      if (r.getLevel().intValue() >= Level.WARNING.intValue() && m.contains(".JNI")) {
        Throwable t = r.getThrown();
        while (t != null && t.getCause() != null) {
          t = t.getCause();
        }
        failures.add(m.substring(m.lastIndexOf('.') + 1) + (t == null ? "" : " (" + t.getMessage() + ")"));
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
      for (int i = 0; i < loggers.size(); i++) {
        loggers.get(i).removeHandler(this);
        loggers.get(i).setUseParentHandlers(parents.get(i));
      }
    }
  }
}
