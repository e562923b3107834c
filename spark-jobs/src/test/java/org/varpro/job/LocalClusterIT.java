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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
 * the executors). Then the same run on the cluster once more, with its executor killed
 * (SIGKILL) in the middle: the Worker starts a new one, Spark reruns the lost tasks and
 * regenerates the lost cached partitions from the seed, and the model is still the same bit for
 * bit. The cluster is stopped in a finally block.
 *
 * <p>Needs the packaged jars ({@code mvn verify} runs it after {@code package}): the shaded jar
 * and target/classpath.txt. Every child process has a time limit; every address is 127.0.0.1.
 */
class LocalClusterIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final long SUBMIT_TIMEOUT_SECONDS = 300;
  /** Iteration cap of the cluster runs: long enough to kill an executor in the middle. */
  static final int ITERATIONS = 15;
  /** The executor is killed once the driver has printed this iteration's progress line. */
  static final int KILL_AFTER = 3;
  static final Pattern PROGRESS = Pattern.compile("(?m)^varpro: iter +(\\d+) ");

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

  /** A child process and the files its output goes to. */
  record Child(Process process, Path out, Path err) {}

  /** Starts a child process from the repository root, its output to files in {@code logs}. */
  static Child start(List<String> command, Map<String, String> env, Path logs) throws IOException {
    Files.createDirectories(logs);
    Path out = Files.createTempFile(logs, "out-", ".txt");
    Path err = Files.createTempFile(logs, "err-", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
    pb.environment().putAll(env);
    Process p = pb.start();
    p.getOutputStream().close();
    return new Child(p, out, err);
  }

  /** Runs a child process from the repository root with a time limit. */
  static Exit run(List<String> command, Map<String, String> env, Path logs, long timeoutSeconds)
      throws IOException, InterruptedException {
    Child child = start(command, env, logs);
    Process p = child.process();
    Path out = child.out();
    Path err = child.err();
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
    String[] train = {"conf/heat.conf", "--set", "solver.max-iterations=" + ITERATIONS, "--set", "solver.time-budget=600",
        "--set", "solver.relative-tolerance=0", "--set", "job.partitions=4"};
    try {
      Exit start = run(List.of("bash", "submit/local-cluster.sh", "start"), clusterEnv, logs, 180);
      assertEquals(0, start.code(), "local-cluster.sh start:\n" + start.out() + start.err());
      Exit status = run(List.of("bash", "submit/local-cluster.sh", "status"), clusterEnv, logs, 30);
      assertEquals(0, status.code(), status.out());

      Path clusterRun = tmp.resolve("runs/cluster");
      long t0 = System.nanoTime();
      Exit c = run(sparkSubmit(master, concat(train, "--output", clusterRun.toString())), submitEnv(), logs,
          SUBMIT_TIMEOUT_SECONDS);
      assertEquals(0, c.code(), "cluster run failed:\n" + tail(c.err()));
      long t1 = System.nanoTime();
      Path localRun = tmp.resolve("runs/local");
      Exit l = run(sparkSubmit("local[2]", concat(train, "--output", localRun.toString())), submitEnv(), logs,
          SUBMIT_TIMEOUT_SECONDS);
      assertEquals(0, l.code(), "local run failed:\n" + tail(l.err()));
      long t2 = System.nanoTime();

      JsonNode cs = JSON.readTree(clusterRun.resolve("summary.json").toFile());
      JsonNode ls = JSON.readTree(localRun.resolve("summary.json").toFile());
      assertEquals(master, cs.get("spark_master").asText());
      assertEquals("local[2]", ls.get("spark_master").asText());
      assertEquals(ITERATIONS, cs.get("iterations").asInt());

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
      assertSameModel(localRun, clusterRun, "cluster and local mode");

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

      // The same run on the cluster, its executor killed in the middle.
      Path faultedRun = tmp.resolve("runs/faulted");
      long t3 = System.nanoTime();
      Fault fault = runWithExecutorKilled(sparkSubmit(master, concat(train, "--output", faultedRun.toString())),
          clusterDir.resolve("work"), logs);
      long t4 = System.nanoTime();
      assertEquals(0, fault.exit().code(), "faulted cluster run failed:\n" + tail(fault.exit().err()));
      assertTrue(fault.killedAfter() < ITERATIONS, "the executor was killed after iteration " + fault.killedAfter());
      // The Worker started a second executor for the application, and it ran tasks.
      Path replacement = clusterDir.resolve("work").resolve(fault.appId()).resolve("1").resolve("stderr");
      assertTrue(Files.isRegularFile(replacement), "no second executor in " + replacement.getParent().getParent());
      assertTrue(Files.readString(replacement).contains("Finished task"), "the new executor ran no task");
      assertSameModel(localRun, faultedRun, "the run with a killed executor and the local run");
      System.out.println("LocalClusterIT: executor " + fault.pid() + " of " + fault.appId() + " killed after iteration "
          + fault.killedAfter() + " of " + ITERATIONS + "; the run completed with a bit-identical model");
      JsonNode fs = JSON.readTree(faultedRun.resolve("summary.json").toFile());
      System.out.printf(java.util.Locale.ROOT, "LocalClusterIT: wall seconds (solver seconds): cluster %.1f (%.1f), "
          + "local %.1f (%.1f), cluster with the executor killed %.1f (%.1f)%n", (t1 - t0) * 1e-9,
          cs.get("solver_seconds").asDouble(), (t2 - t1) * 1e-9, ls.get("solver_seconds").asDouble(),
          (t4 - t3) * 1e-9, fs.get("solver_seconds").asDouble());
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

  /** model.json (θ and C) and summary.json's loss and error of two runs are the same bit for bit. */
  static void assertSameModel(Path expectedRun, Path actualRun, String what) throws IOException {
    JsonNode em = JSON.readTree(expectedRun.resolve("model.json").toFile());
    JsonNode am = JSON.readTree(actualRun.resolve("model.json").toFile());
    double[] et = doubles(em.get("theta"));
    double[] at = doubles(am.get("theta"));
    double[] ec = doubles(em.get("c").get("values"));
    double[] ac = doubles(am.get("c").get("values"));
    assertTrue(Arrays.equals(et, at), "θ differs between " + what + ", max |Δ| = " + maxAbsDiff(et, at));
    assertTrue(Arrays.equals(ec, ac), "C differs between " + what + ", max |Δ| = " + maxAbsDiff(ec, ac));
    JsonNode es = JSON.readTree(expectedRun.resolve("summary.json").toFile());
    JsonNode as = JSON.readTree(actualRun.resolve("summary.json").toFile());
    assertEquals(es.get("loss").asDouble(), as.get("loss").asDouble(), what);
    assertEquals(es.get("relative_l2_error").asDouble(), as.get("relative_l2_error").asDouble(), what);
  }

  /** The faulted run: its exit, its application, the executor killed and the last iteration before. */
  record Fault(Exit exit, String appId, long pid, int killedAfter) {}

  /**
   * Starts a cluster submission, waits for its progress line of iteration {@link #KILL_AFTER},
   * then kills (SIGKILL) the application's executor JVM, found among the processes by its
   * command line ({@code CoarseGrainedExecutorBackend … --app-id APP}, APP the folder the Worker
   * made for the new application in {@code workDir}), and waits for the submission to finish.
   */
  static Fault runWithExecutorKilled(List<String> command, Path workDir, Path logs) throws Exception {
    Set<String> appsBefore = listNames(workDir);
    Child child = start(command, submitEnv(), logs);
    Process p = child.process();
    Path out = child.out();
    Path err = child.err();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SUBMIT_TIMEOUT_SECONDS);
      int iteration = 0;
      while (iteration < KILL_AFTER) {
        if (!p.isAlive() || System.nanoTime() > deadline) {
          fail("the run ended or stalled before iteration " + KILL_AFTER + ":\n" + tail(Files.readString(err)));
        }
        Thread.sleep(20);
        Matcher m = PROGRESS.matcher(Files.readString(err));
        while (m.find()) {
          iteration = Math.max(iteration, Integer.parseInt(m.group(1)));
        }
      }
      Set<String> apps = listNames(workDir);
      apps.removeAll(appsBefore);
      assertEquals(1, apps.size(), "new applications in " + workDir + ": " + apps);
      String appId = apps.iterator().next();
      List<ProcessHandle> executors = ProcessHandle.allProcesses().filter(h -> {
        List<String> args = commandLine(h.pid());
        return args.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend") && args.contains(appId);
      }).toList();
      assertEquals(1, executors.size(), "executor JVMs of " + appId + ": " + executors);
      ProcessHandle executor = executors.get(0);
      assertTrue(executor.destroyForcibly(), "SIGKILL of executor " + executor.pid());
      executor.onExit().get(30, TimeUnit.SECONDS);
      int killedAfter = iteration;
      Matcher m = PROGRESS.matcher(Files.readString(err));
      while (m.find()) {
        killedAfter = Math.max(killedAfter, Integer.parseInt(m.group(1)));
      }
      long left = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadline - System.nanoTime()));
      if (!p.waitFor(left, TimeUnit.SECONDS)) {
        fail("the faulted run timed out:\n" + tail(Files.readString(err)));
      }
      return new Fault(new Exit(p.exitValue(), Files.readString(out), Files.readString(err)), appId, executor.pid(),
          killedAfter);
    } finally {
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /** A process's arguments from /proc (whole, however long the class path), empty when gone. */
  static List<String> commandLine(long pid) {
    try {
      String raw = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
          java.nio.charset.StandardCharsets.UTF_8);
      return Arrays.asList(raw.split("\0"));
    } catch (IOException e) {
      return List.of();
    }
  }

  static Set<String> listNames(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return new HashSet<>();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(x -> x.getFileName().toString()).collect(Collectors.toCollection(HashSet::new));
    }
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
