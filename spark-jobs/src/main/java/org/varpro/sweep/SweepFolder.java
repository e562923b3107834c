package org.varpro.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.varpro.job.RunFolder;
import org.varpro.config.ConfigError;

/**
 * A sweep's output folder. Unlike a run folder it is written incrementally, so that a stopped
 * sweep can resume: every finished configuration's row goes to {@code rows/HASH.json} as soon as
 * it arrives, and the consolidated files (results.csv, results.parquet, summary.json, plots/) are
 * rewritten at the end. Every file is written to a hidden temporary sibling and moved into place
 * atomically, so a killed sweep leaves whole files or none (and the temporary leftovers are
 * removed when the sweep runs again).
 *
 * <pre>
 * OUTPUT/
 *   sweep.json          marker: the sweep's name, configuration file and columns
 *   rows/HASH.json      one finished configuration each
 *   results.csv         one row per configuration, in index order
 *   results.parquet     the same table
 *   summary.json        counts, the best configurations per metric, the train command of the best
 *   plots/METRIC-vs-KEY.png
 * </pre>
 */
final class SweepFolder {
  static final String MARKER = "sweep.json";
  static final String ROWS = "rows";
  static final List<String> OWNED = List.of(MARKER, ROWS, "results.csv", "results.parquet", "summary.json", "plots");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  /** The folders this object created (the sweep folder and missing parents), innermost first. */
  private final List<Path> created;

  private SweepFolder(Path dir, List<Path> created) {
    this.dir = dir;
    this.created = created;
  }

  /**
   * Opens (creating it when missing) the folder. An existing folder must be a sweep folder or
   * empty; {@code restart} deletes an earlier sweep's files first.
   *
   * @param key the option or key that named the folder, for errors
   */
  static SweepFolder open(Path folder, boolean restart, String key) {
    Path abs = folder.toAbsolutePath().normalize();
    try {
      if (Files.exists(abs)) {
        if (!Files.isDirectory(abs)) {
          throw new ConfigError(key, "the sweep folder " + folder + " exists and is not a folder");
        }
        boolean sweep = Files.exists(abs.resolve(MARKER)) || Files.isDirectory(abs.resolve(ROWS));
        boolean empty;
        try (Stream<Path> s = Files.list(abs)) {
          empty = s.findAny().isEmpty();
        }
        if (!sweep && !empty) {
          throw new ConfigError(key, "the folder " + folder + " exists and is not a sweep folder (no " + MARKER
              + "); choose another output folder");
        }
        if (restart) {
          for (String owned : OWNED) {
            RunFolder.deleteTree(abs.resolve(owned));
          }
        }
      }
      List<Path> created = new java.util.ArrayList<>();
      for (Path p = abs; p != null && !Files.exists(p); p = p.getParent()) {
        created.add(p);
      }
      Files.createDirectories(abs.resolve(ROWS));
      SweepFolder f = new SweepFolder(abs, created);
      f.removeLeftovers();
      return f;
    } catch (IOException e) {
      throw new ConfigError(key, "cannot create the sweep folder " + folder + ": " + e, e);
    }
  }

  Path dir() {
    return dir;
  }

  Path rows() {
    return dir.resolve(ROWS);
  }

  /**
   * After a failure before any configuration finished: removes the folder again when this run
   * created it (a bad data file leaves nothing behind).
   */
  void discardIfUnused() {
    if (created.isEmpty()) {
      return;
    }
    try (Stream<Path> s = Files.list(rows())) {
      if (s.findAny().isPresent()) {
        return;
      }
      RunFolder.deleteTree(dir);
      for (Path p : created.subList(1, created.size())) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort
    }
  }

  /** Temporary files of a killed earlier run. */
  private void removeLeftovers() throws IOException {
    for (Path d : List.of(dir, rows(), dir.resolve("plots"))) {
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (DirectoryStream<Path> s = Files.newDirectoryStream(d, ".*.tmp-*")) {
        for (Path p : s) {
          RunFolder.deleteTree(p);
        }
      }
    }
  }

  /** The rows finished earlier, by hash; unreadable files are skipped (their configurations run again). */
  Map<String, SweepRow> finishedRows() {
    Map<String, SweepRow> out = new LinkedHashMap<>();
    try (DirectoryStream<Path> s = Files.newDirectoryStream(rows(), "*.json")) {
      for (Path p : s) {
        String name = p.getFileName().toString();
        try {
          SweepRow r = SweepRow.parse(Files.readString(p));
          if (r.hash() != null && name.equals(r.hash() + ".json") && r.status() != null) {
            out.put(r.hash(), r);
          }
        } catch (IOException | RuntimeException e) {
          // a damaged row: run its configuration again
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + rows() + ": " + e, e);
    }
    return out;
  }

  /** Writes rows/HASH.json atomically. */
  void writeRow(Configuration c, SweepRow row) {
    writeJson(rows().resolve(row.hash() + ".json"), row.toMap(c));
  }

  /** Writes a JSON document (indented) atomically. */
  static void writeJson(Path target, Object document) {
    try {
      write(target, tmp -> Files.writeString(tmp,
          SweepRow.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e, e);
    }
  }

  /** Writes a file through {@code writer} into a hidden temporary sibling, then moves it into place. */
  static Path write(Path target, FileWriter writer) throws IOException {
    Files.createDirectories(target.getParent());
    String name = target.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String extension = dot > 0 ? name.substring(dot) : "";
    // The extension stays last: some writers (XChart) add their own otherwise.
    Path tmp = target.resolveSibling("." + name + ".tmp-"
        + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36).toLowerCase(Locale.ROOT) + extension);
    try {
      writer.write(tmp);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      return target;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Writes one file at a temporary path. */
  interface FileWriter {
    void write(Path file) throws IOException;
  }
}
