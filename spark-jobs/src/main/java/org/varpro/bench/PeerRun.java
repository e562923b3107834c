package org.varpro.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NumPy reference peer (the scripts of ../shared/peers) run as {@code python3 SCRIPT WIDTH
 * SECONDS tsqr}, and its output read back as an error trace. The peers print a progress line
 * {@code it=25 t=3.6s loss=… |g|=… mu=… rel_l2=1.6e-08} at iterations 1–4 and every 25th, and a
 * last line {@code final: it=886 wall=29.0s loss=… rel_l2=…}. Their clock includes their own
 * (cheap) error checks, and since they check only every 25 iterations, the first line at or below
 * a target is an upper bound on their time to it; the check before it is a lower bound.
 */
public final class PeerRun {
  /** Peer's inner-solve mode: the TSQR variant is the one of the published peer figures. */
  public static final String MODE = "tsqr";
  private static final Pattern FIELD = Pattern.compile("([A-Za-z_|][A-Za-z0-9_|]*)=(\\S+)");

  private PeerRun() {}

  /** What one peer run printed: its checks in order (the final line last). */
  public record Output(List<TimeToTarget.Point> trace, TimeToTarget.Point last) {}

  /**
   * The first check at or below the target (an upper bound on the peer's time to it) and the
   * check before it (a lower bound; null when the crossing is the first check); null when not
   * reached.
   */
  public record Bracket(TimeToTarget.Point upper, TimeToTarget.Point lower) {}

  public static Bracket bracket(List<TimeToTarget.Point> trace, double target) {
    for (int i = 0; i < trace.size(); i++) {
      if (trace.get(i).error() <= target) {
        return new Bracket(trace.get(i), i == 0 ? null : trace.get(i - 1));
      }
    }
    return null;
  }

  /**
   * Parses a peer's output. Lines that are not progress lines are skipped; a progress line
   * missing one of it, t (or wall on the final line) and rel_l2 is an error naming the line.
   */
  public static Output parse(List<String> lines) {
    List<TimeToTarget.Point> trace = new ArrayList<>();
    TimeToTarget.Point last = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      boolean fin = line.startsWith("final:");
      if (!fin && !line.startsWith("it=")) {
        continue;
      }
      Integer it = null;
      Double seconds = null;
      Double error = null;
      Matcher m = FIELD.matcher(line);
      try {
        while (m.find()) {
          String value = m.group(2);
          switch (m.group(1)) {
            case "it" -> it = Integer.parseInt(value);
            case "t", "wall" -> seconds = Double.parseDouble(value.endsWith("s")
                ? value.substring(0, value.length() - 1) : value);
            case "rel_l2" -> error = Double.parseDouble(value);
            default -> { }
          }
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("peer output line " + (i + 1) + ": bad number in '" + line + "'");
      }
      if (it == null || seconds == null || error == null) {
        throw new IllegalArgumentException("peer output line " + (i + 1)
            + ": expected it=, t= (or wall=) and rel_l2= in '" + line + "'");
      }
      TimeToTarget.Point p = new TimeToTarget.Point(it, seconds, error);
      trace.add(p);
      if (fin) {
        last = p;
      }
    }
    if (trace.isEmpty()) {
      throw new IllegalArgumentException("the peer printed no progress lines (it=… t=…s … rel_l2=…)");
    }
    return new Output(List.copyOf(trace), last != null ? last : trace.get(trace.size() - 1));
  }

  /** Null when {@code python3} with NumPy runs here, else a one-line reason. */
  public static String unavailable() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      int rc = p.waitFor();
      return rc == 0 ? null : "python3 is present but cannot import numpy";
    } catch (IOException e) {
      return "python3 not found on PATH";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while looking for python3";
    }
  }

  /** The budget as the peers' command line takes it: "30", or "2.5". */
  public static String formatSeconds(double seconds) {
    return seconds == Math.rint(seconds) ? Long.toString((long) seconds) : Double.toString(seconds);
  }

  /** Set by submit/varpro to {@link #LAUNCHER_SET_BLAS_THREADS} when it chose OPENBLAS_NUM_THREADS itself. */
  static final String LAUNCHER_MARK = "VARPRO_BLAS_THREADS_FROM";
  static final String LAUNCHER_SET_BLAS_THREADS = "launcher-default";

  /**
   * Runs the peer for {@code seconds} at hidden width {@code width}, echoing its lines, in this
   * process's environment except for an OPENBLAS_NUM_THREADS the launcher chose for the engine.
   */
  public static Output run(Path script, int width, double seconds, Consumer<String> echo) {
    List<String> command = List.of("python3", script.toString(), Integer.toString(width),
        formatSeconds(seconds), MODE);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (LAUNCHER_SET_BLAS_THREADS.equals(System.getenv(LAUNCHER_MARK))) {
      // The engine's one OpenBLAS thread is the launcher's default, not the user's setting: the
      // peer runs as the user's own shell would run it.
      builder.environment().remove("OPENBLAS_NUM_THREADS");
    }
    echo.accept("peer: " + String.join(" ", command) + " (OPENBLAS_NUM_THREADS="
        + builder.environment().getOrDefault("OPENBLAS_NUM_THREADS", "unset") + ")");
    List<String> lines = new ArrayList<>();
    try {
      Process p = builder.start();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
          echo.accept("  peer " + line);
        }
      }
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IllegalStateException("peer " + script + " exited with status " + rc
            + (lines.isEmpty() ? "" : ": " + lines.get(lines.size() - 1)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run peer " + script + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running peer " + script, e);
    }
    return parse(lines);
  }
}
