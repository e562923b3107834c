package org.varpro.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.varpro.config.ConfigError;
import org.varpro.config.StrictConfig;
import org.varpro.job.JobConfig;
import org.varpro.job.TrainJob;

/**
 * A sweep configuration: a run configuration (the base, as {@code train} reads it) plus a
 * {@code sweep} section saying which keys to vary.
 *
 * <pre>
 * sweep {
 *   name = heat-sweep                 # default: the file's base name
 *   output = runs/heat-sweep          # default: runs/NAME (a rerun into it resumes)
 *   grid = [                          # every combination; the first axis varies slowest
 *     { key = model.hidden, values = [[16], [32]] }
 *     { key = model.seed, values = [1, 2, 3, 4] }  # seeds are an axis like any other
 *   ]
 *   random {                          # samples drawn once, crossed with the grid
 *     samples = 8
 *     seed = 1
 *     axes = [
 *       { key = solver.tau, log-uniform = [1e-4, 1e-1] }
 *       { key = model.box-slope, uniform = [1, 4] }
 *       { key = points.interior, uniform = [400, 1600], integer = true }
 *       { key = model.init, choice = [box, xavier] }
 *     ]
 *   }
 *   cases = [ { pde.source = "1/(x-x)" } ]  # single configurations appended after the others
 *   task-time-limit = 600             # seconds per configuration (absent: none)
 *   best = 5                          # configurations listed per metric in the summary
 * }
 * </pre>
 *
 * <p>Each configuration is the base with its values layered on exactly as {@code train --set
 * key=value …} layers overrides ({@link JobConfig#withOverrides}), then checked like a run
 * configuration. Any key of the run configuration can be an axis, and
 * {@code sweep.task-time-limit} too; a key outside the schema of the base (a misspelt key, a
 * section the problem does not have) is an error naming the axis. Every configuration is
 * checked before anything runs, so a bad value is an error too, not a failed row.
 *
 * <p>A configuration is identified by a hash of its resolved content (the whole configuration,
 * without the keys that only name or place a run, plus its time limit): a rerun of the sweep
 * recognizes the configurations it finished, and a changed base configuration changes every
 * hash.
 */
public final class SweepConfig {
  public static final String SECTION = JobConfig.SWEEP_SECTION;
  public static final List<String> KEYS = List.of("name", "output", "grid", "random", "cases", "task-time-limit",
      "best");
  static final List<String> GRID_AXIS_KEYS = List.of("key", "values");
  static final List<String> RANDOM_KEYS = List.of("samples", "seed", "axes");
  static final List<String> RANDOM_AXIS_KEYS = List.of("key", "uniform", "log-uniform", "choice", "integer");
  /** The one sweep setting that may vary per configuration. */
  public static final String TIME_LIMIT_KEY = SECTION + ".task-time-limit";
  /** Keys that name or place a run without changing its numbers: never swept, never hashed. */
  static final List<String> PLACEMENT_KEYS = List.of("job.name", "job.output", "job.master", "job.spark-ui",
      "job.log-level");
  static final int MAX_CONFIGURATIONS = 100_000;
  static final int DEFAULT_BEST = 5;

  /** How a random axis draws. */
  enum Distribution {
    UNIFORM("uniform"), LOG_UNIFORM("log-uniform"), CHOICE("choice");

    final String key;

    Distribution(String key) {
      this.key = key;
    }
  }

  /** A grid axis: every value, in order. */
  record GridAxis(String key, List<ConfigValue> values) {}

