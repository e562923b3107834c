package org.varpro.job;

import com.typesafe.config.ConfigException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.varpro.config.ConfigError;
import org.varpro.core.classify.Datasets;
import org.varpro.spark.DataError;

/**
 * Exit codes and one-line messages: bad input (configuration, data files, options) exits with 2
 * and {@code varpro: <message>} naming the key or the file and line; anything else exits with
 * 1. Stack traces only with {@code --verbose}.
 */
public final class Failures {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int BAD_INPUT = 2;

  private Failures() {}

  /** The user's error in the cause chain (ConfigError, DataError, …), or null for a failure. */
  public static RuntimeException userError(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConfigError e) {
        return e;
      }
      if (c instanceof DataError e) {
        return e;
      }
      if (c instanceof Datasets.InputError e) {
        return DataError.of(e);
      }
      if (c instanceof ConfigException e) {
        return new ConfigError(e.origin() == null ? "config" : e.origin().description(), e.getMessage(), e);
      }
      if (c instanceof NoSuchFileException e) {
        return new DataError(e.getFile(), 0, "no such file", e);
      }
      if (c instanceof AccessDeniedException e) {
        return new DataError(e.getFile(), 0, "permission denied", e);
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }

  /**
   * Prints the message (and the stack trace when verbose) and returns the exit code. Fatal VM
   * errors other than OutOfMemoryError are rethrown: there is nothing to report them with.
   */
  public static int report(Throwable t, PrintWriter err, boolean verbose) {
    if (t instanceof VirtualMachineError fatal && !(t instanceof OutOfMemoryError)) {
      throw fatal;
    }
    RuntimeException user = userError(t);
    if (user != null) {
      err.println("varpro: " + oneLine(user.getMessage()));
      if (verbose) {
        t.printStackTrace(err);
      }
      err.flush();
      return BAD_INPUT;
    }
    err.println("varpro: error: " + oneLine(String.valueOf(t)));
    if (verbose) {
      t.printStackTrace(err);
    } else {
      err.println("varpro: (run with --verbose for the stack trace)");
    }
    err.flush();
    return FAILURE;
  }

  /**
   * Whether the JVM is being stopped (Ctrl-C, SIGTERM): a failure then is the run being torn
   * down under it (Spark stopped by its shutdown hook), which the stop message has explained.
   */
  public static boolean shuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  static String oneLine(String s) {
    if (s == null) {
      return "";
    }
    String t = s.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl).strip() + " …";
  }
}
