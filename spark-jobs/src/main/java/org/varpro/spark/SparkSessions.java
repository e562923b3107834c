package org.varpro.spark;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.varpro.core.linalg.BlasLoader;
import org.varpro.core.linalg.Lapack;

/**
 * The one place that builds (or gets) the {@link SparkSession} of a varpro job.
 *
 * <p>Rules, in order of precedence:
 * <ul>
 *   <li>master: {@link Builder#master} if given; else {@code spark.master} when already configured
 *       (spark-submit, {@code -Dspark.master=…}); else {@code local[*]};</li>
 *   <li>{@code spark.ui.enabled}: {@link Builder#ui} if given; else whatever is configured
 *       (Spark's default: on);</li>
 *   <li>{@code spark.sql.shuffle.partitions}: {@link Builder#shufflePartitions} if given; else, for a
 *       local master without a configured value, twice the local threads (the varpro jobs shuffle
 *       only small per-partition summaries; Spark's default of 200 tasks is pure overhead
 *       locally);</li>
 *   <li>{@code spark.executorEnv.VARPRO_BLAS}: when not configured, the driver's BLAS choice
 *       ({@link BlasLoader#requestedMode()}), so executors load the same kind of library;</li>
 *   <li>{@code spark.task.maxDirectResultSize}: when not configured, {@value #DIRECT_RESULT_SIZE}
 *       (Spark's default: 1m; see {@link #DIRECT_RESULT_SIZE});</li>
 *   <li>any other setting through {@link Builder#config}.</li>
 * </ul>
 * The session's Spark version, master and the BLAS/LAPACK implementation in use
 * ({@link Lapack#describe()}) are logged once when the session is created.
 */
public final class SparkSessions {
  private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);
  public static final String DEFAULT_MASTER = "local[*]";
  static final String EXECUTOR_BLAS_ENV = "spark.executorEnv." + BlasLoader.MODE_ENV;
  static final String DIRECT_RESULT_KEY = "spark.task.maxDirectResultSize";
  /**
   * Task results up to this size go to the driver in the task's status message. A pass's
   * partial is one N-column summary: 16.7 MB at N = 2042 (packed Gram or TSQR triangle). Above
   * Spark's default of 1 MB every partial is stored in the executor's block manager and fetched
   * back by the driver through the block transfer service, even in local mode (one more copy
   * and a fetch thread's CPU per partial: 0.23 s of CPU in a 100k-row bench scale run). 64 MB
   * holds the summaries up to N ≈ 4,000 and stays below spark.rpc.message.maxSize (128 MB),
   * which Spark also caps it at; wider summaries go through the block manager as before.
   */
  static final String DIRECT_RESULT_SIZE = "64m";

  private SparkSessions() {}

  /** The session with the default settings (see the class comment). */
  public static SparkSession getOrCreate(String appName) {
    return builder(appName).getOrCreate();
  }

  public static Builder builder(String appName) {
    return new Builder(appName);
  }

  /** Settings of the session to build; unset values follow the rules of the class comment. */
  public static final class Builder {
    private final String appName;
    private String master;
    private Boolean ui;
    private Integer shufflePartitions;
    private String logLevel;
    private final Map<String, String> extra = new LinkedHashMap<>();

    private Builder(String appName) {
      if (appName == null || appName.isBlank()) {
        throw new IllegalArgumentException("the Spark application needs a name");
      }
      this.appName = appName;
    }

    /** E.g. {@code local[2]}, {@code spark://host:7077}, {@code yarn}. */
    public Builder master(String master) {
      this.master = master;
      return this;
    }

    public Builder ui(boolean enabled) {
      this.ui = enabled;
      return this;
    }

    public Builder shufflePartitions(int partitions) {
      if (partitions < 1) {
        throw new IllegalArgumentException("spark.sql.shuffle.partitions must be >= 1, got " + partitions);
      }
      this.shufflePartitions = partitions;
      return this;
    }

    /** Log level of the Spark context (e.g. WARN), applied after the session is created. */
    public Builder logLevel(String level) {
      this.logLevel = level;
      return this;
    }

    public Builder config(String key, String value) {
      extra.put(key, value);
      return this;
    }

    /** The settings that will be applied, for logs and tests. */
    public SparkConf conf() {
      SparkConf conf = new SparkConf(); // loads spark.* system properties (spark-submit)
      conf.setAppName(appName);
      for (Map.Entry<String, String> e : extra.entrySet()) {
        conf.set(e.getKey(), e.getValue());
      }
      if (master != null) {
        conf.setMaster(master);
      } else if (!conf.contains("spark.master")) {
        conf.setMaster(DEFAULT_MASTER);
      }
      if (ui != null) {
        conf.set("spark.ui.enabled", Boolean.toString(ui));
      }
      // Executors make the driver's BLAS choice (bundled, system, java) unless told otherwise.
      if (!conf.contains(EXECUTOR_BLAS_ENV)) {
        conf.set(EXECUTOR_BLAS_ENV, BlasLoader.requestedMode().label());
      }
      if (!conf.contains(DIRECT_RESULT_KEY)) {
        conf.set(DIRECT_RESULT_KEY, DIRECT_RESULT_SIZE);
      }
      if (shufflePartitions != null) {
        conf.set("spark.sql.shuffle.partitions", Integer.toString(shufflePartitions));
      } else if (!conf.contains("spark.sql.shuffle.partitions")) {
        int threads = localThreads(conf.get("spark.master"));
        if (threads > 0) {
          conf.set("spark.sql.shuffle.partitions", Integer.toString(2 * threads));
        }
      }
      return conf;
    }

    public SparkSession getOrCreate() {
      SparkConf conf = conf();
      boolean existed = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
      SparkSession session = SparkSession.builder().config(conf).getOrCreate();
      if (logLevel != null) {
        session.sparkContext().setLogLevel(logLevel.toUpperCase(Locale.ROOT));
      }
      if (!existed) {
        LOG.info(describe(session));
      }
      return session;
    }
  }

  /**
   * Threads of a local master: {@code local} → 1, {@code local[4]} → 4, {@code local[*]} and
   * {@code local[*,3]} → the available processors; 0 for a cluster master.
   */
  static int localThreads(String master) {
    if (master == null || !master.startsWith("local")) {
      return 0;
    }
    if (master.equals("local")) {
      return 1;
    }
    int open = master.indexOf('[');
    int close = master.indexOf(']');
    if (open < 0 || close < open) {
      return 1;
    }
    String n = master.substring(open + 1, close).split(",")[0].trim();
    if (n.equals("*")) {
      return Runtime.getRuntime().availableProcessors();
    }
    try {
      return Math.max(1, Integer.parseInt(n));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** One line: Spark version, master, parallelism, BLAS/LAPACK in use. */
  public static String describe(SparkSession session) {
    return String.format(Locale.ROOT, "Spark %s (Scala %s), master %s, default parallelism %d, %s",
        session.version(), scala.util.Properties.versionNumberString(), session.sparkContext().master(),
        session.sparkContext().defaultParallelism(), Lapack.describe());
  }
}
