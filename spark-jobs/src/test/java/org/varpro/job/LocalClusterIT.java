package org.varpro.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a real Spark standalone cluster: {@code submit/local-cluster.sh start} (a Master and
 * a Worker on 127.0.0.1), then {@code train conf/heat.conf} submitted through Spark's submit
 * entry point ({@code org.apache.spark.deploy.SparkSubmit}) in a child JVM, once to the cluster
 * and once in local mode; the two models must be bit-identical (same partitioning, same merge
 * order, and the same BLAS thread count everywhere: OPENBLAS_NUM_THREADS=1 for the drivers and
 * the executors). The cluster is stopped in a finally block.
 *
 * <p>Needs the packaged jars ({@code mvn verify} runs it after {@code package}): the shaded jar
 * and target/classpath.txt. Every child process has a time limit; every address is 127.0.0.1.
 */
class LocalClusterIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long SUBMIT_TIMEOUT_SECONDS = 300;

  static Path root;
  static Path classpathFile;
  static Path shadedJar;
  static List<String> moduleFlags;

  @TempDir
  Path tmp;

  @BeforeAll
  static void findBuild() throws IOException {
    root = Files.exists(Path.of("..", "submit", "local-cluster.sh")) ? Path.of("..").toAbsolutePath().normalize()
        : Path.of("").toAbsolutePath();
    Path target = root.resolve("spark-jobs/target");
    classpathFile = target.resolve("classpath.txt");
    assertTrue(Files.isRegularFile(classpathFile), classpathFile + " is missing: run mvn package first");
    try (Stream<Path> s = Files.list(target)) {
      shadedJar = s.filter(p -> p.getFileName().toString().matches("spark-jobs-.*-all\\.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("no shaded jar in " + target + ": run mvn package first"));
    }
    moduleFlags = new ArrayList<>();
    for (String line : Files.readAllLines(root.resolve("submit/jvm-module-flags.txt"))) {
      String l = line.replaceAll("#.*", "").strip();
      if (!l.isEmpty()) {
        moduleFlags.add(l);
      }
    }
  }

  record Exit(int code, String out, String err) {}

  /** Runs a child process from the repository root with a time limit. */
  static Exit run(List<String> command, Map<String, String> env, Path logs, long timeoutSeconds)
      throws IOException, InterruptedException {
    Files.createDirectories(logs);
    Path out = Files.createTempFile(logs, "out-", ".txt");
    Path err = Files.createTempFile(logs, "err-", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      fail("timed out after " + timeoutSeconds + " s: " + String.join(" ", command) + "\nstderr:\n"
          + tail(Files.readString(err)));
    }
    return new Exit(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  static String tail(String s) {
    List<String> lines = s.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** java … org.apache.spark.deploy.SparkSubmit --master M … JAR train ARGS. */
  static List<String> sparkSubmit(String master, String... trainArgs) throws IOException {
    return sparkSubmitCommand(master, concat(new String[] {"train"}, trainArgs));
  }

  /** java … org.apache.spark.deploy.SparkSubmit --master M … JAR SUBCOMMAND ARGS. */
  static List<String> sparkSubmitCommand(String master, String... appArgs) throws IOException {
    return sparkSubmitClass(master, "org.varpro.cli.Main", appArgs);
  }

  /** java … org.apache.spark.deploy.SparkSubmit --master M --class MAIN … JAR ARGS. */
  static List<String> sparkSubmitClass(String master, String mainClass, String... appArgs) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBin());
    cmd.addAll(moduleFlags);
    cmd.add("-Xmx1g");
    cmd.add("-cp");
    cmd.add(sparkClasspath());
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.addAll(List.of("--master", master, "--class", mainClass,
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
        "--conf", "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
        "--conf", "spark.executorEnv.OPENBLAS_NUM_THREADS=1",
        "--conf", "spark.executor.memory=1g", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.executor.extraJavaOptions=" + String.join(" ", moduleFlags)));
    cmd.add(shadedJar.toString());
    cmd.addAll(Arrays.asList(appArgs));
    return cmd;
  }

  /**
   * Spark's class path: target/classpath.txt without the project's own modules (core-solver)
   * and the bundled OpenBLAS (org.bytedeco), which the application's shaded jar brings, as with
   * a real Spark installation.
   */
  static String sparkClasspath() throws IOException {
    String prefix = root.toString() + "/";
    return Arrays.stream(Files.readString(classpathFile).strip().split(":"))
        .filter(e -> !e.isEmpty() && !e.startsWith(prefix) && !e.contains("/org/bytedeco/")
            && !Path.of(e).getFileName().toString().startsWith("core-solver-"))
        .collect(java.util.stream.Collectors.joining(":"));
  }

  static Map<String, String> submitEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("OPENBLAS_NUM_THREADS", "1");
    env.put("OMP_NUM_THREADS", "1");
    env.put("VARPRO_BLAS", "bundled"); // the default, whatever the caller's environment says
    return env;
  }

  /** The environment of submit/local-cluster.sh for a cluster in {@code clusterDir} on free ports. */
  static Map<String, String> clusterEnv(Path clusterDir) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("VARPRO_CLUSTER_DIR", clusterDir.toString());
    env.put("VARPRO_MASTER_PORT", Integer.toString(freePort()));
    env.put("VARPRO_MASTER_UI_PORT", Integer.toString(freePort()));
    env.put("VARPRO_WORKER_UI_PORT", Integer.toString(freePort()));
    env.put("VARPRO_WORKER_CORES", "2");
    env.put("VARPRO_WORKER_MEMORY", "1536m");
    return env;
  }

  static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).doubleValue();
    }
    return out;
  }

  static double maxAbsDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  @Test
  @Timeout(value = 900, unit = TimeUnit.SECONDS)
  void clusterRunMatchesLocalModeBitForBit() throws Exception {
    Path clusterDir = tmp.resolve("cluster");
    Map<String, String> clusterEnv = clusterEnv(clusterDir);
    String master = "spark://127.0.0.1:" + clusterEnv.get("VARPRO_MASTER_PORT");
    Path logs = tmp.resolve("logs");
    String[] train = {"conf/heat.conf", "--set", "solver.max-iterations=3", "--set", "solver.time-budget=600",
        "--set", "solver.relative-tolerance=0", "--set", "job.partitions=4"};
    try {
      Exit start = run(List.of("bash", "submit/local-cluster.sh", "start"), clusterEnv, logs, 180);
      assertEquals(0, start.code(), "local-cluster.sh start:\n" + start.out() + start.err());
      Exit status = run(List.of("bash", "submit/local-cluster.sh", "status"), clusterEnv, logs, 30);
      assertEquals(0, status.code(), status.out());

      Path clusterRun = tmp.resolve("runs/cluster");
      Exit c = run(sparkSubmit(master, concat(train, "--output", clusterRun.toString())), submitEnv(), logs,
          SUBMIT_TIMEOUT_SECONDS);
      assertEquals(0, c.code(), "cluster run failed:\n" + tail(c.err()));
      Path localRun = tmp.resolve("runs/local");
      Exit l = run(sparkSubmit("local[2]", concat(train, "--output", localRun.toString())), submitEnv(), logs,
          SUBMIT_TIMEOUT_SECONDS);
      assertEquals(0, l.code(), "local run failed:\n" + tail(l.err()));

      JsonNode cs = JSON.readTree(clusterRun.resolve("summary.json").toFile());
      JsonNode ls = JSON.readTree(localRun.resolve("summary.json").toFile());
      assertEquals(master, cs.get("spark_master").asText());
      assertEquals("local[2]", ls.get("spark_master").asText());
      assertEquals(3, cs.get("iterations").asInt());

      // The executors really ran the tasks: the Worker's application folder has the executor's
      // log with its tasks.
      List<Path> executorLogs;
      try (Stream<Path> s = Files.walk(clusterDir.resolve("work"))) {
        executorLogs = s.filter(p -> p.getFileName().toString().equals("stderr")).toList();
      }
      assertFalse(executorLogs.isEmpty(), "no executor logs under " + clusterDir.resolve("work"));
      long finishedTasks = 0;
      for (Path log : executorLogs) {
        finishedTasks += Files.readString(log).lines().filter(x -> x.contains("Finished task")).count();
      }
      assertTrue(finishedTasks >= 4 * 3, "executor tasks finished: " + finishedTasks + " in " + executorLogs);

      // The executors ran on the OpenBLAS bundled in the shaded jar (Spark's class path here has
      // no OpenBLAS jar), extracted on the executor, and said so in their logs.
      JsonNode executorBlas = cs.get("blas_executors");
      System.out.println("LocalClusterIT: BLAS on the executors: " + executorBlas);
      assertTrue(executorBlas.size() >= 1, "no executor BLAS in summary.json");
      for (JsonNode b : executorBlas) {
        assertTrue(b.asText().startsWith("BLAS=JNIBLAS LAPACK=JNILAPACK from bundled OpenBLAS"),
            "executor BLAS: " + b.asText());
      }
      long blasLines = 0;
      for (Path log : executorLogs) {
        blasLines += Files.readString(log).lines()
            .filter(x -> x.startsWith("varpro: executor ") && x.contains("JNIBLAS LAPACK=JNILAPACK from bundled")).count();
      }
      assertTrue(blasLines >= 1, "no executor log says which BLAS it loaded: " + executorLogs);

      JsonNode cm = JSON.readTree(clusterRun.resolve("model.json").toFile());
      JsonNode lm = JSON.readTree(localRun.resolve("model.json").toFile());
      double[] ct = doubles(cm.get("theta"));
      double[] lt = doubles(lm.get("theta"));
      double[] cc = doubles(cm.get("c").get("values"));
      double[] lc = doubles(lm.get("c").get("values"));
      assertTrue(Arrays.equals(ct, lt), "θ differs between cluster and local mode, max |Δ| = " + maxAbsDiff(ct, lt));
      assertTrue(Arrays.equals(cc, lc), "C differs between cluster and local mode, max |Δ| = " + maxAbsDiff(cc, lc));
      assertEquals(ls.get("loss").asDouble(), cs.get("loss").asDouble());
      assertEquals(ls.get("relative_l2_error").asDouble(), cs.get("relative_l2_error").asDouble());
    } finally {
      Exit stop = run(List.of("bash", "submit/local-cluster.sh", "stop"), clusterEnv, logs, 90);
      assertEquals(0, stop.code(), "local-cluster.sh stop:\n" + stop.out() + stop.err());
    }
    Exit after = run(List.of("bash", "submit/local-cluster.sh", "status"), clusterEnv, logs, 30);
    assertEquals(3, after.code(), "the cluster still runs after stop:\n" + after.out());
    // The scratch Spark home is symlinks into ~/.m2: remove the links (never their targets)
    // before JUnit cleans the temporary folder.
    RunFolder.deleteTree(clusterDir.resolve("spark-home"));
  }

  /**
   * The launcher path end to end: bad data exits with 2 and one line naming file and line, and
   * Spark's own task-failure stack traces are not printed (without --verbose).
   */
  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void badDataInAChildJvmPrintsOneLineAndExitsWithTwo() throws Exception {
    Path data = tmp.resolve("bad.csv");
    Files.writeString(data, "a,b,y\n0.1,0.2,0.3\n0.4,0.5\n");
    Path conf = tmp.resolve("bad.conf");
    Files.writeString(conf, "job { partitions = 2 }\ndata { path = \"" + data + "\", header = true, label = [y] }\n");
    Path output = tmp.resolve("runs/bad");
    Exit e = run(sparkSubmit("local[2]", conf.toString(), "--output", output.toString()), submitEnv(),
        tmp.resolve("logs"), SUBMIT_TIMEOUT_SECONDS);
    assertEquals(2, e.code(), e.err());
    List<String> lines = e.err().lines().toList();
    assertEquals("varpro: " + data + ":3: expected 3 columns, found 2", lines.get(lines.size() - 1), e.err());
    assertTrue(lines.stream().noneMatch(x -> x.startsWith("\tat ")), "stack trace printed:\n" + e.err());
    assertFalse(Files.exists(tmp.resolve("runs")), "run folder or its parent left behind");
  }

  static String[] concat(String[] a, String... b) {
    String[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
