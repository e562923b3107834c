package org.varpro.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.sweep.SweepTables;

/**
 * {@code varpro sweep} in child JVMs through Spark's submit entry point and the packaged jar
 * (the helpers of {@link LocalClusterIT}): a sweep killed midway (SIGKILL of its driver) and run
 * again completes only the missing rows and ends with the table of an uninterrupted sweep; and
 * the same sweep on the standalone cluster (Master and Worker on 127.0.0.1) gives the table of
 * local mode.
 */
class SweepIT {
  @TempDir
  Path tmp;

  @BeforeAll
  static void build() throws IOException {
    LocalClusterIT.findBuild();
  }

  /** conf/heat.conf with a grid over the width and the seed, a fixed iteration cap. */
  static Path sweepConfig(Path dir, String grid, String points, int iterations) throws IOException {
    Path file = dir.resolve("sweep.conf");
    Files.writeString(file, "include file(\"" + LocalClusterIT.root.resolve("conf/heat.conf") + "\")\n"
        + "job { partitions = 4 }\n" + points + "\n"
        + "solver { max-iterations = " + iterations + ", time-budget = 600 }\n"
        + "sweep { grid = [ " + grid + " ] }\n");
    return file;
  }

  static JsonNode summary(Path out) throws IOException {
    return LocalClusterIT.JSON.readTree(out.resolve("summary.json").toFile());
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void aKilledSweepResumesToTheTableOfAnUninterruptedOne() throws Exception {
    Path config = sweepConfig(tmp, "{ key = model.hidden, values = [[16], [24], [32]] }, "
        + "{ key = model.seed, values = [1, 2, 3, 4] }", "", 150);
    Path logs = tmp.resolve("logs");
    Files.createDirectories(logs);
    Path out = tmp.resolve("runs/killed");
    List<String> command = LocalClusterIT.sparkSubmitCommand("local[2]", "sweep", config.toString(), "--output",
        out.toString());

    ProcessBuilder pb = new ProcessBuilder(command).directory(LocalClusterIT.root.toFile())
        .redirectOutput(logs.resolve("killed-out.txt").toFile()).redirectError(logs.resolve("killed-err.txt").toFile());
    pb.environment().putAll(LocalClusterIT.submitEnv());
    Process p = pb.start();
    p.getOutputStream().close();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (SweepTables.rowFiles(out).size() < 3) {
      if (!p.isAlive()) {
        fail("the sweep ended before it was killed:\n" + LocalClusterIT.tail(Files.readString(logs.resolve("killed-err.txt"))));
      }
      if (System.nanoTime() > deadline) {
        p.destroyForcibly();
        fail("no rows within 240 s");
      }
      Thread.sleep(50);
    }
    // Stop the driver (SIGKILL: no shutdown hook runs); its local-mode executor dies with it.
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    List<Path> before = SweepTables.rowFiles(out);
    int finished = before.size();
    assertTrue(finished >= 3 && finished < 12, "rows when killed: " + finished);
    assertFalse(Files.exists(out.resolve("results.csv")), "results written by a killed sweep");
    Map<Path, byte[]> kept = new LinkedHashMap<>();
    for (Path f : before) {
      kept.put(f, Files.readAllBytes(f));
    }

    LocalClusterIT.Exit again = LocalClusterIT.run(command, LocalClusterIT.submitEnv(), logs, 300);
    assertEquals(0, again.code(), "rerun failed:\n" + LocalClusterIT.tail(again.err()));
    assertTrue(again.err().contains("resuming: " + finished + " of 12 configurations finished earlier"), again.err());
    JsonNode s = summary(out);
    assertEquals(12 - finished, s.get("ran").asInt(), "only the missing rows run");
    assertEquals(finished, s.get("reused").asInt());
    for (Map.Entry<Path, byte[]> e : kept.entrySet()) {
      assertArrayEquals(e.getValue(), Files.readAllBytes(e.getKey()), "the rerun rewrote " + e.getKey());
    }
    assertEquals(12, SweepTables.rowFiles(out).size());

    Path whole = tmp.resolve("runs/whole");
    LocalClusterIT.Exit w = LocalClusterIT.run(LocalClusterIT.sparkSubmitCommand("local[2]", "sweep",
        config.toString(), "--output", whole.toString()), LocalClusterIT.submitEnv(), logs, 300);
    assertEquals(0, w.code(), "uninterrupted sweep failed:\n" + LocalClusterIT.tail(w.err()));
    assertEquals(12, summary(whole).get("ran").asInt());
    List<Map<String, String>> resumed = SweepTables.csv(out.resolve("results.csv"));
    assertEquals(12, resumed.size());
    assertEquals(SweepTables.withoutTiming(SweepTables.csv(whole.resolve("results.csv"))),
        SweepTables.withoutTiming(resumed));
    System.out.printf("sweep killed after %d of 12 rows; the rerun ran %d; the table equals the uninterrupted one%n",
        finished, 12 - finished);
  }

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void aSweepOnTheStandaloneClusterGivesTheTableOfLocalMode() throws Exception {
    Path config = sweepConfig(tmp, "{ key = model.hidden, values = [[8], [16], [24]] }, "
        + "{ key = model.activation, values = [tanh, sin] }", "points { interior = 300, boundary = 60 }", 40);
    Path clusterDir = tmp.resolve("cluster");
    Map<String, String> env = LocalClusterIT.clusterEnv(clusterDir);
    String master = "spark://127.0.0.1:" + env.get("VARPRO_MASTER_PORT");
    Path logs = tmp.resolve("logs");
    Path onCluster = tmp.resolve("runs/cluster");
    try {
      LocalClusterIT.Exit start = LocalClusterIT.run(List.of("bash", "submit/local-cluster.sh", "start"), env, logs, 180);
      assertEquals(0, start.code(), "local-cluster.sh start:\n" + start.out() + start.err());
      LocalClusterIT.Exit c = LocalClusterIT.run(LocalClusterIT.sparkSubmitCommand(master, "sweep", config.toString(),
          "--output", onCluster.toString()), LocalClusterIT.submitEnv(), logs, LocalClusterIT.SUBMIT_TIMEOUT_SECONDS);
      assertEquals(0, c.code(), "cluster sweep failed:\n" + LocalClusterIT.tail(c.err()));
      assertTrue(c.err().contains("master " + master), c.err());
    } finally {
      LocalClusterIT.Exit stop = LocalClusterIT.run(List.of("bash", "submit/local-cluster.sh", "stop"), env, logs, 90);
      assertEquals(0, stop.code(), "local-cluster.sh stop:\n" + stop.out() + stop.err());
      RunFolder.deleteTree(clusterDir.resolve("spark-home"));
    }
    Path local = tmp.resolve("runs/local");
    LocalClusterIT.Exit l = LocalClusterIT.run(LocalClusterIT.sparkSubmitCommand("local[2]", "sweep",
        config.toString(), "--output", local.toString()), LocalClusterIT.submitEnv(), logs,
        LocalClusterIT.SUBMIT_TIMEOUT_SECONDS);
    assertEquals(0, l.code(), "local sweep failed:\n" + LocalClusterIT.tail(l.err()));

    List<Map<String, String>> cluster = SweepTables.csv(onCluster.resolve("results.csv"));
    assertEquals(6, cluster.size());
    for (Map<String, String> row : cluster) {
      assertEquals("ok", row.get("status"), row.toString());
      // Run by the Worker's executor, not by the driver.
      assertFalse(row.get("executor").startsWith("driver@"), row.toString());
    }
    assertEquals(SweepTables.withoutTiming(SweepTables.csv(local.resolve("results.csv"))),
        SweepTables.withoutTiming(cluster));
  }
}