  /** A random axis; {@code integer} rounds a uniform or log-uniform draw to the nearest integer. */
  record RandomAxis(String key, Distribution distribution, double low, double high, List<ConfigValue> choices,
      boolean integer) {
    ConfigValue draw(SplittableRandom random) {
      if (distribution == Distribution.CHOICE) {
        return choices.get(random.nextInt(choices.size()));
      }
      double u = random.nextDouble();
      double x = distribution == Distribution.UNIFORM ? low + u * (high - low)
          : Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low)));
      return ConfigValueFactory.fromAnyRef(integer ? (Object) Math.round(x) : (Object) x);
    }
  }

  private final Path file;
  private final List<String> overrides;
  private final Config base;
  private final String name;
  private final String output;
  private final List<GridAxis> grid;
  private final int samples;
  private final long seed;
  private final List<RandomAxis> random;
  private final List<Map<String, ConfigValue>> cases;
  private final double timeLimit;
  private final int best;

  private SweepConfig(Path file, List<String> overrides, Config base, String name, String output,
      List<GridAxis> grid, int samples, long seed, List<RandomAxis> random, List<Map<String, ConfigValue>> cases,
      double timeLimit, int best) {
    this.file = file;
    this.overrides = overrides;
    this.base = base;
    this.name = name;
    this.output = output;
    this.grid = grid;
    this.samples = samples;
    this.seed = seed;
    this.random = random;
    this.cases = cases;
    this.timeLimit = timeLimit;
    this.best = best;
  }

  /**
   * Reads a sweep configuration file with {@code --set} overrides (which apply to the base and
   * to the sweep section alike).
   *
   * @param outputOverride the output folder from the command line, or null
   */
  public static SweepConfig load(Path file, List<String> overrides, String outputOverride) {
    Config unresolved = JobConfig.withOverrides(JobConfig.parseFile(file), overrides);
    Config root = JobConfig.resolve(unresolved, file);
    if (!root.hasPath(SECTION)) {
      throw new ConfigError(SECTION, "section is required: a sweep configuration is a run configuration "
          + "plus a sweep section with grid and/or random axes (see conf/heat-sweep.conf)");
    }
    StrictConfig.requireOnly(root, SECTION, KEYS);
    String p = SECTION;
    String name;
    if (root.hasPath(p + ".name")) {
      name = StrictConfig.getString(root, p + ".name").trim();
    } else {
      String fileName = file.getFileName().toString();
      int dot = fileName.lastIndexOf('.');
      name = dot > 0 ? fileName.substring(0, dot) : fileName;
    }
    if (name.isEmpty() || !name.matches("[A-Za-z0-9._+-]+") || name.startsWith(".")) {
      throw new ConfigError(p + ".name", "must be a non-empty file name (letters, digits, . _ + -; not "
          + "starting with a dot), got '" + name + "'" + StrictConfig.where(root, p + ".name"));
    }
    String output = outputOverride;
    if (output == null && root.hasPath(p + ".output")) {
      String o = StrictConfig.getString(root, p + ".output").trim();
      if (o.isEmpty()) {
        throw new ConfigError(p + ".output", "must not be empty" + StrictConfig.where(root, p + ".output"));
      }
      output = o;
    }
    if (output == null) {
      output = "runs/" + name;
    }
    List<GridAxis> grid = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> item : objects(root, p + ".grid")) {
      String where = item.getKey();
      Config axis = checkedObject(item.getValue(), where, GRID_AXIS_KEYS);
      String key = axisKey(axis, where);
      StrictConfig.requireKeys(axis, "", "values");
      List<ConfigValue> values = nonEmptyList(axis, "values", where);
      grid.add(new GridAxis(key, values));
    }
    List<RandomAxis> randomAxes = new ArrayList<>();
    int samples = 0;
    long seed = 1;
    if (root.hasPath(p + ".random")) {
      String r = p + ".random";
      StrictConfig.requireOnly(root, r, RANDOM_KEYS);
      if (root.hasPath(r + ".seed")) {
        seed = StrictConfig.getLong(root, r + ".seed");
      }
      for (Map.Entry<String, ConfigValue> item : objects(root, r + ".axes")) {
        randomAxes.add(randomAxis(checkedObject(item.getValue(), item.getKey(), RANDOM_AXIS_KEYS), item.getKey()));
      }
      if (root.hasPath(r + ".samples")) {
        samples = StrictConfig.getInt(root, r + ".samples");
        if (samples < 1 || samples > MAX_CONFIGURATIONS) {
          throw new ConfigError(r + ".samples", "must be in [1, " + MAX_CONFIGURATIONS + "], got " + samples
              + StrictConfig.where(root, r + ".samples"));
        }
      }
      if (randomAxes.isEmpty() != (samples == 0)) {
        throw new ConfigError(randomAxes.isEmpty() ? r + ".axes" : r + ".samples",
            "random axes and a number of samples go together" + StrictConfig.where(root, r));
      }
    }
    List<Map<String, ConfigValue>> cases = new ArrayList<>();
    for (Map.Entry<String, ConfigValue> item : objects(root, p + ".cases")) {
      String where = item.getKey();
      if (item.getValue().valueType() != ConfigValueType.OBJECT || ((ConfigObject) item.getValue()).isEmpty()) {
        throw new ConfigError(where, "must be a non-empty object of key = value settings"
            + StrictConfig.where(item.getValue()));
      }
      // Leaves in key order: a case sets these keys as --set would.
      Map<String, ConfigValue> settings = new LinkedHashMap<>();
      for (Map.Entry<String, ConfigValue> e : new TreeMap<>(mapOf(((ConfigObject) item.getValue()).toConfig()))
          .entrySet()) {
        checkKey(e.getKey(), where);
        settings.put(e.getKey(), e.getValue());
      }
      cases.add(settings);
    }
    checkDistinct(grid, randomAxes);
    if (grid.isEmpty() && randomAxes.isEmpty() && cases.isEmpty()) {
      throw new ConfigError(p, "needs at least one grid axis, random axis or case" + StrictConfig.where(root, p));
    }
    double limit = Double.POSITIVE_INFINITY;
    if (root.hasPath(TIME_LIMIT_KEY)) {
      limit = timeLimit(root.getValue(TIME_LIMIT_KEY), TIME_LIMIT_KEY);
    }
    int best = DEFAULT_BEST;
    if (root.hasPath(p + ".best")) {
      best = StrictConfig.getInt(root, p + ".best");
      if (best < 1) {
        throw new ConfigError(p + ".best", "must be >= 1" + StrictConfig.where(root, p + ".best"));
      }
    }
    SweepConfig s = new SweepConfig(file, List.copyOf(overrides), unresolved.withoutPath(SECTION), name, output,
        grid, samples, seed, randomAxes, cases, limit, best);
    s.count();
    return s;
  }

  private static Map<String, ConfigValue> mapOf(Config c) {
    Map<String, ConfigValue> m = new LinkedHashMap<>();
    for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
      m.put(e.getKey(), e.getValue());
    }
    return m;
  }

  /** The items of a list of objects at {@code path}, each with its name ("sweep.grid[0]"). */
  private static List<Map.Entry<String, ConfigValue>> objects(Config root, String path) {
    List<Map.Entry<String, ConfigValue>> out = new ArrayList<>();
    if (!root.hasPath(path)) {
      return out;
    }
    ConfigValue v = root.getValue(path);
    if (v.valueType() != ConfigValueType.LIST) {
      throw new ConfigError(path, "must be a list [ {…}, … ]" + StrictConfig.where(v));
    }
    int i = 0;
    for (ConfigValue item : (Iterable<ConfigValue>) root.getList(path)) {
      out.add(Map.entry(path + "[" + i++ + "]", item));
    }
    return out;
  }

  /** The item as a Config, its keys checked against {@code allowed} (errors named "where.key"). */
  private static Config checkedObject(ConfigValue item, String where, List<String> allowed) {
    if (item.valueType() != ConfigValueType.OBJECT) {
      throw new ConfigError(where, "must be an object { key = …, … }" + StrictConfig.where(item));
    }
    Config c = ((ConfigObject) item).toConfig();
    try {
      StrictConfig.requireOnly(c, "", allowed);
    } catch (ConfigError e) {
      throw new ConfigError(where + "." + e.key(), e.getMessage().substring(e.key().length() + 2), e);
    }
    return c;
  }

  private static String axisKey(Config axis, String where) {
    if (!axis.hasPath("key")) {
      throw new ConfigError(where + ".key", "is required: the configuration key to vary, e.g. model.hidden"
          + StrictConfig.where(axis.root()));
    }
    String key;
    try {
      key = axis.getString("key").trim();
    } catch (ConfigException e) {
      throw new ConfigError(where + ".key", "must be a key such as model.hidden" + StrictConfig.where(axis.root()), e);
    }
    checkKey(key, where);
    return key;
  }

  /** A key a sweep may set: a path into the run configuration's sections, or the time limit. */
  private static void checkKey(String key, String where) {
    List<String> parts;
    try {
      parts = ConfigUtil.splitPath(key);
    } catch (ConfigException e) {
      throw new ConfigError(where, "'" + key + "' is not a configuration key", e);
    }
    String section = parts.get(0);
    if (section.equals(SECTION) && !key.equals(TIME_LIMIT_KEY)) {
      throw new ConfigError(where, "'" + key + "': of the sweep settings only " + TIME_LIMIT_KEY + " can vary");
    }
    if (!JobConfig.SECTIONS.contains(section)) {
      throw new ConfigError(where, "unknown configuration key '" + key + "': the sections are "
          + String.join(", ", JobConfig.SECTIONS));
    }
    if (parts.size() == 1 && !section.equals(SECTION)) {
      throw new ConfigError(where, "'" + key + "' is a whole section; vary its keys (e.g. " + key + ".…)");
    }
    for (String placement : PLACEMENT_KEYS) {
      if (key.equals(placement)) {
        throw new ConfigError(where, "'" + key + "' names or places the run; the sweep sets it");
      }
    }
  }

  private static List<ConfigValue> nonEmptyList(Config c, String key, String where) {
    ConfigValue v = c.getValue(key);
    if (v.valueType() != ConfigValueType.LIST || c.getList(key).isEmpty()) {
      throw new ConfigError(where + "." + key, "must be a non-empty list" + StrictConfig.where(v));
    }
    return List.copyOf(c.getList(key));
  }

  private static RandomAxis randomAxis(Config axis, String where) {
    String key = axisKey(axis, where);
    List<Distribution> given = new ArrayList<>();
    for (Distribution d : Distribution.values()) {
      if (axis.hasPath(d.key)) {
        given.add(d);
      }
    }
    if (given.size() != 1) {
      throw new ConfigError(where, "needs exactly one of uniform = [low, high], log-uniform = [low, high] or "
          + "choice = [values]" + StrictConfig.where(axis.root()));
    }
    Distribution d = given.get(0);
    boolean integer = axis.hasPath("integer") && StrictConfig.getBoolean(axis, "integer");
    if (d == Distribution.CHOICE) {
      if (integer) {
        throw new ConfigError(where + ".integer", "applies to uniform and log-uniform axes only");
      }
      return new RandomAxis(key, d, 0, 0, nonEmptyList(axis, d.key, where), false);
    }
    List<Double> range;
    try {
      range = axis.getDoubleList(d.key);
    } catch (ConfigException e) {
      throw new ConfigError(where + "." + d.key, "must be [low, high] (numbers)" + StrictConfig.where(axis.root()), e);
    }
    if (range.size() != 2 || !(range.get(0) <= range.get(1)) || !Double.isFinite(range.get(0))
        || !Double.isFinite(range.get(1)) || d == Distribution.LOG_UNIFORM && !(range.get(0) > 0)) {
      throw new ConfigError(where + "." + d.key, "must be [low, high] with low <= high"
          + (d == Distribution.LOG_UNIFORM ? " and low > 0" : "") + ", got " + range
          + StrictConfig.where(axis.root()));
    }
    return new RandomAxis(key, d, range.get(0), range.get(1), List.of(), integer);
  }

  /** No key twice among the grid and random axes, and no axis inside another's key. */
  private static void checkDistinct(List<GridAxis> grid, List<RandomAxis> random) {
    List<String> keys = new ArrayList<>();
    grid.forEach(a -> keys.add(a.key()));
    random.forEach(a -> keys.add(a.key()));
    for (int i = 0; i < keys.size(); i++) {
      for (int j = 0; j < i; j++) {
        String a = keys.get(j);
        String b = keys.get(i);
        if (a.equals(b) || b.startsWith(a + ".") || a.startsWith(b + ".")) {
          throw new ConfigError(SECTION, "the axes '" + a + "' and '" + b + "' overlap: each key may vary on one axis");
        }
      }
    }
  }

  private static double timeLimit(ConfigValue v, String where) {
    if (v.valueType() == ConfigValueType.NUMBER) {
      double s = ((Number) v.unwrapped()).doubleValue();
      if (s > 0 && !Double.isNaN(s)) {
        return s;
      }
    }
    throw new ConfigError(where, "must be a number of seconds > 0, got " + v.render(ConfigRenderOptions.concise())
        + StrictConfig.where(v));
  }

  /** The number of configurations (an error above {@link #MAX_CONFIGURATIONS}). */
  public int count() {
    long n = random.isEmpty() ? 1 : samples;
    for (GridAxis a : grid) {
      n *= a.values().size();
      if (n > MAX_CONFIGURATIONS) {
        break;
      }
    }
    if (grid.isEmpty() && random.isEmpty()) {
      n = 0;
    }
    n += cases.size();
    if (n > MAX_CONFIGURATIONS) {
      throw new ConfigError(SECTION, "more than " + MAX_CONFIGURATIONS + " configurations");
    }
    return (int) n;
  }

  /** The varied keys, as table columns: grid axes, random axes, then keys only cases set. */
  public List<String> columns() {
    List<String> out = new ArrayList<>();
    grid.forEach(a -> out.add(a.key()));
    random.forEach(a -> out.add(a.key()));
    for (Map<String, ConfigValue> c : cases) {
      for (String k : c.keySet()) {
        if (!out.contains(k)) {
          out.add(k);
        }
      }
    }
    return out;
  }

  /**
   * Every configuration, in index order (grid combinations with the first axis slowest, each
   * crossed with the random samples, then the cases), each built and checked like a run
   * configuration.
   *
   * @throws ConfigError naming the configuration and the key when one is invalid
   */
  public List<Configuration> configurations() {
    List<Map<String, ConfigValue>> drafts = new ArrayList<>();
    if (!grid.isEmpty() || !random.isEmpty()) {
      List<List<ConfigValue>> draws = new ArrayList<>();
      SplittableRandom rng = new SplittableRandom(seed);
      for (int s = 0; s < Math.max(1, samples); s++) {
        List<ConfigValue> draw = new ArrayList<>();
        for (RandomAxis a : random) {
          draw.add(a.draw(rng));
        }
        draws.add(draw);
      }
      int combos = 1;
      for (GridAxis a : grid) {
        combos *= a.values().size();
      }
      for (int g = 0; g < combos; g++) {
        for (List<ConfigValue> draw : draws) {
          Map<String, ConfigValue> d = new LinkedHashMap<>();
          int rest = g;
          ConfigValue[] picked = new ConfigValue[grid.size()];
          for (int a = grid.size() - 1; a >= 0; a--) {
            int size = grid.get(a).values().size();
            picked[a] = grid.get(a).values().get(rest % size);
            rest /= size;
          }
          for (int a = 0; a < grid.size(); a++) {
            d.put(grid.get(a).key(), picked[a]);
          }
          for (int a = 0; a < random.size(); a++) {
            d.put(random.get(a).key(), draw.get(a));
          }
          drafts.add(d);
        }
      }
    }
    drafts.addAll(cases);
    List<String> columns = columns();
    List<Configuration> out = new ArrayList<>(drafts.size());
    for (int i = 0; i < drafts.size(); i++) {
      out.add(build(i, drafts.get(i), columns));
    }
    return out;
  }

  private Configuration build(int index, Map<String, ConfigValue> settings, List<String> columns) {
    List<String> sets = new ArrayList<>();
    double limit = timeLimit;
    for (Map.Entry<String, ConfigValue> e : settings.entrySet()) {
      if (e.getKey().equals(TIME_LIMIT_KEY)) {
        limit = timeLimit(e.getValue(), "configuration #" + index + ": " + TIME_LIMIT_KEY);
      } else {
        sets.add(e.getKey() + "=" + settingText(e.getValue()));
      }
    }
    Config root;
    JobConfig job;
    try {
      root = JobConfig.resolve(JobConfig.withOverrides(base, sets), file);
      job = JobConfig.parse(root, file, output, null);
      TrainJob.check(job);
    } catch (ConfigError e) {
      throw new ConfigError(e.key(), "in sweep configuration #" + index + " (" + String.join(" ", sets) + "): "
          + e.getMessage().substring(e.key().length() + 2), e);
    }
    Config content = job.root();
    for (String k : PLACEMENT_KEYS) {
      content = content.withoutPath(k);
    }
    String json = JobConfig.toJson(content);
    List<Object> values = new ArrayList<>(columns.size());
    for (String c : columns) {
      if (c.equals(TIME_LIMIT_KEY)) {
        values.add(Double.isInfinite(limit) ? null : limit);
      } else {
        values.add(root.hasPath(c) ? Configuration.cell(root.getValue(c)) : null);
      }
    }
    return new Configuration(index, hash(json, limit), values, sets, json, limit);
  }

  /** A value as HOCON text for key=value: plain words unquoted (tanh), anything else as JSON. */
  static String settingText(ConfigValue v) {
    if (v.valueType() == ConfigValueType.STRING) {
      String s = (String) v.unwrapped();
      if (s.matches("[A-Za-z_][A-Za-z0-9_-]*") && !List.of("true", "false", "null").contains(s)) {
        return s;
      }
    }
    return v.render(ConfigRenderOptions.concise());
  }

  /** 16 hex digits of the SHA-256 of the configuration's content and time limit. */
  static String hash(String json, double limit) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] d = md.digest((json + "\n" + TIME_LIMIT_KEY + "=" + limit).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Path file() {
    return file;
  }

  /** The command-line overrides the sweep was loaded with. */
  public List<String> overrides() {
    return overrides;
  }

  public String name() {
    return name;
  }

  /** The sweep folder: a local path or a URI ({@link org.varpro.io.Location}). */
  public String output() {
    return output;
  }

  /** The time limit of configurations that do not set their own (infinite: none). */
  public double timeLimit() {
    return timeLimit;
  }

  public int best() {
    return best;
  }

  /** The base run configuration (resolved, sweep section removed), e.g. for its Spark settings. */
  public JobConfig baseJob(String masterOverride) {
    return JobConfig.parse(JobConfig.resolve(base, file), file, output, masterOverride);
  }

  /** One line per axis, for the log. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (GridAxis a : grid) {
      sb.append("grid ").append(a.key()).append(" = ").append(render(a.values())).append('\n');
    }
    for (RandomAxis a : random) {
      sb.append("random ").append(a.key()).append(" ~ ").append(a.distribution().key)
          .append(a.distribution() == Distribution.CHOICE ? render(a.choices())
              : "[" + a.low() + ", " + a.high() + "]" + (a.integer() ? " (integer)" : ""))
          .append('\n');
    }
    if (!random.isEmpty()) {
      sb.append(samples).append(" random samples (seed ").append(seed).append(")\n");
    }
    if (!cases.isEmpty()) {
      sb.append(cases.size()).append(" single cases\n");
    }
    sb.append(count()).append(" configurations");
    if (!Double.isInfinite(timeLimit)) {
      sb.append(", time limit ").append(timeLimit).append(" s each");
    }
    return sb.toString();
  }

  private static String render(List<ConfigValue> values) {
    List<String> out = new ArrayList<>();
    for (ConfigValue v : values) {
      out.add(v.render(ConfigRenderOptions.concise()));
    }
    return "[" + String.join(", ", out) + "]";
  }
}
