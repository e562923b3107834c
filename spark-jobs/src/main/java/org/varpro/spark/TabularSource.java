package org.varpro.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.varpro.core.classify.LabelIndex;
import org.varpro.core.model.RowBlock;

/**
 * Reads tabular data with Spark into standardized, cached row blocks (DESIGN §3): the options and
 * the order of the work. The work itself: {@link InputFiles} (paths to files and numbered
 * lines), {@link DelimitedReader} / {@link DelimitedText} (delimited text), {@link LibSvmReader}
 * / {@link LibSvmText} (LibSVM), {@link ParquetReader}, {@link RowSplit} (order, partitions,
 * validation split), {@link StandardizationStats} and {@link RowPacking} (blocks). The line
 * parsers are plain Java, testable without Spark.
 *
 * <p><b>Formats.</b>
 * <ul>
 *   <li>CSV (and other delimited text, gzip or not): {@link #header}, {@link #separator} (one
 *       character, {@code tab}, {@code space}, or {@code whitespace} for runs of blanks; fields may
 *       be double-quoted). Columns are named by the header, or {@code _c0, _c1, …} without one
 *       (Spark's names). Blank lines are skipped. The labels may come from a separate file,
 *       {@link #labelPath}, read line-aligned with the data (row i of one is row i of the other;
 *       its columns are named {@code label} (one) or {@code label_1, …}, or by its header).</li>
 *   <li>Parquet: numeric columns of any numeric type; nulls are errors.</li>
 *   <li>LibSVM: {@code label[,label…] index:value …} with 1-based ascending indices; the feature
 *       count is {@link #numFeatures} or the largest index seen. Blank and {@code #} lines are
 *       skipped.</li>
 * </ul>
 * A path is a file, a directory (its files not starting with {@code _} or {@code .}, in name
 * order) or a glob. Text formats are read with Spark's text input line by line with the line
 * number, so every bad value is reported as {@code file:line: …} ({@link DataError}): a missing
 * file, a non-numeric value, a NaN or infinity, a wrong column count, a header that differs
 * between files, a label file with a different number of rows.
 *
 * <p><b>Columns.</b> {@link #labelColumns} (one or several: k outputs), {@link #featureColumns}
 * (default: every other column; for Parquet every other numeric column) and an optional
 * {@link #weightColumn} (finite, ≥ 0; default 1).
 *
 * <p><b>Order, split, standardization.</b> Rows keep the file order (files by name, lines in
 * order) and are spread over the partitions in contiguous ranges, so the row set, its order and
 * its partitioning depend only on the input and {@link #partitions}. The validation split is
 * Spark's {@code randomSplit} with {@link #seed}: deterministic for that partitioning. Feature
 * (and, with {@link #standardizeLabels}, label) means and standard deviations come from MLlib's
 * {@link org.apache.spark.ml.stat.Summarizer} over the training split only, computed per partition (one group per
 * partition, so each group is summarized by one task, in row order) and combined on the driver in
 * partition order (Chan et al.'s pairwise update): the figures, hence the blocks and the fit, are
 * bit-for-bit reproducible, which a plain Spark aggregate (merged in task-completion order) would
 * not be. Rows are packed into blocks of at most {@link #blockRows} per partition, in order, and
 * cached (memory and disk).
 *
 * <p><b>Classification</b> ({@link #classify}): one label column of class labels, numbers or
 * text (a Parquet label column may be numeric or string). The labels are counted in one pass
 * (the census) into a {@link LabelIndex} (numbers ascending; text by decreasing frequency, ties
 * in string order, as MLlib's StringIndexer frequencyDesc), and each row's label becomes its
 * class index. An empty label is an error at its {@code file:line}, a single class an error
 * naming the file and column. The validation split is then stratified by class and seeded
 * ({@link org.varpro.core.classify.StratifiedSplit}): every class needs at least one row on each
 * side.
 */
