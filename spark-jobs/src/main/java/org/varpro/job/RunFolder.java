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
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.varpro.config.ConfigError;

/**
 * A run folder written all or nothing: the outputs go to a hidden temporary sibling
 * ({@code .NAME.tmp-RANDOM}) that {@link #commit()} renames to the final name in one atomic
 * move. {@link #close()} without a commit (a failure, an interrupt) deletes the temporary folder
 * and any parent folders this object created, so a failed run leaves nothing behind; a shutdown
 * hook does the same when the JVM is stopped (Ctrl-C) while the run is in progress.
 *
 * <p>A run that can continue later ({@code train --resume}) registers {@link #keepWhen}: the
 * clean-up (on a failure, or in the shutdown hook) first asks it, and keeps the temporary folder
 * when it says so (a checkpoint was written into it). {@link #reopen} adopts such a folder.
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
  private volatile BooleanSupplier keep = () -> false;

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
      Path temp = parent.resolve(tempPrefix(abs) + randomSuffix());
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

  /**
   * Adopts the temporary folder {@code temp} of a stopped run whose final folder is
   * {@code target}: what {@code train --resume} continues in.
   */
  public static RunFolder reopen(Path temp, Path target, boolean overwrite) {
    return new RunFolder(target.toAbsolutePath().normalize(), temp.toAbsolutePath().normalize(), overwrite,
        List.of());
  }

  /** The name prefix of the temporary folders of {@code target}: {@code .NAME.tmp-}. */
  public static String tempPrefix(Path target) {
    return "." + target.toAbsolutePath().normalize().getFileName() + ".tmp-";
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

  /** Whether an existing folder at the target is replaced by the commit. */
  public boolean overwrite() {
    return overwrite;
  }

  /**
   * Asked before the temporary folder is deleted (a failure, the JVM stopped): returning true
   * keeps it. It may still write into the folder (a last checkpoint); the shutdown hook and
   * {@link #close()} call it under this folder's lock, never concurrently with a commit.
   */
  public void keepWhen(BooleanSupplier keep) {
    this.keep = keep;
  }

  /**
   * Writes {@code name} in the folder all or nothing: the bytes go to a temporary file that is
   * renamed over {@code name}, so a reader (or a run stopped mid-write) sees the old or the new
   * file, never a part.
   */
  public void replaceFile(String name, byte[] content) throws IOException {
    Path file = dir().resolve(name);
    Path part = partFile(name);
    Files.write(part, content);
    Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private Path partFile(String name) {
    return dir().resolve("." + name + ".part");
  }

  /** Deletes {@code name} from the folder if it is there (and a part of it a stopped {@link #replaceFile} left). */
  public void deleteFile(String name) throws IOException {
    Files.deleteIfExists(dir().resolve(name));
    Files.deleteIfExists(partFile(name));
  }

  /** Moves the temporary folder into place (atomically); returns the final folder. */
  public synchronized Path commit() {
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

  /** Deletes the temporary folder unless committed (or kept, see {@link #keepWhen}). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is being stopped: the hook cleans up (and may save a checkpoint first).
      return;
    }
    cleanUp();
  }

  private synchronized void cleanUp() {
    if (committed || keep.getAsBoolean()) {
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
