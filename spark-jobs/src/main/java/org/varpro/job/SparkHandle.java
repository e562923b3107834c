package org.varpro.job;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.varpro.core.linalg.Lapack;
import org.varpro.spark.SparkSessions;

/**
 * The Spark session of a job: created here (and stopped by {@link #close()}), or an existing one
 * (a test's shared session, a notebook's) that is left running.
 */
public final class SparkHandle implements AutoCloseable {
  public final SparkSession spark;
  public final JavaSparkContext sc;
  final boolean created;

  private SparkHandle(SparkSession spark, boolean created) {
    this.spark = spark;
    this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.created = created;
  }

  /**
   * The session for a job named {@code appName}.
   *
   * @param master the master to ask for, or null (spark.master when set, else local[*])
   * @param logLevel Spark's log level once up (e.g. WARN)
   */
  public static SparkHandle open(String appName, String master, boolean ui, String logLevel, PrintWriter log) {
    boolean existed = SparkSession.getActiveSession().isDefined() || SparkSession.getDefaultSession().isDefined();
    if (!existed) {
      quietStartup(logLevel);
    }
    SparkSessions.Builder b = SparkSessions.builder(appName).ui(ui);
    if (master != null) {
      b.master(master);
    }
    if (logLevel != null) {
      b.logLevel(logLevel);
    }
    SparkSession spark = b.getOrCreate();
    SparkHandle h = new SparkHandle(spark, !existed);
    if (existed && master != null && !master.equals(spark.sparkContext().master())) {
      log.println("varpro: warning: using the running Spark session (master "
          + spark.sparkContext().master() + "), not " + master);
    }
    log.println("varpro: " + SparkSessions.describe(spark));
    if (!h.master().startsWith("local")) {
      // Executors load (extract) their BLAS now and say which in their logs; the driver says it too.
      log.println("varpro: BLAS on the executors: " + String.join(" | ", h.executorBlas(h.sc.defaultParallelism())));
    }
    log.flush();
    return h;
  }

  /**
   * The BLAS/LAPACK implementations the executors load, with their files (distinct, sorted), from
   * {@code tasks} small tasks. Each executor also writes its one to its own log (stderr), once.
   */
  public List<String> executorBlas(int tasks) {
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < Math.max(1, tasks); i++) {
      ids.add(i);
    }
    sc.setJobDescription("BLAS in use on the executors");
    try {
      return new ArrayList<>(new TreeSet<>(sc.parallelize(ids, ids.size()).map(i -> ExecutorBlasLog.describe())
          .distinct().collect()));
    } finally {
      sc.setJobDescription(null);
    }
  }

  /** Runs on the executors: {@link Lapack#describe()}, logged once per executor JVM. */
  static final class ExecutorBlasLog {
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    private ExecutorBlasLog() {}

    static String describe() {
      String d = Lapack.describe();
      SparkEnv env = SparkEnv.get();
      boolean executorJvm = env != null && !"driver".equals(env.executorId());
      if (executorJvm && LOGGED.compareAndSet(false, true)) {
        System.err.println("varpro: executor " + env.executorId() + ": " + d);
      }
      return d;
    }
  }

  /**
   * Spark logs at INFO while it starts unless told otherwise. Let Spark set up its logging first
   * (its default log4j 2 configuration, to stderr, unless the user gave one), then lower the root
   * level, so the progress lines are readable. Setting the level before Spark's setup would make
   * log4j keep its bare default configuration (which prints to stdout).
   */
  private static void quietStartup(String logLevel) {
    if (logLevel == null) {
      return;
    }
    try {
      // Scala's protected Logging.initializeLogIfNecessary is public in the bytecode.
      org.apache.spark.SparkConf probe = new org.apache.spark.SparkConf(false);
      probe.getClass().getMethod("initializeLogIfNecessary", boolean.class).invoke(probe, false);
    } catch (ReflectiveOperationException | LinkageError e) {
      return;
    }
    try {
      Class<?> level = Class.forName("org.apache.logging.log4j.Level");
      Object l = level.getMethod("toLevel", String.class).invoke(null, logLevel.toUpperCase(Locale.ROOT));
      Class<?> configurator = Class.forName("org.apache.logging.log4j.core.config.Configurator");
      configurator.getMethod("setRootLevel", level).invoke(null, l);
      // "Unable to load native-hadoop library": harmless (Spark does not need it), said on every start.
      configurator.getMethod("setLevel", String.class, level).invoke(null,
          "org.apache.hadoop.util.NativeCodeLoader", level.getMethod("toLevel", String.class).invoke(null, "ERROR"));
    } catch (ReflectiveOperationException | LinkageError e) {
      // another logging backend: Spark's defaults apply until the session is up
    }
  }

  public String master() {
    return spark.sparkContext().master();
  }

  @Override
  public void close() {
    if (created) {
      spark.stop();
    }
  }
}
