package org.varpro.io;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A file or folder on a Hadoop file system, named the way a user names it: a plain local path
 * ({@code runs/heat}, relative to the working directory) or a URI ({@code file:///tmp/heat},
 * {@code hdfs://namenode/runs/heat}, {@code s3a://bucket/runs/heat}, any scheme the Hadoop
 * configuration knows). Every output of the jobs (run folders, models, sweep folders, eval
 * predictions) goes through here, so it lands wherever the cluster can write.
 *
 * <p>Local paths use Hadoop's raw local file system (no {@code .crc} side files).
 *
 * <p><b>Atomic rename.</b> Whole-folder and replace-a-file renames are atomic on HDFS and on local
 * disks, not on object stores (s3a, gs, abfs without a hierarchical namespace, …), where a rename
 * is a copy. {@link #atomicRename()} is true for the schemes in
 * {@value #ATOMIC_RENAME_KEY} of the Hadoop configuration (default {@value #DEFAULT_ATOMIC_SCHEMES});
 * a cluster sets it with {@code --conf spark.hadoop.varpro.fs.atomic-rename-schemes=...}.
 */
public final class Location {
  /** Hadoop configuration key: the file system schemes whose rename is atomic. */
  public static final String ATOMIC_RENAME_KEY = "varpro.fs.atomic-rename-schemes";
  public static final String DEFAULT_ATOMIC_SCHEMES = "file,hdfs,viewfs,webhdfs,swebhdfs,ofs,o3fs";
  /** {@code scheme:/…}: a URI rather than a local path. */
  private static final Pattern URI_LIKE = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:/.*");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final FileSystem fs;
  private final Path path;
  private final boolean atomicRename;

  private Location(FileSystem fs, Path path, boolean atomicRename) {
    this.fs = fs;
    this.path = path;
    this.atomicRename = atomicRename;
  }

  /** A location with the job's Hadoop configuration ({@link HadoopConf#get()}). */
  public static Location of(String where) throws IOException {
    return of(where, HadoopConf.get());
  }

  /**
   * Resolves a local path or URI.
   *
   * @throws IOException when the scheme has no file system here (e.g. s3a without its connector)
   */
  public static Location of(String where, Configuration conf) throws IOException {
    if (where == null || where.isBlank()) {
      throw new IOException("empty path");
    }
    Path p = URI_LIKE.matcher(where).matches()
        ? new Path(where)
        : new Path("file", null, new File(where).getAbsoluteFile().toPath().normalize().toString());
    FileSystem fs = p.getFileSystem(conf);
    if (fs instanceof LocalFileSystem local) {
      fs = local.getRaw();
    }
    Set<String> atomic = new HashSet<>();
    for (String s : conf.get(ATOMIC_RENAME_KEY, DEFAULT_ATOMIC_SCHEMES).split(",")) {
      atomic.add(s.trim().toLowerCase(Locale.ROOT));
    }
    Path qualified = fs.makeQualified(p);
    return new Location(fs, qualified, atomic.contains(qualified.toUri().getScheme().toLowerCase(Locale.ROOT)));
  }

  /** A local file or folder. */
  public static Location local(java.nio.file.Path file) throws IOException {
    return of(file.toAbsolutePath().toString());
  }

  public FileSystem fs() {
    return fs;
  }

  public Path path() {
    return path;
  }

  /** Whether renames on this file system are atomic (see the class comment). */
  public boolean atomicRename() {
    return atomicRename;
  }

  public boolean isLocal() {
    return "file".equals(path.toUri().getScheme());
  }

  public String name() {
    return path.getName();
  }

  /** {@code relative} inside this folder ("a/b.json" allowed). */
  public Location child(String relative) {
    return new Location(fs, new Path(path, relative), atomicRename);
  }

  public Location sibling(String name) {
    return new Location(fs, new Path(path.getParent(), name), atomicRename);
  }

  /** The parent folder, or null at the root. */
  public Location parent() {
    Path p = path.getParent();
    return p == null ? null : new Location(fs, p, atomicRename);
  }

  /** A hidden sibling {@code .NAME.tag-RANDOM} (the extension kept last: some writers add their own). */
  public Location hiddenSibling(String tag) {
    String name = name();
    int dot = name.lastIndexOf('.');
    String extension = dot > 0 ? name.substring(dot) : "";
    return sibling("." + name + "." + tag + "-"
        + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36).toLowerCase(Locale.ROOT) + extension);
  }

  public boolean exists() throws IOException {
    return fs.exists(path);
  }

  public boolean isDirectory() throws IOException {
    try {
      return fs.getFileStatus(path).isDirectory();
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  public boolean isFile() throws IOException {
    try {
      return fs.getFileStatus(path).isFile();
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  /** The entries of this folder (names), sorted; empty when it does not exist. */
  public String[] list() throws IOException {
    if (!isDirectory()) {
      return new String[0];
    }
    FileStatus[] st = fs.listStatus(path);
    return Arrays.stream(st).map(s -> s.getPath().getName()).sorted().toArray(String[]::new);
  }

  public void mkdirs() throws IOException {
    if (!fs.mkdirs(path)) {
      throw new IOException("cannot create the folder " + this);
    }
  }

  /** Deletes this file or folder with everything in it; false when there was nothing. */
  public boolean delete() throws IOException {
    return fs.delete(path, true);
  }

  /** Renames this to {@code target}, which must not exist (a folder target would receive it inside). */
  public void renameTo(Location target) throws IOException {
    if (!fs.rename(path, target.path)) {
      throw new IOException("cannot rename " + this + " to " + target);
    }
  }

  public InputStream open() throws IOException {
    return fs.open(path);
  }

  /** A new file (replacing an existing one); the parent folders are created. */
  public OutputStream create() throws IOException {
    return fs.create(path, true);
  }

  public String readString() throws IOException {
    try (InputStream in = open()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Writes the file in place (not atomically: see {@link #writeAtomically}). */
  public void write(byte[] bytes) throws IOException {
    try (OutputStream out = create()) {
      out.write(bytes);
    }
  }

  /**
   * Writes a whole file all or nothing: into a hidden temporary sibling, then renamed over the
   * target. Where renames are not atomic the file is written in place: an object store makes an
   * object visible only when its stream is closed, so readers see the old file or the new one.
   */
  public void writeAtomically(StreamWriter writer) throws IOException {
    if (!atomicRename) {
      try (OutputStream out = create()) {
        writer.write(out);
      }
      return;
    }
    Location tmp = hiddenSibling("tmp");
    try {
      try (OutputStream out = tmp.create()) {
        writer.write(out);
      }
      if (!fs.rename(tmp.path, path)) {
        // HDFS does not rename over an existing file (the local file system does).
        fs.delete(path, false);
        tmp.renameTo(this);
      }
    } finally {
      fs.delete(tmp.path, false);
    }
  }

  public void writeAtomically(byte[] bytes) throws IOException {
    writeAtomically(out -> out.write(bytes));
  }

  public void writeStringAtomically(String text) throws IOException {
    writeAtomically(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The local path for local files, the URI otherwise. */
  @Override
  public String toString() {
    return isLocal() ? path.toUri().getPath() : path.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Location l && l.path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  /** Writes the content of a file. */
  public interface StreamWriter {
    void write(OutputStream out) throws IOException;
  }
}
