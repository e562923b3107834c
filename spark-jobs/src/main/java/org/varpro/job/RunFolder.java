package org.varpro.job;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.util.ShutdownHookManager;
import org.varpro.config.ConfigError;
import org.varpro.io.Location;

/**
 * A run folder written all or nothing, on any Hadoop file system ({@link Location}: a local path,
 * {@code file://}, {@code hdfs://}, {@code s3a://}, …).
 *
 * <p>Where renames are atomic (local disks, HDFS) the outputs go to a hidden temporary sibling
 * ({@code .NAME.tmp-RANDOM}) that {@link #commit()} renames to the final name in one move.
 * Where they are not (object stores: a folder rename is a copy of every file), the outputs are
 * written in place and {@link #commit()} writes an empty {@value #SUCCESS} file last: a folder
 * without it is incomplete ({@code eval} refuses it there), and {@code --overwrite} deletes the
 * old folder before the run instead of after it. {@link #mode()} says which applies.
 *
 * <p>{@link #close()} without a commit (a failure, an interrupt) deletes the folder being written
 * and the parent folders this object created, so a failed run leaves nothing behind; a shutdown
 * hook (run before Hadoop closes its file systems) does the same when the JVM is stopped (Ctrl-C)
 * while the run is in progress.
 *
 * <p>A run that can continue later ({@code train --resume}) registers {@link #keepWhen}: the
 * clean-up (on a failure, or in the shutdown hook) first asks it, and keeps the folder being
 * written when it says so (a checkpoint was written into it). {@link #reopen} adopts such a
 * folder.
 */
public final class RunFolder implements AutoCloseable {
  /** Written last where the folder cannot be renamed into place atomically. */
  public static final String SUCCESS = "_SUCCESS";
  /** Before Hadoop's own hook, which closes the file systems. */
  private static final int HOOK_PRIORITY = FileSystem.SHUTDOWN_HOOK_PRIORITY + 1;

  private final Location target;
  private final Location work;
  private final boolean overwrite;
  private final List<Location> createdParents;
  private final Runnable hook;
  private boolean committed;
  private boolean closed;
  private volatile BooleanSupplier keep = () -> false;

  private RunFolder(Location target, Location work, boolean overwrite, List<Location> createdParents) {
    this.target = target;
    this.work = work;
    this.overwrite = overwrite;
    this.createdParents = createdParents;
    this.hook = this::cleanUp;
    ShutdownHookManager.get().addShutdownHook(hook, HOOK_PRIORITY);
  }

  /**
   * Creates the folder to write into (the temporary sibling, or the target itself where renames
   * are not atomic) and the missing parents.
   *
   * @param where a local path or a URI
   * @param key the configuration key or option that named the folder, for errors
   * @throws ConfigError when the target exists (and {@code overwrite} is off) or is a file, or
   *     the folder cannot be created (including a scheme without a file system here)
   */
  public static RunFolder create(String where, boolean overwrite, String key) {
    Location target;
    try {
      target = Location.of(where);
    } catch (IOException e) {
      throw new ConfigError(key, "cannot use the run folder " + where + ": " + describe(e), e);
    }
    List<Location> created = new ArrayList<>();
    try {
      if (target.exists()) {
        if (!target.isDirectory()) {
          throw new ConfigError(key, "the run folder " + where + " exists and is not a folder");
        }
        if (!overwrite) {
          throw new ConfigError(key, "the run folder " + where + " already exists (choose another "
              + "--output, or pass --overwrite to replace it)");
        }
      }
      for (Location p = target.parent(); p != null && !p.exists(); p = p.parent()) {
        created.add(p);
      }
      Location work;
      if (target.atomicRename()) {
        work = target.hiddenSibling("tmp");
      } else {
        if (target.exists()) {
          target.delete();
        }
        work = target;
      }
      work.mkdirs();
      return new RunFolder(target, work, overwrite, created);
    } catch (IOException e) {
      for (Location p : created) {
        deleteIfEmpty(p);
      }
      throw new ConfigError(key, "cannot create the run folder " + where + ": " + describe(e), e);
    }
  }