public final class TabularSource {
  private static final Logger LOG = LoggerFactory.getLogger(TabularSource.class);
  public static final int DEFAULT_BLOCK_ROWS = 1024;

  public enum Format {
    CSV, PARQUET, LIBSVM;

    public static Format parse(String s) {
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "csv", "text", "tsv" -> CSV;
        case "parquet" -> PARQUET;
        case "libsvm", "svmlight" -> LIBSVM;
        default -> throw new IllegalArgumentException("unknown data format '" + s + "' (expected csv, parquet or libsvm)");
      };
    }
  }

  /** Keys of {@link #fromOptions}. */
  public static final List<String> OPTION_KEYS = List.of("path", "format", "header", "separator",
      "label", "label-path", "features", "weight", "standardize", "standardize-labels",
      "validation-fraction", "seed", "partitions", "block-rows", "num-features");

  final Format format;
  final String path;
  boolean header;
  String separator = ",";
  List<String> labelColumns = List.of();
  String labelPath;
  List<String> featureColumns;
  String weightColumn;
  boolean standardizeFeatures = true;
  boolean standardizeLabels;
  double validationFraction;
  long seed = 1;
  int partitions;
  int blockRows = DEFAULT_BLOCK_ROWS;
  int numFeatures;
  boolean classify;
  LabelIndex classes;

  private TabularSource(Format format, String path) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("a data path is required");
    }
    this.format = Objects.requireNonNull(format);
    this.path = path;
  }

  public static TabularSource of(Format format, String path) {
    return new TabularSource(format, path);
  }

  public static TabularSource csv(String path) {
    return new TabularSource(Format.CSV, path);
  }

  public static TabularSource parquet(String path) {
    return new TabularSource(Format.PARQUET, path);
  }

  public static TabularSource libsvm(String path) {
    return new TabularSource(Format.LIBSVM, path);
  }

  /**
   * From string options (e.g. a configuration section or command-line pairs): {@code path},
   * {@code format} (default csv), {@code header}, {@code separator}, {@code label} (comma
   * separated), {@code label-path}, {@code features} (comma separated), {@code weight},
   * {@code standardize}, {@code standardize-labels}, {@code validation-fraction}, {@code seed},
   * {@code partitions}, {@code block-rows}, {@code num-features}. Unknown keys are errors.
   */
  public static TabularSource fromOptions(Map<String, String> options) {
    for (String k : options.keySet()) {
      if (!OPTION_KEYS.contains(k)) {
        throw new IllegalArgumentException("unknown data option '" + k + "' (known: " + String.join(", ", OPTION_KEYS) + ")");
      }
    }
    String path = options.get("path");
    if (path == null) {
      throw new IllegalArgumentException("data option 'path' is required");
    }
    TabularSource s = of(options.containsKey("format") ? Format.parse(options.get("format")) : Format.CSV, path);
    if (options.containsKey("header")) {
      s.header(parseBoolean("header", options.get("header")));
    }
    if (options.containsKey("separator")) {
      s.separator(options.get("separator"));
    }
    if (options.containsKey("label")) {
      s.labelColumns(splitList(options.get("label")));
    }
    if (options.containsKey("label-path")) {
      s.labelPath(options.get("label-path"));
    }
    if (options.containsKey("features")) {
      s.featureColumns(splitList(options.get("features")));
    }
    if (options.containsKey("weight")) {
      s.weightColumn(options.get("weight"));
    }
    if (options.containsKey("standardize")) {
      s.standardizeFeatures(parseBoolean("standardize", options.get("standardize")));
    }
    if (options.containsKey("standardize-labels")) {
      s.standardizeLabels(parseBoolean("standardize-labels", options.get("standardize-labels")));
    }
    try {
      if (options.containsKey("validation-fraction")) {
        s.validationFraction(Double.parseDouble(options.get("validation-fraction").trim()));
      }
      if (options.containsKey("seed")) {
        s.seed(Long.parseLong(options.get("seed").trim()));
      }
      if (options.containsKey("partitions")) {
        s.partitions(Integer.parseInt(options.get("partitions").trim()));
      }
      if (options.containsKey("block-rows")) {
        s.blockRows(Integer.parseInt(options.get("block-rows").trim()));
      }
      if (options.containsKey("num-features")) {
        s.numFeatures(Integer.parseInt(options.get("num-features").trim()));
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("data option: not a number: " + e.getMessage(), e);
    }
    return s;
  }

  private static boolean parseBoolean(String key, String v) {
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on" -> true;
      case "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException("data option '" + key + "' must be true or false, got '" + v + "'");
    };
  }

  private static List<String> splitList(String v) {
    List<String> out = new ArrayList<>();
    for (String s : v.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  /** CSV: the first line of every file names the columns (default false). */
  public TabularSource header(boolean header) {
    this.header = header;
    return this;
  }

  /** CSV: a single character, "tab", "space" or "whitespace" (runs of blanks); default ",". */
  public TabularSource separator(String separator) {
    DelimitedText.Separator.of(separator);
    this.separator = separator;
    return this;
  }

  public TabularSource labelColumns(String... names) {
    return labelColumns(List.of(names));
  }

  public TabularSource labelColumns(List<String> names) {
    this.labelColumns = List.copyOf(names);
    return this;
  }

  /**
   * CSV: labels from a separate file of the same format (header and separator), row i of which
   * is the label of data row i. Its columns are all labels unless {@link #labelColumns} picks
   * some of them.
   */
  public TabularSource labelPath(String labelPath) {
    this.labelPath = labelPath;
    return this;
  }

  public TabularSource featureColumns(String... names) {
    return featureColumns(List.of(names));
  }

  public TabularSource featureColumns(List<String> names) {
    this.featureColumns = names == null ? null : List.copyOf(names);
    return this;
  }

  public TabularSource weightColumn(String name) {
    this.weightColumn = name;
    return this;
  }

  /** Standardize the features (default true). */
  public TabularSource standardizeFeatures(boolean on) {
    this.standardizeFeatures = on;
    return this;
  }

  /** Standardize the labels too (default false). */
  public TabularSource standardizeLabels(boolean on) {
    this.standardizeLabels = on;
    return this;
  }

  /** Fraction of the rows held out for validation, in [0, 1) (default 0). */
  public TabularSource validationFraction(double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + fraction);
    }
    this.validationFraction = fraction;
    return this;
  }

  /** Seed of the validation split (default 1). */
  public TabularSource seed(long seed) {
    this.seed = seed;
    return this;
  }

  /**
   * Partitions of the row blocks; 0 (default) means {@link AutoPartitions#forRows} of the rows
   * read (never the cluster's parallelism, so the blocks, and the fit, are the same everywhere).
   */
  public TabularSource partitions(int partitions) {
    if (partitions < 0) {
      throw new IllegalArgumentException("partitions must be >= 0, got " + partitions);
    }
    this.partitions = partitions;
    return this;
  }

  public TabularSource blockRows(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("block rows must be >= 1, got " + rows);
    }
    this.blockRows = rows;
    return this;
  }

  /** LibSVM: the feature count (0, the default: the largest index in the data). */
  public TabularSource numFeatures(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("num-features must be >= 0, got " + n);
    }
    this.numFeatures = n;
    return this;
  }

  /**
   * A classification table: exactly one label column, holding class labels (numbers or text)
   * that are mapped to class indices 0..K−1 (the {@link LabelIndex} of the result); the
   * validation split is stratified by class. {@code known} fixes the classes (a test file read
   * with the classes of its training data: other labels are errors); null counts them in the
   * data (at least 2). Labels are never standardized.
   */
  public TabularSource classify(LabelIndex known) {
    this.classify = true;
    this.classes = known;
    return this;
  }

  /** Reads, validates, splits, standardizes, packs and caches. */
  public TabularData load(SparkSession spark) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    if (labelPath != null && format != Format.CSV) {
      throw new IllegalArgumentException("label-path is only supported for csv data, not " + format.name().toLowerCase(Locale.ROOT));
    }
    if (classify && standardizeLabels) {
      throw new IllegalArgumentException("class labels cannot be standardized");
    }
    List<JavaRDD<?>> toRelease = new ArrayList<>();
    try {
      sc.setJobDescription("reading " + path);
      TableRows rows = switch (format) {
        case CSV -> DelimitedReader.read(sc, this);
        case PARQUET -> ParquetReader.read(spark, this);
        case LIBSVM -> {
          if (!labelColumns.isEmpty() || featureColumns != null || weightColumn != null) {
            throw new IllegalArgumentException("libsvm data has no named columns: label, feature and weight columns do not apply");
          }
          yield LibSvmReader.read(sc, path, numFeatures, classify, classes);
        }
      };
      toRelease.addAll(rows.persisted());
      return finish(spark, sc, rows);
    } catch (Exception e) {
      throw DataError.unwrap(e);
    } finally {
      for (JavaRDD<?> r : toRelease) {
        r.unpersist(false);
      }
      sc.setJobDescription(null);
    }
  }

  /** Partitioning, split, standardization, blocks. */
  private TabularData finish(SparkSession spark, JavaSparkContext sc, TableRows rows) {
    if (rows.count() == 0) {
      throw new DataError(path, 0, "no data rows");
    }
    int d = rows.featureNames().length;
    int k = rows.labelNames().length;
    int p = partitions > 0 ? partitions : AutoPartitions.forRows(rows.count());
    p = (int) Math.max(1, Math.min(p, rows.count()));
    RowSplit.Parts parts = RowSplit.split(sc, RowSplit.ordered(rows.rows(), rows.count(), p), rows.classes(),
        validationFraction, seed);
    Standardization st = StandardizationStats.of(spark, parts.training(), rows.featureNames(), rows.labelNames(),
        standardizeFeatures, standardizeLabels, path);
    JavaRDD<RowBlock> trainingBlocks = RowPacking.blocks(parts.training(), st, blockRows)
        .persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<RowBlock> validationBlocks = RowPacking.blocks(parts.validation(), st, blockRows)
        .persist(StorageLevel.MEMORY_AND_DISK());
    sc.setJobDescription("caching blocks of " + path);
    long trainingRows = trainingBlocks.map(b -> (long) b.rows).fold(0L, Long::sum);
    long validationRows = validationBlocks.map(b -> (long) b.rows).fold(0L, Long::sum);
    if (trainingRows == 0) {
      trainingBlocks.unpersist(false);
      validationBlocks.unpersist(false);
      throw new DataError(path, 0, "no training rows left after the validation split");
    }
    LOG.info("{}: {} training and {} validation rows, {} features, {} labels, {} partitions",
        path, trainingRows, validationRows, d, k, p);
    return new TabularData(trainingBlocks, validationBlocks, trainingRows, validationRows, d, k, st, rows.classes());
  }

  /** The settings, for run summaries. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", path);
    m.put("format", format.name().toLowerCase(Locale.ROOT));
    if (format == Format.CSV) {
      m.put("header", header);
      m.put("separator", separator);
    }
    if (labelPath != null) {
      m.put("label_path", labelPath);
    }
    m.put("label", labelColumns);
    m.put("features", featureColumns == null ? "all other columns" : featureColumns);
    if (weightColumn != null) {
      m.put("weight", weightColumn);
    }
    m.put("standardize", standardizeFeatures);
    m.put("standardize_labels", standardizeLabels);
    m.put("validation_fraction", validationFraction);
    m.put("seed", seed);
    m.put("partitions", partitions);
    m.put("block_rows", blockRows);
    if (classes != null) {
      m.put("classes", classes.toMap());
    }
    return m;
  }
}
