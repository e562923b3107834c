package org.varpro.job;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import org.varpro.config.ConfigError;
import org.varpro.config.StrictConfig;
import org.varpro.spark.AutoPartitions;

/**
 * A run configuration: the HOCON file with the {@code --set} overrides layered on top, checked
 * strictly (unknown sections and keys are errors), and the {@code job} section.
 *
 * <pre>
 * job {
 *   name = heat              # run name (default: the configuration file's base name)
 *   output = runs/heat-1     # run folder (default: runs/NAME-yyyyMMdd-HHmmss)
 *   partitions = auto        # Spark partitions of the rows: auto (from the row count) or a number
 *   block-rows = 512         # rows per block (the unit of the passes)
 *   spark-ui = false         # Spark's web UI
 *   master = "local[*]"      # Spark master when none is given by --master or spark-submit
 *   log-level = WARN         # Spark's log level once the session is up
 *   metrics-every = 10       # the error metric on the progress line every this many iterations
 *   checkpoint-every = 0     # train: checkpoint every k iterations (0: by time only)
 *   checkpoint-interval = 60 # train: checkpoint when this many seconds passed since the last (0: off)
 * }
 * </pre>
 *
 * <p>Exactly one of the sections {@code pde} (with {@code points} and {@code weights}),
 * {@code data} (tabular regression) or {@code generated} (synthetic regression) says what is
 * fitted; {@code model} and {@code solver} apply to all three.
 */
public final class JobConfig {
  /** The sections a run configuration may have. */
  public static final List<String> SECTIONS = List.of("job", "data", "generated", "pde", "points",
      "weights", "classify", "model", "solver", JobConfig.SWEEP_SECTION);
  /**
   * The section of a sweep configuration ({@code varpro sweep}); {@code train} ignores it, so
   * {@code train SWEEP.conf --set …} runs one configuration of the sweep.
   */
  public static final String SWEEP_SECTION = "sweep";
  public static final List<String> JOB_KEYS = List.of("name", "output", "partitions", "block-rows",
      "spark-ui", "master", "log-level", "checkpoint-every", "checkpoint-interval", "metrics-every");

  /** {@code job.partitions = auto} (the default): {@link AutoPartitions#forRows} of the row count. */
  public static final int AUTO_PARTITIONS = 0;
  public static final int DEFAULT_BLOCK_ROWS = 512;
  public static final String DEFAULT_LOG_LEVEL = "WARN";
  /**
   * The error metric of {@code train} (PDE: the test-grid errors; regression: the validation
   * error, one Spark job) every this many iterations. On conf/heat.conf the 10,201-point test grid
   * costs about one pass, so measuring it every iteration would nearly double an iteration.
   */
  public static final int DEFAULT_METRICS_EVERY = 10;
  /**
   * job.checkpoint-every: a checkpoint of the solver state after every k-th iteration of a
   * {@code train} run (0: by time only). Either setting that is due writes one.
   */
  public static final int DEFAULT_CHECKPOINT_EVERY = 0;
  /**
   * job.checkpoint-interval: a checkpoint after the first iteration that completes this many
   * seconds after the last one (0: not by time). A minute keeps the loss on a preemption small
   * and the writes (θ and the history) negligible.
   */
  public static final double DEFAULT_CHECKPOINT_INTERVAL = 60;

  /** What the run fits. */
  public enum Kind {
    PDE("pde"), TABULAR("regression"), GENERATED("regression"), CLASSIFY("classification");

    private final String modelKind;

    Kind(String modelKind) {
      this.modelKind = modelKind;
    }

    /** "pde" or "regression": the kind of model written to model.json. */
    public String modelKind() {
      return modelKind;
    }
  }

  private final Config root;
  private final Kind kind;
  private final String name;
  private final String output;
  private final boolean outputGiven;
  /** A partition count, or {@link #AUTO_PARTITIONS}. */
  private final int partitions;
  private final int blockRows;
  private final boolean sparkUi;
  private final String master;
  private final String logLevel;
  private final int metricsEvery;
  private final boolean masterFromCommandLine;
  private final int checkpointEvery;
  private final double checkpointInterval;