  /**
   * Adopts the folder {@code work} a stopped run was writing into (its temporary sibling, or the
   * target itself where renames are not atomic): what {@code train --resume} continues in.
   */
  public static RunFolder reopen(Location work, Location target, boolean overwrite) {
    return new RunFolder(target, work, overwrite, List.of());
  }

  /** The name prefix of the temporary siblings of {@code target}: {@code .NAME.tmp-}. */
  public static String tempPrefix(Location target) {
    return "." + target.name() + ".tmp-";
  }

  static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : " " + m);
  }

  /** One line on how the folder is written (for the log). */
  public String mode() {
    if (target.atomicRename()) {
      return "writing to " + work.name() + ", moved into place at the end";
    }
    return "the file system of " + target + " has no atomic rename: writing in place, " + SUCCESS
        + " written last (a folder without it is incomplete)" + (overwrite ? "; --overwrite deleted the old folder" : "");
  }

  /** The folder to write into (the temporary one until the commit, where renames are atomic). */
  public Location dir() {
    return committed ? target : work;
  }

  /** The final run folder. */
  public Location target() {
    return target;
  }

  /** Writes a file of the run (a relative name, e.g. {@code model.json}). */
  public void write(String name, byte[] bytes) throws IOException {
    dir().child(name).write(bytes);
  }

  public void writeString(String name, String text) throws IOException {
    write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Replaces a file that is rewritten during the run (a checkpoint) all or nothing: readers see
   * the previous version or the new one ({@link Location#writeAtomically}).
   */
  public void replace(String name, Location.StreamWriter writer) throws IOException {
    dir().child(name).writeAtomically(writer);
  }

  /** Reads a file written earlier in this run. */
  public InputStream open(String name) throws IOException {
    return dir().child(name).open();
  }

  /** Whether an existing folder at the target is replaced. */
  public boolean overwrite() {
    return overwrite;
  }

  /**
   * Asked before the folder being written is deleted (a failure, the JVM stopped): returning
   * true keeps it. It may still write into the folder (a last checkpoint); the shutdown hook and
   * {@link #close()} call it under this folder's lock, never during a commit.
   */
  public void keepWhen(BooleanSupplier keep) {
    this.keep = keep;
  }

  /**
   * Deletes a file written during the run (a checkpoint) if it is there, and what a replace
   * stopped half-way left of it (its hidden temporary siblings).
   */
  public void delete(String name) throws IOException {
    Location dir = dir();
    String prefix = "." + name + ".tmp-";
    for (String entry : dir.list()) {
      if (entry.equals(name) || entry.startsWith(prefix)) {
        dir.child(entry).delete();
      }
    }
  }

  /** Moves the temporary folder into place (or writes {@value #SUCCESS}); returns the final folder. */
  public synchronized Location commit() {
    if (committed) {
      return target;
    }
    if (closed) {
      throw new IllegalStateException("the run folder was closed");
    }
    try {
      if (!target.atomicRename()) {
        target.child(SUCCESS).write(new byte[0]);
        committed = true;
        return target;
      }
      Location old = null;
      if (target.exists()) {
        if (!overwrite) {
          throw new IOException(target + " was created by someone else during the run");
        }
        old = target.hiddenSibling("old");
        target.renameTo(old);
      }
      try {
        work.renameTo(target);
      } catch (IOException e) {
        if (old != null) {
          old.renameTo(target);
        }
        throw e;
      }
      committed = true;
      if (old != null) {
        old.delete();
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot move the run folder into place at " + target + ": " + describe(e), e);
    }
  }

  /** Deletes the folder being written unless committed (or kept, see {@link #keepWhen}). */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      ShutdownHookManager.get().removeShutdownHook(hook);
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
      work.delete();
    } catch (IOException ignored) {
      // best effort
    }
    for (Location p : createdParents) {
      deleteIfEmpty(p);
    }
  }

  private static void deleteIfEmpty(Location folder) {
    try {
      if (folder.list().length == 0) {
        folder.delete();
      }
    } catch (IOException ignored) {
      // someone else wrote there, or it is gone: keep it
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
