package org.varpro.job;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.varpro.io.Location;
import org.varpro.core.solver.SolverState;

/**
 * The checkpoints of one {@code train} run: after every {@code job.checkpoint-every}-th
 * iteration and after the first iteration {@code job.checkpoint-interval} seconds after the last
 * checkpoint, and once more when the run stops before its end (Ctrl-C, SIGTERM, a failure):
 * {@link #saveOnStop} writes the last completed iteration's state and keeps the temporary run
 * folder for {@code train --resume}.
 *
 * <p>The solver thread hands over each completed iteration ({@link #completed}); a stop may come
 * from another thread (the shutdown hook) at any time. The states are immutable and every
 * method holds this object's lock, so a checkpoint is always one whole completed iteration, the
 * progress lines printed are exactly the iterations a checkpoint can hold, and nothing is written
 * or printed once the run has stopped or finished.
 */
final class Checkpoints {
  private final RunFolder folder;
  private final String name;
  private final JsonNode config;
  private final int every;
  private final long intervalNanos;
  private final PrintWriter log;
  private SolverState latest;
  private SolverState written;
  private long lastWrite = System.nanoTime();
  private boolean closed;

  /**
   * @param config the resolved configuration (JSON) that a resumed run continues with
   * @param every iterations between checkpoints (0: by time only)
   * @param intervalSeconds seconds between checkpoints (0: not by time)
   */
  Checkpoints(RunFolder folder, String name, JsonNode config, int every, double intervalSeconds, PrintWriter log) {
    this.folder = folder;
    this.name = name;
    this.config = config;
    this.every = every;
    this.intervalNanos = intervalSeconds > 0 ? (long) Math.min(Long.MAX_VALUE / 2, intervalSeconds * 1e9) : -1;
    this.log = log;
  }

  /** A run resumed from {@code state}: its checkpoint is the one in the folder. */
  synchronized void resumedFrom(SolverState state) {
    latest = state;
    written = state;
  }

  /** Iteration {@code state.iteration()} completed: print its progress line, write a checkpoint if one is due. */
  synchronized void completed(SolverState state, String progressLine) {
    if (closed) {
      return;
    }
    latest = state;
    log.println(progressLine);
    log.flush();
    boolean byCount = every > 0 && state.iteration() % every == 0;
    boolean byTime = intervalNanos >= 0 && System.nanoTime() - lastWrite >= intervalNanos;
    if (byCount || byTime) {
      write(state);
    }
  }

  /**
   * The run stopped before its end: writes the last completed iteration (unless written
   * already), says how to continue, and returns whether the temporary folder holds a checkpoint
   * (and so must be kept). Nothing is written or printed after this.
   */
  synchronized boolean saveOnStop() {
    if (closed) {
      return false;
    }
    closed = true;
    if (latest == null) {
      return false;
    }
    if (latest != written) {
      try {
        write(latest);
      } catch (UncheckedIOException e) {
        log.println("varpro: " + e.getMessage());
      }
    }
    if (written == null) {
      log.flush();
      return false;
    }
    Location dir = folder.dir();
    log.println("varpro: stopped after iteration " + written.iteration() + "; its checkpoint is kept in " + dir);
    log.println("varpro: continue the run with: submit/varpro train --resume " + quoted(dir.toString()));
    log.flush();
    return true;
  }

  /** The run finished: no more checkpoints, and the one in the folder is removed before the folder is moved into place. */
  synchronized void finish() throws IOException {
    closed = true;
    folder.delete(Checkpoint.FILE);
  }

  private void write(SolverState state) {
    try {
      byte[] json = new Checkpoint(name, folder.target().toString(), folder.overwrite(), config, state).toJson();
      folder.replace(Checkpoint.FILE, out -> out.write(json));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the checkpoint in " + folder.dir() + ": " + RunFolder.describe(e), e);
    }
    written = state;
    lastWrite = System.nanoTime();
  }

  /** The path as one shell word. */
  static String quoted(String path) {
    return path.matches("[A-Za-z0-9_./+-]+") ? path : "'" + path.replace("'", "'\\''") + "'";
  }
}