  private JobConfig(Config root, Kind kind, String name, String output, boolean outputGiven,
      int partitions, int blockRows, boolean sparkUi, String master, boolean masterFromCommandLine,
      String logLevel, int checkpointEvery, double checkpointInterval, int metricsEvery) {
    this.masterFromCommandLine = masterFromCommandLine;
    this.checkpointEvery = checkpointEvery;
    this.checkpointInterval = checkpointInterval;
    this.metricsEvery = metricsEvery;
    this.root = root;
    this.kind = kind;
    this.name = name;
    this.output = output;
    this.outputGiven = outputGiven;
    this.partitions = partitions;
    this.blockRows = blockRows;
    this.sparkUi = sparkUi;
    this.master = master;
    this.logLevel = logLevel;
  }

  /**
   * The configuration file with the overrides ({@code key=value} in HOCON syntax, later ones
   * win) layered on top, substitutions resolved. A missing or unreadable file and syntax errors
   * are {@link ConfigError}s naming the file (and line).
   */
  public static Config load(Path file, List<String> overrides) {
    return resolve(withOverrides(parseFile(file), overrides), file);
  }

  /** The file, parsed but not resolved (so that overrides can still feed its substitutions). */
  public static Config parseFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigError(file.toString(), "no such configuration file");
    }
    if (!Files.isReadable(file)) {
      throw new ConfigError(file.toString(), "cannot read the configuration file");
    }
    try {
      return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new ConfigError(place(file.toString(), e), stripOrigin(e), e);
    }
  }

  /**
   * {@code --set} semantics: each override ({@code key=value}, HOCON) layered on top of
   * {@code config}, later ones winning; nothing resolved yet. A sweep builds each of its
   * configurations this way, so a configuration is exactly what {@code train --set …} runs.
   */
  public static Config withOverrides(Config config, List<String> overrides) {
    for (String s : overrides) {
      String text = s.trim();
      if (text.isEmpty() || !(text.contains("=") || text.contains(":") || text.contains("{"))) {
        throw new ConfigError("--set " + s, "expected key=value (HOCON), e.g. --set solver.max-iterations=5");
      }
      try {
        Config over = ConfigFactory.parseString(text,
            ConfigParseOptions.defaults().setOriginDescription("--set " + text));
        config = over.withFallback(config);
      } catch (ConfigException e) {
        throw new ConfigError("--set " + text, stripOrigin(e), e);
      }
    }
    return config;
  }

  /**
   * Resolves the substitutions, then removes every key whose value is {@code null}: in HOCON a
   * later {@code null} overrides an earlier value, and here it means "not given", so
   * {@code --set data.label-path=null} unsets a key of the base configuration and its default
   * applies. An error names {@code file}.
   */
  public static Config resolve(Config config, Path file) {
    Config resolved;
    try {
      resolved = config.resolve();
    } catch (ConfigException e) {
      throw new ConfigError(file.toString(), e.getMessage(), e);
    }
    for (String path : nullPaths(resolved.root(), null)) {
      resolved = resolved.withoutPath(path);
    }
    return resolved;
  }

  /** The paths of the null values of an object tree (not inside lists). */
  private static List<String> nullPaths(ConfigObject object, String prefix) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      String path = prefix == null ? ConfigUtil.joinPath(e.getKey()) : prefix + "." + ConfigUtil.joinPath(e.getKey());
      if (e.getValue().valueType() == ConfigValueType.NULL) {
        out.add(path);
      } else if (e.getValue() instanceof ConfigObject child) {
        out.addAll(nullPaths(child, path));
      }
    }
    return out;
  }

  /** "file:line" when the exception knows the line, else the file. */
  private static String place(String file, ConfigException e) {
    int line = e.origin() == null ? -1 : e.origin().lineNumber();
    return line > 0 ? file + ":" + line : file;
  }

  /** The message without the "origin: line: " prefix Typesafe Config puts in front. */
  private static String stripOrigin(ConfigException e) {
    String m = String.valueOf(e.getMessage());
    if (e.origin() != null) {
      String d = e.origin().description();
      if (d != null && m.startsWith(d + ": ")) {
        m = m.substring(d.length() + 2);
      }
      String f = e.origin().filename();
      if (f != null && m.startsWith(f + ": ")) {
        m = m.substring(f.length() + 2);
      }
      int line = e.origin().lineNumber();
      if (line > 0 && m.startsWith(line + ": ")) {
        m = m.substring(Integer.toString(line).length() + 2);
      }
    }
    return m;
  }

  /**
   * Checks the sections and reads the {@code job} section.
   *
   * @param configFile the configuration file (for the default run name), may be null
   * @param outputOverride the run folder from the command line, or null
   * @param masterOverride the master from the command line, or null
   */
  public static JobConfig parse(Config root, Path configFile, String outputOverride, String masterOverride) {
    String base = configFile == null ? "run" : configFile.getFileName().toString();
    int dot = base.lastIndexOf('.');
    return parseNamed(root, dot > 0 ? base.substring(0, dot) : base, outputOverride, masterOverride);
  }

  /**
   * As {@link #parse}, with the run name given for when job.name is absent (a resumed run's
   * stored configuration has no file to take it from).
   */
  public static JobConfig parseNamed(Config root, String defaultName, String outputOverride, String masterOverride) {
    StrictConfig.requireOnly(root, "", SECTIONS);
    root = root.withoutPath(SWEEP_SECTION);
    boolean pde = root.hasPath("pde");
    boolean data = root.hasPath("data");
    boolean generated = root.hasPath("generated");
    boolean classify = root.hasPath("classify");
    int given = (pde ? 1 : 0) + (data ? 1 : 0) + (generated ? 1 : 0) + (classify ? 1 : 0);
    if (given == 0) {
      throw new ConfigError("pde", "the configuration needs one of the sections pde (a PDE), data "
          + "(tabular regression), generated (synthetic regression) or classify (classification)");
    }
    if (given > 1) {
      String second = classify ? "classify" : pde && data ? "data" : "generated";
      throw new ConfigError(second, "only one of the sections pde, data, generated and classify may be given"
          + StrictConfig.where(root, second));
    }
    Kind kind = pde ? Kind.PDE : data ? Kind.TABULAR : generated ? Kind.GENERATED : Kind.CLASSIFY;
    if (kind != Kind.PDE) {
      for (String s : List.of("points", "weights")) {
        if (root.hasPath(s)) {
          throw new ConfigError(s, "applies only to PDE problems (a pde section)" + StrictConfig.where(root, s));
        }
      }
      String resample = "solver.resample-every";
      if (root.hasPath(resample) && !root.getValue(resample).unwrapped().equals(0)) {
        throw new ConfigError(resample, "applies only to PDE problems, whose points can be redrawn; data rows "
            + "are fixed" + StrictConfig.where(root, resample));
      }
    }
    String p = "job";
    StrictConfig.requireOnly(root, p, JOB_KEYS);
    String name = root.hasPath(p + ".name") ? StrictConfig.getString(root, p + ".name").trim() : defaultName;
    if (name.isEmpty() || !name.matches("[A-Za-z0-9._+-]+") || name.startsWith(".")) {
      throw new ConfigError(p + ".name", "must be a non-empty file name (letters, digits, . _ + -; "
          + "not starting with a dot), got '" + name + "'" + StrictConfig.where(root, p + ".name"));
    }
    String output;
    boolean outputGiven = true;
    if (outputOverride != null) {
      output = outputOverride;
    } else if (root.hasPath(p + ".output")) {
      String o = StrictConfig.getString(root, p + ".output").trim();
      if (o.isEmpty()) {
        throw new ConfigError(p + ".output", "must not be empty" + StrictConfig.where(root, p + ".output"));
      }
      output = o;
    } else {
      outputGiven = false;
      String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
      output = "runs/" + name + "-" + stamp;
    }
    String last = output.replaceAll("/+$", "");
    last = last.substring(last.lastIndexOf('/') + 1);
    if (last.isEmpty() || last.equals("..") || last.equals(".") || last.endsWith(":")) {
      throw new ConfigError(outputOverride != null ? "--output" : p + ".output",
          "must name a folder to create, got '" + output + "'");
    }
    int partitions = parsePartitions(root, p + ".partitions");
    int blockRows = DEFAULT_BLOCK_ROWS;
    if (root.hasPath(p + ".block-rows")) {
      blockRows = StrictConfig.getInt(root, p + ".block-rows");
      if (blockRows < 1 || blockRows > 10_000_000) {
        throw new ConfigError(p + ".block-rows", "must be in [1, 10000000], got " + blockRows
            + StrictConfig.where(root, p + ".block-rows"));
      }
      if (kind == Kind.PDE && root.hasPath("points.block-rows")
          && StrictConfig.getInt(root, "points.block-rows") != blockRows) {
        throw new ConfigError(p + ".block-rows", "conflicts with points.block-rows = "
            + StrictConfig.getInt(root, "points.block-rows") + StrictConfig.where(root, "points.block-rows")
            + "; give one of them");
      }
    } else if (kind == Kind.PDE && root.hasPath("points.block-rows")) {
      blockRows = StrictConfig.getInt(root, "points.block-rows");
    }
    boolean ui = root.hasPath(p + ".spark-ui") && StrictConfig.getBoolean(root, p + ".spark-ui");
    String master = masterOverride;
    if (master == null && root.hasPath(p + ".master")) {
      master = StrictConfig.getString(root, p + ".master").trim();
      if (master.isEmpty()) {
        throw new ConfigError(p + ".master", "must not be empty" + StrictConfig.where(root, p + ".master"));
      }
    }
    String logLevel = DEFAULT_LOG_LEVEL;
    if (root.hasPath(p + ".log-level")) {
      logLevel = StrictConfig.getString(root, p + ".log-level").trim().toUpperCase(Locale.ROOT);
      if (!List.of("ALL", "DEBUG", "ERROR", "FATAL", "INFO", "OFF", "TRACE", "WARN").contains(logLevel)) {
        throw new ConfigError(p + ".log-level", "must be one of ALL, DEBUG, ERROR, FATAL, INFO, OFF, "
            + "TRACE, WARN, got '" + logLevel + "'" + StrictConfig.where(root, p + ".log-level"));
      }
    }
    int checkpointEvery = DEFAULT_CHECKPOINT_EVERY;
    double checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
    for (String key : List.of(p + ".checkpoint-every", p + ".checkpoint-interval")) {
      if (kind == Kind.CLASSIFY && root.hasPath(key)) {
        throw new ConfigError(key, "classification runs (a classify section) are not checkpointed"
            + StrictConfig.where(root, key));
      }
    }
    if (root.hasPath(p + ".checkpoint-every")) {
      checkpointEvery = StrictConfig.getInt(root, p + ".checkpoint-every");
      if (checkpointEvery < 0) {
        throw new ConfigError(p + ".checkpoint-every", "must be >= 0 (iterations; 0: by time only), got "
            + checkpointEvery + StrictConfig.where(root, p + ".checkpoint-every"));
      }
    }
    if (root.hasPath(p + ".checkpoint-interval")) {
      checkpointInterval = StrictConfig.getDouble(root, p + ".checkpoint-interval");
      if (!(checkpointInterval >= 0) || Double.isInfinite(checkpointInterval)) {
        throw new ConfigError(p + ".checkpoint-interval", "must be a finite number of seconds >= 0 (0: not by "
            + "time), got " + checkpointInterval + StrictConfig.where(root, p + ".checkpoint-interval"));
      }
    }
    int metricsEvery = DEFAULT_METRICS_EVERY;
    if (root.hasPath(p + ".metrics-every")) {
      metricsEvery = StrictConfig.getInt(root, p + ".metrics-every");
      if (metricsEvery < 0) {
        throw new ConfigError(p + ".metrics-every", "must be >= 0, got " + metricsEvery
            + StrictConfig.where(root, p + ".metrics-every"));
      }
    }
    // For PDEs the block size lives in the problem (points.block-rows).
    Config resolved = root;
    if (kind == Kind.PDE && !root.hasPath("points.block-rows") && root.hasPath("points")) {
      resolved = root.withValue("points.block-rows", ConfigValueFactory.fromAnyRef(blockRows));
    }
    return new JobConfig(resolved, kind, name, output, outputGiven, partitions, blockRows, ui, master,
        masterOverride != null, logLevel, checkpointEvery, checkpointInterval, metricsEvery);
  }

  /** The whole configuration (resolved, with the effective block size for PDEs). */
  public Config root() {
    return root;
  }

  public Kind kind() {
    return kind;
  }

  public String name() {
    return name;
  }

  /** The run folder: a local path or a URI ({@link org.varpro.io.Location}). */
  public String output() {
    return output;
  }

  /** Whether the run folder was given (--output or job.output) rather than time-stamped. */
  public boolean outputGiven() {
    return outputGiven;
  }

  /**
   * The partitions of {@code rows} rows: the number given, or with {@code auto} (the default)
   * {@link AutoPartitions#forRows}, so the same configuration is partitioned (and computes) the
   * same way locally and on a cluster.
   */
  public int partitions(long rows) {
    return partitions == AUTO_PARTITIONS ? AutoPartitions.forRows(rows) : partitions;
  }

  /** The setting: a partition count, or {@link #AUTO_PARTITIONS} for {@code auto}. */
  public int partitionsSetting() {
    return partitions;
  }

  /** {@code job.partitions}: {@code auto} (the default) or a count in [1, MAX_PARTITIONS]. */
  static int parsePartitions(Config root, String key) {
    if (!root.hasPath(key)) {
      return AUTO_PARTITIONS;
    }
    if (root.getValue(key).valueType() == ConfigValueType.STRING
        && root.getString(key).trim().equals("auto")) {
      return AUTO_PARTITIONS;
    }
    String problem = "must be auto or a number in [1, " + AutoPartitions.MAX_PARTITIONS + "], got ";
    int partitions;
    try {
      if (root.getValue(key).unwrapped() instanceof Double) {
        throw new ConfigException.BadValue(key, "not a whole number");
      }
      partitions = root.getInt(key);
    } catch (ConfigException e) {
      throw new ConfigError(key, problem + "'" + root.getValue(key).unwrapped() + "'" + StrictConfig.where(root, key));
    }
    if (partitions < 1 || partitions > AutoPartitions.MAX_PARTITIONS) {
      throw new ConfigError(key, problem + partitions + StrictConfig.where(root, key));
    }
    return partitions;
  }

  public int blockRows() {
    return blockRows;
  }

  public boolean sparkUi() {
    return sparkUi;
  }

  /** The master from --master or job.master, or null. */
  public String master() {
    return master;
  }

  /**
   * The master to ask for: --master when given; else null when spark.master is already set
   * (spark-submit, -Dspark.master) so that it is kept; else job.master; null means
   * {@link org.varpro.spark.SparkSessions}' rule (local[*]).
   */
  public String sparkMaster() {
    if (masterFromCommandLine) {
      return master;
    }
    if (System.getProperty("spark.master") != null) {
      return null;
    }
    return master;
  }

  public String logLevel() {
    return logLevel;
  }

  /** job.checkpoint-every: iterations between checkpoints (0: by time only). */
  public int checkpointEvery() {
    return checkpointEvery;
  }

  /** job.checkpoint-interval: seconds between checkpoints (0: not by time). */
  public double checkpointInterval() {
    return checkpointInterval;
  }

  /**
   * {@code train} measures the error metric at iteration 1 and every this many iterations
   * (0: never during the run; summary.json always has the final errors).
   */
  public int metricsEvery() {
    return metricsEvery;
  }

  /** The resolved configuration as JSON text. */
  public static String toJson(Config config) {
    return config.root().render(ConfigRenderOptions.concise());
  }
}
