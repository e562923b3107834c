package org.varpro.spark;

import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.varpro.core.classify.LabelIndex;
import org.varpro.spark.InputFiles.InputFile;
import org.varpro.spark.InputFiles.Line;

/**
 * Reads LibSVM files with Spark ({@link LibSvmText} per line): the label count from the first
 * data line, the feature count from {@code num-features} or the largest index seen.
 */
final class LibSvmReader {
  private LibSvmReader() {}

  /**
   * @param numFeatures the feature count, 0 for the largest index in the data
   * @param classify whether the label is a class label
   * @param known the classes of the training data (a test file), null to count them here
   */
  static TableRows read(JavaSparkContext sc, String path, int numFeatures, boolean classify, LabelIndex known) {
    List<InputFile> files = InputFiles.resolve(sc, path);
    String[] display = InputFiles.displayNames(files);
    JavaRDD<Line> lines = InputFiles.lines(sc, files);
    List<Line> first = lines.filter(l -> LibSvmText.isData(l.text())).take(1);
    if (first.isEmpty()) {
      throw new DataError(path, 0, "no data rows");
    }
    int k = LibSvmText.labelCount(first.get(0).text());
    if (classify && k != 1) {
      throw new DataError(display[0], first.get(0).line(), "a classification needs one label per line, found " + k);
    }
    int d = numFeatures;
    LibSvmText probe = new LibSvmText(display, k, Integer.MAX_VALUE, null);
    int largest = lines.map(probe::largestIndex).fold(0, Math::max);
    if (d == 0) {
      d = largest;
    } else if (largest > d) {
      throw new DataError(path, 0, "feature index " + largest + " exceeds num-features = " + d);
    }
    if (d == 0) {
      throw new DataError(path, 0, "no feature values");
    }
    LabelIndex classes = known;
    if (classify && classes == null) {
      LibSvmText census = new LibSvmText(display, 1, d, null);
      classes = ClassColumn.index(lines.map(census::labelText).filter(t -> t != null).countByValue(), "label", path);
    }
    LibSvmText parser = new LibSvmText(display, k, d, classes);
    JavaPairRDD<Long, ParsedRow> rows = TableRows.numbered(lines.map(parser::parse).filter(Objects::nonNull))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long count = rows.count();
    return new TableRows(rows, count, TableRows.numberedNames("f", d),
        k == 1 ? new String[] {"label"} : TableRows.numberedNames("label_", k), classes,
        List.of(rows.rdd().toJavaRDD()));
  }
}
