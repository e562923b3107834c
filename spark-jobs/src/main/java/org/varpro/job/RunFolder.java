package org.varpro.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.varpro.config.ConfigError;

/**
 * A run folder written all or nothing: the outputs go to a hidden temporary sibling
 * ({@code .NAME.tmp-RANDOM}) that {@link #commit()} renames to the final name in one atomic
 * move. {@link #close()} without a commit (a failure, an interrupt) deletes the temporary folder
 * and any parent folders this object created, so a failed run leaves nothing behind; a shutdown
 * hook does the same when the JVM is stopped (Ctrl-C) while the run is in progress.
 */
public final class RunFolder implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path target;
  private final Path temp;
  private final boolean overwrite;
  private final List<Path> createdParents;
  private final Thread hook;
  private boolean committed;
  private boolean closed;

  private RunFolder(Path target, Path temp, boolean overwrite, List<Path> createdParents) {
    this.target = target;
    this.temp = temp;
    this.overwrite = overwrite;
    this.createdParents = createdParents;
    this.hook = new Thread(this::cleanUp, "varpro-run-folder-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Creates the temporary folder next to {@code target} (and the missing parents).
   *
   * @param key the configuration key or option that named the folder, for errors
   * @throws ConfigError when the target exists (and {@code overwrite} is off) or is a file, or
   *     the folder cannot be created
   */
  public static RunFolder create(Path target, boolean overwrite, String key) {
    Path abs = target.toAbsolutePath().normalize();
    if (Files.exists(abs)) {
      if (!Files.isDirectory(abs)) {
        throw new ConfigError(key, "the run folder " + target + " exists and is not a folder");
      }
      if (!overwrite) {
        throw new ConfigError(key, "the run folder " + target + " already exists (choose another "
            + "--output, or pass --overwrite to replace it)");
      }
    }
    Path parent = abs.getParent();
    List<Path> created = new ArrayList<>();
    try {
      for (Path p = parent; p != null && !Files.exists(p); p = p.getParent()) {
        created.add(0, p);
      }
      for (Path p : created) {
        Files.createDirectory(p);
      }
      Path temp = parent.resolve("." + abs.getFileName() + ".tmp-" + randomSuffix());
      Files.createDirectory(temp);
      java.util.Collections.reverse(created);
      return new RunFolder(abs, temp, overwrite, created);
    } catch (IOException e) {
      java.util.Collections.reverse(created);
      for (Path p : created) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort
        }
      }
      throw new ConfigError(key, "cannot create the run folder " + target + ": " + describe(e), e);
    }
  }

  private static String randomSuffix() {
    return Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36).toLowerCase(Locale.ROOT);
  }

  static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : " " + m);
  }

  /** The folder to write into (the temporary one until the commit). */
  public Path dir() {
    return committed ? target : temp;
  }

  /** The final run folder. */
  public Path target() {
    return target;
  }

  /** Moves the temporary folder into place (atomically); returns the final folder. */
  public Path commit() {
    if (committed) {
      return target;
    }
    if (closed) {
      throw new IllegalStateException("the run folder was closed");
    }
    try {
      Path old = null;
      if (Files.exists(target)) {
        if (!overwrite) {
          throw new FileAlreadyExistsException(target.toString(), null, "created by someone else during the run");
        }
        old = target.resolveSibling("." + target.getFileName() + ".old-" + randomSuffix());
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException | DirectoryNotEmptyException e) {
        if (old != null) {
          Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
        }
        throw e;
      }
      committed = true;
      if (old != null) {
        deleteTree(old);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the run folder into place at " + target + ": " + describe(e), e);
    }
  }

  /** Deletes the temporary folder unless committed. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException ignored) {
      // shutting down: the hook runs anyway
    }
    cleanUp();
  }

  private synchronized void cleanUp() {
    if (committed) {
      return;
    }
    try {
      deleteTree(temp);
    } catch (IOException ignored) {
      // best effort
    }
    for (Path p : createdParents) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException ignored) {
        // not empty (someone else wrote there) or gone: keep it
      }
    }
  }

  /** Deletes a file or a folder with everything in it (symbolic links themselves, never their targets). */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
