package org.varpro.sweep;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.varpro.config.ConfigError;
import org.varpro.io.Location;

/**
 * A sweep's output folder. Unlike a run folder it is written incrementally, so that a stopped
 * sweep can resume: every finished configuration's row goes to {@code rows/HASH.json} as soon as
 * it arrives, and the consolidated files (results.csv, results.parquet, summary.json, plots/) are
 * rewritten at the end. The folder may be on any Hadoop file system ({@link Location}). Every
 * file is written to a hidden temporary sibling and renamed into place where renames are
 * atomic, so a killed sweep leaves whole files or none (and the temporary leftovers are removed
 * when the sweep runs again); on object stores each file is one object, visible whole when its
 * upload completes ({@link Location#writeAtomically}).
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

  private final Location dir;
  /** The folders this object created (the sweep folder and missing parents), innermost first. */
  private final List<Location> created;

  private SweepFolder(Location dir, List<Location> created) {
    this.dir = dir;
    this.created = created;
  }

  /**
   * Opens (creating it when missing) the folder. An existing folder must be a sweep folder or
   * empty; {@code restart} deletes an earlier sweep's files first.
   *
   * @param folder a local path or a URI ({@link Location})
   * @param key the option or key that named the folder, for errors
   */
  static SweepFolder open(String folder, boolean restart, String key) {
    try {
      Location dir = Location.of(folder);
      if (dir.exists()) {
        if (!dir.isDirectory()) {
          throw new ConfigError(key, "the sweep folder " + folder + " exists and is not a folder");
        }
        boolean sweep = dir.child(MARKER).exists() || dir.child(ROWS).isDirectory();
        if (!sweep && dir.list().length > 0) {
          throw new ConfigError(key, "the folder " + folder + " exists and is not a sweep folder (no " + MARKER
              + "); choose another output folder");
        }
        if (restart) {
          for (String owned : OWNED) {
            dir.child(owned).delete();
          }
        }
      }
      List<Location> created = new ArrayList<>();
      for (Location p = dir; p != null && !p.exists(); p = p.parent()) {
        created.add(p);
      }
      dir.child(ROWS).mkdirs();
      SweepFolder f = new SweepFolder(dir, created);
      f.removeLeftovers();
      return f;
    } catch (IOException e) {
      throw new ConfigError(key, "cannot create the sweep folder " + folder + ": " + e, e);
    }
  }

  Location dir() {
    return dir;
  }

  Location rows() {
    return dir.child(ROWS);
  }

  /**
   * After a failure before any configuration finished: removes the folder again when this run
   * created it (a bad data file leaves nothing behind).
   */
  void discardIfUnused() {
    if (created.isEmpty()) {
      return;
    }
    try {
      if (rows().list().length > 0) {
        return;
      }
      dir.delete();
      for (Location p : created.subList(1, created.size())) {
        if (p.list().length == 0) {
          p.delete();
        }
      }
    } catch (IOException e) {
      // best effort
    }
  }

  /** Temporary files of a killed earlier run. */
  private void removeLeftovers() throws IOException {
    for (Location d : List.of(dir, rows(), dir.child("plots"))) {
      for (String name : d.list()) {
        if (name.startsWith(".") && name.contains(".tmp-")) {
          d.child(name).delete();
        }
      }
    }
  }

  /** The rows finished earlier, by hash; unreadable files are skipped (their configurations run again). */
  Map<String, SweepRow> finishedRows() {
    Map<String, SweepRow> out = new LinkedHashMap<>();
    try {
      for (String name : rows().list()) {
        if (name.startsWith(".") || !name.endsWith(".json")) {
          continue;
        }
        try {
          SweepRow r = SweepRow.parse(rows().child(name).readString());
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
    writeJson(rows().child(row.hash() + ".json"), row.toMap(c));
  }

  /** Writes a JSON document (indented) atomically. */
  static void writeJson(Location target, Object document) {
    try {
      target.writeStringAtomically(SweepRow.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target + ": " + e, e);
    }
  }
}
