package org.varpro.spark;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The input files of a data path and their lines. A path is a file, a directory (its files not
 * starting with {@code _} or {@code .}) or a glob, taken in name order; every line keeps its file
 * and 1-based line number so that the parsers can name {@code file:line} in their errors.
 */
final class InputFiles {
  private InputFiles() {}

  /** A data file: how the user sees it (for messages) and the qualified URI (for reading). */
  record InputFile(String display, String uri) implements Serializable {}

  /** One line of input: file index, 1-based line number, text. */
  record Line(int file, long line, String text) implements Serializable {}

  /**
   * The files of a path: the file itself, a directory's visible files, or a glob's matches, in
   * name order.
   *
   * @throws DataError naming the path when nothing matches
   */
  static List<InputFile> resolve(JavaSparkContext sc, String path) {
    Configuration conf = sc.hadoopConfiguration();
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        throw new DataError(path, 0, "no such file or directory");
      }
      List<InputFile> out = new ArrayList<>();
      boolean single = matches.length == 1;
      Arrays.sort(matches, Comparator.comparing(s -> s.getPath().toString()));
      for (FileStatus m : matches) {
        if (m.isDirectory()) {
          FileStatus[] children = fs.listStatus(m.getPath());
          Arrays.sort(children, Comparator.comparing(s -> s.getPath().toString()));
          for (FileStatus c : children) {
            String name = c.getPath().getName();
            if (c.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
              String display = single ? (path.endsWith("/") ? path + name : path + "/" + name) : c.getPath().toString();
              out.add(new InputFile(display, c.getPath().toString()));
            }
          }
        } else {
          out.add(new InputFile(single ? path : m.getPath().toString(), m.getPath().toString()));
        }
      }
      if (out.isEmpty()) {
        throw new DataError(path, 0, "no data files (a directory of hidden or no files)");
      }
      return out;
    } catch (IOException e) {
      throw new DataError(path, 0, "cannot be read: " + e.getMessage(), e);
    }
  }

  /** The lines of the files, in file then line order, each with its place. */
  static JavaRDD<Line> lines(JavaSparkContext sc, List<InputFile> files) {
    List<JavaRDD<Line>> perFile = new ArrayList<>();
    for (int f = 0; f < files.size(); f++) {
      int fi = f;
      perFile.add(sc.textFile(files.get(f).uri()).zipWithIndex()
          .map(t -> new Line(fi, t._2 + 1, t._1)));
    }
    if (perFile.size() == 1) {
      return perFile.get(0);
    }
    @SuppressWarnings("unchecked")
    JavaRDD<Line>[] all = perFile.toArray(new JavaRDD[0]);
    return sc.union(all);
  }

  /** How the user sees the files, in order. */
  static String[] displayNames(List<InputFile> files) {
    return files.stream().map(InputFile::display).toArray(String[]::new);
  }
}
