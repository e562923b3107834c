package org.varpro.spark;

import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.varpro.core.model.RowBlock;
import scala.Tuple2;

/**
 * Reads tabular data with Spark into standardized, cached row blocks (DESIGN §3).
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

  private final Format format;
  private final String path;
  private boolean header;
  private String separator = ",";
  private List<String> labelColumns = List.of();
  private String labelPath;
  private List<String> featureColumns;
  private String weightColumn;
  private boolean standardizeFeatures = true;
  private boolean standardizeLabels;
  private double validationFraction;
  private long seed = 1;
  private int partitions;
  private int blockRows = DEFAULT_BLOCK_ROWS;
  private int numFeatures;

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
    Separator.of(separator);
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

  /** Reads, validates, splits, standardizes, packs and caches. */
  public TabularData load(SparkSession spark) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    if (labelPath != null && format != Format.CSV) {
      throw new IllegalArgumentException("label-path is only supported for csv data, not " + format.name().toLowerCase(Locale.ROOT));
    }
    List<JavaRDD<?>> toRelease = new ArrayList<>();
    try {
      sc.setJobDescription("reading " + path);
      Rows rows = switch (format) {
        case CSV -> readCsv(sc);
        case PARQUET -> readParquet(spark);
        case LIBSVM -> readLibSvm(sc);
      };
      toRelease.addAll(rows.persisted);
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

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** Parsed rows keyed by their 0-based position in the input, and what they hold. */
  private record Rows(JavaPairRDD<Long, ParsedRow> rows, long count, String[] featureNames,
      String[] labelNames, List<JavaRDD<?>> persisted) {}

  private Rows readCsv(JavaSparkContext sc) {
    Separator sep = Separator.of(separator);
    List<InputFile> files = resolve(sc, path);
    TextTable data = TextTable.open(sc, files, header, sep);
    String[] names = data.columnNames;
    Set<String> used = new HashSet<>();
    int[] weightIdx = {-1};
    if (weightColumn != null) {
      weightIdx[0] = data.index(weightColumn, path);
      used.add(weightColumn);
    }
    int[] labelIdx;
    String[] labelNames;
    TextTable labels = null;
    int[] labelFileIdx = null;
    if (labelPath != null) {
      List<InputFile> labelFiles = resolve(sc, labelPath);
      labels = TextTable.open(sc, labelFiles, header, sep);
      if (!header) {
        labels.columnNames = labels.columnNames.length == 1 ? new String[] {"label"}
            : numbered("label_", labels.columnNames.length);
      }
      List<String> pick = labelColumns.isEmpty() ? List.of(labels.columnNames) : labelColumns;
      labelFileIdx = new int[pick.size()];
      for (int i = 0; i < pick.size(); i++) {
        labelFileIdx[i] = labels.index(pick.get(i), labelPath);
      }
      labelNames = pick.toArray(new String[0]);
      labelIdx = new int[0];
    } else {
      if (labelColumns.isEmpty()) {
        throw new IllegalArgumentException("no label column given for " + path + " (columns: "
            + String.join(", ", names) + "); set the label columns or a label path");
      }
      labelIdx = new int[labelColumns.size()];
      for (int i = 0; i < labelIdx.length; i++) {
        labelIdx[i] = data.index(labelColumns.get(i), path);
        if (!used.add(labelColumns.get(i))) {
          throw new IllegalArgumentException("column '" + labelColumns.get(i) + "' is used twice");
        }
      }
      labelNames = labelColumns.toArray(new String[0]);
    }
    int[] featureIdx = featureIndices(names, used, data, path);
    if (featureIdx.length == 0) {
      throw new IllegalArgumentException("no feature columns left in " + path);
    }
    String[] featureNames = new String[featureIdx.length];
    for (int i = 0; i < featureIdx.length; i++) {
      featureNames[i] = names[featureIdx[i]];
    }
    LineParser parser = new LineParser(data.displayNames, header, data.headerText, sep, names,
        featureIdx, labelIdx, weightIdx[0]);
    JavaPairRDD<Long, ParsedRow> rows = numbered(data.lines.map(parser::parse).filter(Objects::nonNull))
        .persist(StorageLevel.MEMORY_AND_DISK());
    List<JavaRDD<?>> persisted = new ArrayList<>(List.of(rows.rdd().toJavaRDD()));
    long count = rows.count();
    if (labels != null) {
      LineParser labelParser = new LineParser(labels.displayNames, header, labels.headerText, sep,
          labels.columnNames, new int[0], labelFileIdx, -1);
      JavaPairRDD<Long, ParsedRow> labelRows = numbered(labels.lines.map(labelParser::parse).filter(Objects::nonNull))
          .persist(StorageLevel.MEMORY_AND_DISK());
      persisted.add(labelRows.rdd().toJavaRDD());
      long labelCount = labelRows.count();
      if (labelCount != count) {
        throw new DataError(labelPath, 0, "has " + labelCount + " label rows, but " + path + " has "
            + count + " data rows (the label file must be line-aligned with the data)");
      }
      rows = rows.join(labelRows).mapValues(t -> new ParsedRow(t._1.x, t._2.y, t._1.w));
    }
    return new Rows(rows, count, featureNames, labelNames, persisted);
  }

  private int[] featureIndices(String[] names, Set<String> used, TextTable data, String where) {
    if (featureColumns != null) {
      int[] idx = new int[featureColumns.size()];
      for (int i = 0; i < idx.length; i++) {
        String f = featureColumns.get(i);
        if (used.contains(f)) {
          throw new IllegalArgumentException("column '" + f + "' cannot be both a feature and a label or weight");
        }
        idx[i] = data.index(f, where);
      }
      return idx;
    }
    List<Integer> idx = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      if (!used.contains(names[i])) {
        idx.add(i);
      }
    }
    return idx.stream().mapToInt(Integer::intValue).toArray();
  }

  private static String[] numbered(String prefix, int n) {
    String[] out = new String[n];
    for (int i = 0; i < n; i++) {
      out[i] = prefix + (i + 1);
    }
    return out;
  }

  /** (position, row) pairs, positions 0, 1, … in input order. */
  private static JavaPairRDD<Long, ParsedRow> numbered(JavaRDD<ParsedRow> rows) {
    return rows.zipWithIndex().mapToPair(t -> new Tuple2<>(t._2, t._1));
  }

  private Rows readLibSvm(JavaSparkContext sc) {
    if (!labelColumns.isEmpty() || featureColumns != null || weightColumn != null) {
      throw new IllegalArgumentException("libsvm data has no named columns: label, feature and weight columns do not apply");
    }
    List<InputFile> files = resolve(sc, path);
    String[] display = files.stream().map(InputFile::display).toArray(String[]::new);
    JavaRDD<Line> lines = TextTable.lines(sc, files);
    List<Line> first = lines.filter(l -> LibSvmParser.isData(l.text)).take(1);
    if (first.isEmpty()) {
      throw new DataError(path, 0, "no data rows");
    }
    int k = LibSvmParser.labelCount(first.get(0).text);
    int d = numFeatures;
    LibSvmParser probe = new LibSvmParser(display, k, Integer.MAX_VALUE);
    int largest = lines.map(probe::largestIndex).fold(0, Math::max);
    if (d == 0) {
      d = largest;
    } else if (largest > d) {
      throw new DataError(path, 0, "feature index " + largest + " exceeds num-features = " + d);
    }
    if (d == 0) {
      throw new DataError(path, 0, "no feature values");
    }
    LibSvmParser parser = new LibSvmParser(display, k, d);
    JavaPairRDD<Long, ParsedRow> rows = numbered(lines.map(parser::parse).filter(Objects::nonNull))
        .persist(StorageLevel.MEMORY_AND_DISK());
    long count = rows.count();
    return new Rows(rows, count, numbered("f", d), k == 1 ? new String[] {"label"} : numbered("label_", k),
        List.of(rows.rdd().toJavaRDD()));
  }

  private Rows readParquet(SparkSession spark) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<InputFile> files = resolve(sc, path);
    Dataset<Row> df = spark.read().parquet(files.stream().map(InputFile::uri).toArray(String[]::new));
    StructType schema = df.schema();
    List<String> names = Arrays.asList(schema.fieldNames());
    Set<String> used = new HashSet<>();
    if (labelColumns.isEmpty()) {
      throw new IllegalArgumentException("no label column given for " + path + " (columns: " + String.join(", ", names) + ")");
    }
    for (String l : labelColumns) {
      requireNumeric(schema, l);
      if (!used.add(l)) {
        throw new IllegalArgumentException("column '" + l + "' is used twice");
      }
    }
    if (weightColumn != null) {
      requireNumeric(schema, weightColumn);
      if (!used.add(weightColumn)) {
        throw new IllegalArgumentException("column '" + weightColumn + "' is used twice");
      }
    }
    List<String> features = new ArrayList<>();
    if (featureColumns != null) {
      for (String f : featureColumns) {
        requireNumeric(schema, f);
        if (used.contains(f)) {
          throw new IllegalArgumentException("column '" + f + "' cannot be both a feature and a label or weight");
        }
        features.add(f);
      }
    } else {
      for (StructField f : schema.fields()) {
        if (!used.contains(f.name())) {
          if (f.dataType() instanceof NumericType) {
            features.add(f.name());
          } else {
            LOG.info("{}: column '{}' ({}) is not numeric and is not used as a feature", path, f.name(), f.dataType().simpleString());
          }
        }
      }
    }
    if (features.isEmpty()) {
      throw new IllegalArgumentException("no numeric feature columns left in " + path);
    }
    List<Column> cols = new ArrayList<>();
    cols.add(col("_metadata.file_path").as("__file"));
    cols.add(col("_metadata.row_index").as("__row"));
    List<String> all = new ArrayList<>(features);
    all.addAll(labelColumns);
    if (weightColumn != null) {
      all.add(weightColumn);
    }
    for (String c : all) {
      cols.add(col("`" + c + "`").cast(DataTypes.DoubleType).as(c));
    }
    Dataset<Row> ordered = df.select(cols.toArray(new Column[0])).orderBy("__file", "__row");
    int d = features.size();
    int k = labelColumns.size();
    String[] allNames = all.toArray(new String[0]);
    boolean weighted = weightColumn != null;
    JavaRDD<ParsedRow> parsed = ordered.javaRDD().map(r -> parquetRow(r, allNames, d, k, weighted));
    JavaPairRDD<Long, ParsedRow> rows = numbered(parsed).persist(StorageLevel.MEMORY_AND_DISK());
    long count = rows.count();
    return new Rows(rows, count, features.toArray(new String[0]), labelColumns.toArray(new String[0]),
        List.of(rows.rdd().toJavaRDD()));
  }

  private void requireNumeric(StructType schema, String name) {
    if (!Arrays.asList(schema.fieldNames()).contains(name)) {
      throw new DataError(path, 0, "no column '" + name + "' (columns: " + String.join(", ", schema.fieldNames()) + ")");
    }
    StructField f = schema.apply(name);
    if (!(f.dataType() instanceof NumericType)) {
      throw new DataError(path, 0, "column '" + name + "' is " + f.dataType().simpleString() + ", not numeric");
    }
  }

  private static ParsedRow parquetRow(Row r, String[] names, int d, int k, boolean weighted) {
    String file = r.getString(0);
    long row = r.getLong(1) + 1;
    double[] v = new double[names.length];
    for (int i = 0; i < names.length; i++) {
      if (r.isNullAt(i + 2)) {
        throw DataError.row(file, row, "null value in column " + names[i]);
      }
      v[i] = r.getDouble(i + 2);
      if (!Double.isFinite(v[i])) {
        throw DataError.row(file, row, (Double.isNaN(v[i]) ? "NaN" : "infinite") + " value in column " + names[i]);
      }
    }
    double w = weighted ? v[d + k] : 1.0;
    if (weighted && w < 0) {
      throw DataError.row(file, row, "negative weight " + w + " in column " + names[d + k]);
    }
    return new ParsedRow(Arrays.copyOfRange(v, 0, d), Arrays.copyOfRange(v, d, d + k), w);
  }

  // ---------------------------------------------------------------------------------------------
  // Partitioning, split, standardization, blocks

  private TabularData finish(SparkSession spark, JavaSparkContext sc, Rows rows) {
    if (rows.count == 0) {
      throw new DataError(path, 0, "no data rows");
    }
    int d = rows.featureNames.length;
    int k = rows.labelNames.length;
    int p = partitions > 0 ? partitions : AutoPartitions.forRows(rows.count);
    p = (int) Math.max(1, Math.min(p, rows.count));
    ContiguousPartitioner partitioner = new ContiguousPartitioner(p, rows.count);
    JavaRDD<ParsedRow> ordered = rows.rows.repartitionAndSortWithinPartitions(partitioner).values();
    JavaRDD<ParsedRow> training;
    JavaRDD<ParsedRow> validation;
    if (validationFraction > 0) {
      JavaRDD<ParsedRow>[] split = ordered.randomSplit(new double[] {1 - validationFraction, validationFraction}, seed);
      training = split[0];
      validation = split[1];
    } else {
      training = ordered;
      validation = sc.<ParsedRow>emptyRDD();
    }
    Standardization st = RowPacking.standardization(spark, training, rows.featureNames, rows.labelNames,
        standardizeFeatures, standardizeLabels, path);
    JavaRDD<RowBlock> trainingBlocks = RowPacking.blocks(training, st, blockRows)
        .persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<RowBlock> validationBlocks = RowPacking.blocks(validation, st, blockRows)
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
    return new TabularData(trainingBlocks, validationBlocks, trainingRows, validationRows, d, k, st);
  }

  // ---------------------------------------------------------------------------------------------
  // Files and text

  /** A data file: how the user sees it (for messages) and the qualified URI (for reading). */
  record InputFile(String display, String uri) implements Serializable {}

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

  /** One line of input: file index, 1-based line number, text. */
  record Line(int file, long line, String text) implements Serializable {}

  /** The lines of a set of text files and their column layout (from the header or first row). */
  static final class TextTable {
    JavaRDD<Line> lines;
    String[] displayNames;
    String[] columnNames;
    /** The first file's header line (null without header). */
    String headerText;

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

    static TextTable open(JavaSparkContext sc, List<InputFile> files, boolean header, Separator sep) {
      TextTable t = new TextTable();
      t.displayNames = files.stream().map(InputFile::display).toArray(String[]::new);
      t.lines = lines(sc, files);
      String display = t.displayNames[0];
      if (header) {
        List<Line> first = t.lines.filter(l -> l.file == 0 && l.line == 1).take(1);
        if (first.isEmpty()) {
          throw new DataError(display, 0, "is empty (a header line was expected)");
        }
        t.headerText = first.get(0).text;
        List<String> fields = sep.split(t.headerText);
        Set<String> seen = new HashSet<>();
        for (String f : fields) {
          if (f.isEmpty()) {
            throw new DataError(display, 1, "empty column name in the header");
          }
          if (!seen.add(f)) {
            throw new DataError(display, 1, "column '" + f + "' appears twice in the header");
          }
        }
        t.columnNames = fields.toArray(new String[0]);
      } else {
        List<Line> first = t.lines.filter(l -> !l.text.isBlank()).take(1);
        if (first.isEmpty()) {
          throw new DataError(display, 0, "no data rows");
        }
        int n = sep.split(first.get(0).text).size();
        t.columnNames = new String[n];
        for (int i = 0; i < n; i++) {
          t.columnNames[i] = "_c" + i;
        }
      }
      return t;
    }

    int index(String column, String where) {
      for (int i = 0; i < columnNames.length; i++) {
        if (columnNames[i].equals(column)) {
          return i;
        }
      }
      throw new DataError(where, 0, "no column '" + column + "' (columns: " + String.join(", ", columnNames) + ")");
    }
  }

  /** Field separator of delimited text. */
  static final class Separator implements Serializable {
    private static final long serialVersionUID = 1L;
    final char ch;
    final boolean whitespace;

    private Separator(char ch, boolean whitespace) {
      this.ch = ch;
      this.whitespace = whitespace;
    }

    static Separator of(String s) {
      if (s == null || s.isEmpty()) {
        throw new IllegalArgumentException("the separator must not be empty");
      }
      switch (s.toLowerCase(Locale.ROOT)) {
        case "tab", "\\t":
          return new Separator('\t', false);
        case "space":
          return new Separator(' ', false);
        case "whitespace", "\\s+":
          return new Separator(' ', true);
        case "comma":
          return new Separator(',', false);
        case "semicolon":
          return new Separator(';', false);
        default:
          if (s.length() != 1 || s.charAt(0) == '"') {
            throw new IllegalArgumentException("the separator must be one character (not a quote), tab, space or whitespace; got '" + s + "'");
          }
          return new Separator(s.charAt(0), false);
      }
    }

    /** Fields of a line, unquoted, blanks around unquoted fields removed. */
    List<String> split(String line) {
      return splitFields(line, ch, whitespace);
    }
  }

  /** Parses the data lines of delimited text; null for headers and blank lines. */
  static final class LineParser implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String[] files;
    private final boolean header;
    private final String headerText;
    private final Separator sep;
    private final String[] names;
    private final int[] featureIdx;
    private final int[] labelIdx;
    private final int weightIdx;

    LineParser(String[] files, boolean header, String headerText, Separator sep, String[] names,
        int[] featureIdx, int[] labelIdx, int weightIdx) {
      this.files = files;
      this.header = header;
      this.headerText = headerText;
      this.sep = sep;
      this.names = names;
      this.featureIdx = featureIdx;
      this.labelIdx = labelIdx;
      this.weightIdx = weightIdx;
    }

    ParsedRow parse(Line l) {
      String file = files[l.file];
      if (header && l.line == 1) {
        if (!sep.split(l.text).equals(sep.split(headerText))) {
          throw new DataError(file, 1, "header differs from that of " + files[0]);
        }
        return null;
      }
      if (l.text.isBlank()) {
        return null;
      }
      List<String> fields = sep.split(l.text);
      if (fields.size() != names.length) {
        throw new DataError(file, l.line, "expected " + names.length + " columns, found " + fields.size());
      }
      double[] x = new double[featureIdx.length];
      double[] y = new double[labelIdx.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = number(fields, featureIdx[i], file, l.line);
      }
      for (int i = 0; i < y.length; i++) {
        y[i] = number(fields, labelIdx[i], file, l.line);
      }
      double w = 1;
      if (weightIdx >= 0) {
        w = number(fields, weightIdx, file, l.line);
        if (w < 0) {
          throw new DataError(file, l.line, "negative weight " + fields.get(weightIdx) + " in column " + names[weightIdx]);
        }
      }
      return new ParsedRow(x, y, w);
    }

    private double number(List<String> fields, int i, String file, long line) {
      return TabularSource.number(fields.get(i), names[i], file, line);
    }
  }

  /** A finite number from one field, or a {@link DataError} naming the file, line and column. */
  public static double number(String text, String column, String file, long line) {
    String t = text.strip();
    if (t.isEmpty()) {
      throw new DataError(file, line, "empty value in column " + column);
    }
    double v;
    try {
      v = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new DataError(file, line, "non-numeric value '" + t + "' in column " + column);
    }
    if (Double.isNaN(v)) {
      throw new DataError(file, line, "NaN value in column " + column);
    }
    if (Double.isInfinite(v)) {
      throw new DataError(file, line, "infinite value '" + t + "' in column " + column);
    }
    return v;
  }

  /** Parses LibSVM lines: {@code label[,label…] index:value …}, indices 1-based ascending. */
  static final class LibSvmParser implements Serializable {
    private static final long serialVersionUID = 1L;
    private final String[] files;
    private final int labels;
    private final int features;

    LibSvmParser(String[] files, int labels, int features) {
      this.files = files;
      this.labels = labels;
      this.features = features;
    }

    static boolean isData(String line) {
      String t = line.strip();
      return !t.isEmpty() && !t.startsWith("#");
    }

    static int labelCount(String line) {
      return line.strip().split("\\s+")[0].split(",", -1).length;
    }

    /** Validates the line and returns its largest feature index (0 for non-data lines). */
    int largestIndex(Line l) {
      ParsedSparse s = sparse(l);
      return s == null || s.index.length == 0 ? 0 : s.index[s.index.length - 1];
    }

    ParsedRow parse(Line l) {
      ParsedSparse s = sparse(l);
      if (s == null) {
        return null;
      }
      double[] x = new double[features];
      for (int i = 0; i < s.index.length; i++) {
        x[s.index[i] - 1] = s.value[i];
      }
      return new ParsedRow(x, s.labels, 1.0);
    }

    private record ParsedSparse(double[] labels, int[] index, double[] value) {}

    private ParsedSparse sparse(Line l) {
      if (!isData(l.text)) {
        return null;
      }
      String file = files[l.file];
      String[] tokens = l.text.strip().split("\\s+");
      String[] ls = tokens[0].split(",", -1);
      if (ls.length != labels) {
        throw new DataError(file, l.line, "expected " + labels + " label(s), found " + ls.length);
      }
      double[] y = new double[labels];
      for (int j = 0; j < labels; j++) {
        y[j] = number(ls[j], labels == 1 ? "label" : "label_" + (j + 1), file, l.line);
      }
      int[] index = new int[tokens.length - 1];
      double[] value = new double[tokens.length - 1];
      int previous = 0;
      for (int i = 1; i < tokens.length; i++) {
        String tok = tokens[i];
        int colon = tok.indexOf(':');
        if (colon <= 0) {
          throw new DataError(file, l.line, "malformed entry '" + tok + "' (expected index:value)");
        }
        int idx;
        try {
          idx = Integer.parseInt(tok.substring(0, colon));
        } catch (NumberFormatException e) {
          throw new DataError(file, l.line, "non-numeric index '" + tok.substring(0, colon) + "'");
        }
        if (idx <= previous) {
          throw new DataError(file, l.line, "indices must be 1-based and ascending, found " + idx + " after " + previous);
        }
        if (idx > features) {
          throw new DataError(file, l.line, "feature index " + idx + " exceeds num-features = " + features);
        }
        previous = idx;
        index[i - 1] = idx;
        value[i - 1] = number(tok.substring(colon + 1), "f" + idx, file, l.line);
      }
      return new ParsedSparse(y, index, value);
    }
  }

  /** Keys 0 … n−1 (row positions) to P contiguous ranges: key i goes to ⌊i·P/n⌋. */
  static final class ContiguousPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;
    private final long rows;

    ContiguousPartitioner(int partitions, long rows) {
      this.partitions = partitions;
      this.rows = Math.max(1, rows);
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      long i = (Long) key;
      long j;
      try {
        j = Math.multiplyExact(i, (long) partitions) / rows;
      } catch (ArithmeticException e) {
        j = (long) ((double) i / rows * partitions);
      }
      return (int) Math.max(0, Math.min(partitions - 1, j));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ContiguousPartitioner c && c.partitions == partitions && c.rows == rows;
    }

    @Override
    public int hashCode() {
      return Objects.hash(partitions, rows);
    }
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
    return m;
  }

  /**
   * Fields of one delimited line: double-quoted fields may contain the separator and "" for a
   * quote; blanks around unquoted fields are removed. With {@code whitespace}, runs of blanks
   * separate the fields.
   */
  public static List<String> splitFields(String line, char ch, boolean whitespace) {
    List<String> out = new ArrayList<>();
    if (whitespace) {
      String t = line.strip();
      if (!t.isEmpty()) {
        out.addAll(Arrays.asList(t.split("\\s+")));
      }
      return out;
    }
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
            cur.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          cur.append(c);
        }
      } else if (c == ch) {
        out.add(wasQuoted ? cur.toString() : cur.toString().strip());
        cur.setLength(0);
        wasQuoted = false;
      } else if (c == '"' && cur.toString().isBlank()) {
        quoted = true;
        wasQuoted = true;
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(wasQuoted ? cur.toString() : cur.toString().strip());
    return out;
  }
}
