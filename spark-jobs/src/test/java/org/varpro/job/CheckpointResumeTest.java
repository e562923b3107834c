package org.varpro.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints and {@code train --resume}: a {@code train} in a child JVM (org.varpro.cli.Main on
 * the test classpath) is killed, the run is resumed in this JVM, and its model.json and
 * history.csv equal an uninterrupted run's bit for bit. The history's "seconds" column (the
 * clock) is the only exception. All runs share one configuration (the checkpoint settings are
 * echoed in model.json too): a small heat problem, 30 iterations, a checkpoint every 10.
 */
class CheckpointResumeTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Pattern ITER = Pattern.compile("varpro: iter +(\\d+) ");
  static final int ITERATIONS = 30;
  static final int EVERY = 10;
  static Path heat;
  static Path uninterrupted;

  @TempDir
  static Path shared;

  @TempDir
  Path tmp;

  @BeforeAll
  static void uninterruptedRun() {
    JobTestSpark.session();
    heat = JobTestSpark.repoFile("conf/heat.conf");
    uninterrupted = shared.resolve("uninterrupted");
    TrainJobTest.Run r = TrainJobTest.cli(args("train", heat, "--output", uninterrupted));
    assertEquals(0, r.code(), r.err());
  }

  /** train arguments, then the shared settings. */
  static Object[] args(Object... first) {
    List<Object> a = new ArrayList<>(List.of(first));
    for (String s : List.of("solver.max-iterations=" + ITERATIONS, "solver.time-budget=3600",
        "solver.relative-tolerance=0", "points.interior=200", "points.boundary=60", "points.test-grid=11",
        "model.hidden=[16]", "job.partitions=2", "job.checkpoint-every=" + EVERY, "job.checkpoint-interval=0")) {
      a.add("--set");
      a.add(s);
    }
    return a.toArray();
  }

  /** {@code first} then {@code more} (later --set win). */
  static Object[] then(Object[] first, Object... more) {
    List<Object> a = new ArrayList<>(List.of(first));
    a.addAll(List.of(more));
    return a.toArray();
  }

  @Test
  void killedRunResumesToTheUninterruptedResult() throws Exception {
    Path run = tmp.resolve("killed");
    Path err = tmp.resolve("killed.err");
    Process child = child(err, args("train", heat, "--output", run, "--master", "local[2]"));
    Path checkpoint = await(child, err, () -> stoppedRunFolder(run).map(d -> d.resolve(Checkpoint.FILE))
        .filter(Files::isRegularFile).orElse(null));
    child.destroyForcibly(); // SIGKILL: no hook runs, the periodic checkpoint is all there is
    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    int at = JSON.readTree(checkpoint.toFile()).path("state").path("iteration").asInt();
    assertTrue(at >= EVERY && at % EVERY == 0 && at < ITERATIONS, "periodic checkpoint at iteration " + at);
    assertFalse(Files.exists(run));

    // The run folder it was writing finds the stopped run next to it.
    TrainJobTest.Run r = TrainJobTest.cli("train", "--resume", run);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("after iteration " + at), r.err());
    assertSameRun(run);
    System.out.printf("SIGKILL after the checkpoint of iteration %d (of %d); resumed run equal to the "
        + "uninterrupted one%n", at, ITERATIONS);
  }

  @Test
  void terminatedRunWritesItsLastIterationAndResumes() throws Exception {
    Path run = tmp.resolve("terminated");
    Path err = tmp.resolve("terminated.err");
    Process child = child(err, args("train", heat, "--output", run, "--master", "local[2]"));
    // Past the periodic checkpoint of iteration 10: the one on the signal must be newer.
    await(child, err, () -> lastIteration(err) > EVERY ? true : null);
    child.destroy(); // SIGTERM
    assertTrue(child.waitFor(120, TimeUnit.SECONDS));
    String log = Files.readString(err, StandardCharsets.UTF_8);
    assertNotEquals(0, child.exitValue(), log);
    Matcher m = Pattern.compile("continue the run with: submit/varpro train --resume (\\S+)").matcher(log);
    assertTrue(m.find(), log);
    Path dir = Path.of(m.group(1));
    int at = JSON.readTree(dir.resolve(Checkpoint.FILE).toFile()).path("state").path("iteration").asInt();
    // The checkpoint holds the last iteration the run completed (and printed), written on the
    // signal: not a multiple of 10 unless the signal took ten iterations to arrive.
    assertEquals(lastIteration(err), at, log);
    assertTrue(at > EVERY && at % EVERY != 0 && at < ITERATIONS, "checkpoint at iteration " + at);
    assertTrue(log.contains("stopped after iteration " + at), log);
    assertFalse(Files.exists(run));

    TrainJobTest.Run r = TrainJobTest.cli("train", "--resume", dir);
    assertEquals(0, r.code(), r.err());
    assertSameRun(run);
    assertFalse(Files.exists(dir), "the temporary folder was moved into place");
    System.out.printf("SIGTERM at iteration %d (exit code %d): checkpoint written on the signal; resumed run "
        + "equal to the uninterrupted one%n", at, child.exitValue());
  }

  @Test
  void resumeRejectsChangesAndFinishedRuns() {
    TrainJobTest.Run finished = TrainJobTest.cli("train", "--resume", uninterrupted);
    assertEquals(2, finished.code(), finished.err());
    assertTrue(finished.err().contains("is a finished run") && finished.err().contains("model.init-from"),
        finished.err());
    TrainJobTest.Run nothing = TrainJobTest.cli("train", "--resume", tmp.resolve("none"));
    assertEquals(2, nothing.code(), nothing.err());
    assertTrue(nothing.err().contains("no checkpoint in"), nothing.err());
    TrainJobTest.Run both = TrainJobTest.cli("train", heat, "--resume", uninterrupted);
    assertEquals(2, both.code(), both.err());
  }

  @Test
  void initFromContinuesAFinishedRunAndChecksTheNetwork() throws IOException {
    JsonNode model = JSON.readTree(uninterrupted.resolve("model.json").toFile());
    double finalLoss = JSON.readTree(uninterrupted.resolve("summary.json").toFile()).path("loss").doubleValue();
    // λ continuation goes on from where the run left λ.
    String lambda = Double.toString(model.path("lambda").doubleValue());
    Path more = tmp.resolve("more");
    Path init = uninterrupted.resolve("model.json");
    TrainJobTest.Run r = TrainJobTest.cli(then(args("train", heat, "--output", more),
        "--set", "model.init-from=\"" + init + "\"", "--set", "solver.lambda=" + lambda, "--set", "solver.max-iterations=5"));
    assertEquals(0, r.code(), r.err());
    List<String> history = Files.readAllLines(more.resolve("history.csv"));
    int lossColumn = List.of(history.get(0).split(",")).indexOf("loss");
    double first = Double.parseDouble(history.get(1).split(",")[lossColumn]);
    // The first iteration starts at the saved θ with the same rows, partitions and λ: its loss is
    // the finished run's final loss; the same passes in the same order make it equal to the bit.
    assertEquals(finalLoss, first, 0.0);
    assertEquals(5 + 1, history.size());
    double last = JSON.readTree(more.resolve("summary.json").toFile()).path("loss").doubleValue();
    assertTrue(last < finalLoss, "five more iterations lower the loss: " + finalLoss + " → " + last);
    System.out.printf("model.init-from: first loss %s = the finished run's final loss; after 5 more iterations %s%n",
        first, last);

    // Another width: exit 2 naming both networks, nothing created.
    Path wrong = tmp.resolve("wrong/run");
    TrainJobTest.Run bad = TrainJobTest.cli(then(args("train", heat, "--output", wrong),
        "--set", "model.init-from=\"" + init + "\"", "--set", "model.hidden=[12]"));
    assertEquals(2, bad.code(), bad.err());
    assertTrue(bad.err().contains("model.init-from: network 2→16→1 in " + init + " does not match model 2→12→1"),
        bad.err());
    assertFalse(Files.exists(wrong.getParent()), "no run folder (nor its parent)");
  }

  /** model.json byte for byte, history.csv cell for cell but the clock. */
  private static void assertSameRun(Path run) throws IOException {
    assertArrayEquals(Files.readAllBytes(uninterrupted.resolve("model.json")), Files.readAllBytes(run.resolve("model.json")),
        "model.json");
    List<String> want = Files.readAllLines(uninterrupted.resolve("history.csv"));
    List<String> got = Files.readAllLines(run.resolve("history.csv"));
    assertEquals(ITERATIONS + 1, want.size());
    assertEquals(want.size(), got.size());
    int seconds = List.of(want.get(0).split(",")).indexOf("seconds");
    assertTrue(seconds >= 0);
    for (int i = 0; i < want.size(); i++) {
      List<String> a = new ArrayList<>(List.of(want.get(i).split(",", -1)));
      List<String> b = new ArrayList<>(List.of(got.get(i).split(",", -1)));
      a.remove(seconds);
      b.remove(seconds);
      assertEquals(a, b, "history.csv line " + (i + 1));
    }
    assertFalse(Files.exists(run.resolve(Checkpoint.FILE)), "no checkpoint in the finished run");
  }

  private static java.util.Optional<Path> stoppedRunFolder(Path run) throws IOException {
    if (!Files.isDirectory(run.getParent())) {
      return java.util.Optional.empty();
    }
    String prefix = RunFolder.tempPrefix(org.varpro.io.Location.local(run));
    try (Stream<Path> s = Files.list(run.getParent())) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).findFirst();
    }
  }

  private static int lastIteration(Path err) throws IOException {
    if (!Files.exists(err)) {
      return 0;
    }
    Matcher m = ITER.matcher(Files.readString(err, StandardCharsets.UTF_8));
    int last = 0;
    while (m.find()) {
      last = Integer.parseInt(m.group(1));
    }
    return last;
  }

  interface Poll<T> {
    T get() throws IOException;
  }

  /** Polls until {@code poll} gives non-null; fails if the child exits first (it must still be running). */
  private static <T> T await(Process child, Path err, Poll<T> poll) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      T v = poll.get();
      if (v != null) {
        return v;
      }
      if (!child.isAlive()) {
        fail("the child run ended (exit " + child.exitValue() + ") before it could be stopped:\n"
            + Files.readString(err, StandardCharsets.UTF_8));
      }
      Thread.sleep(10);
    }
    child.destroyForcibly();
    return fail("timed out waiting for the child run:\n" + Files.readString(err, StandardCharsets.UTF_8));
  }

  /** org.varpro.cli.Main in a JVM like submit/varpro's, on this JVM's classpath and BLAS settings. */
  private static Process child(Path err, Object... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String line : Files.readAllLines(JobTestSpark.repoFile("submit/jvm-module-flags.txt"))) {
      String flag = line.replaceAll("#.*", "").strip();
      if (!flag.isEmpty()) {
        cmd.add(flag);
      }
    }
    cmd.add("-Xmx512m");
    for (String k : System.getProperties().stringPropertyNames()) {
      if (k.startsWith("dev.ludovic.netlib")) {
        cmd.add("-D" + k + "=" + System.getProperty(k));
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("org.varpro.cli.Main");
    for (Object a : args) {
      cmd.add(String.valueOf(a));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
    return pb.start();
  }

}
