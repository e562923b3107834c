package org.varpro.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.io.Location;
import org.varpro.io.OtherSchemeFileSystem;

/**
 * Run folders on Hadoop file systems other than a plain local path: a {@code file://} URI, and
 * a non-{@code file} scheme ({@link OtherSchemeFileSystem}) reached only through Hadoop's
 * FileSystem API, once without atomic rename (written in place, {@code _SUCCESS} last) and once
 * with it (temporary sibling, renamed). {@code eval} reads each run back: its errors equal
 * summary.json's exactly (θ and C round-trip in shortest form, the same arithmetic).
 */
class HadoopOutputTest {
  static Path heat;
  static Configuration hadoop;

  @TempDir
  Path tmp;

  @BeforeAll
  static void sparkAndFiles() {
    hadoop = JobTestSpark.session().sparkContext().hadoopConfiguration();
    OtherSchemeFileSystem.register(hadoop);
    heat = JobTestSpark.repoFile("conf/heat.conf");
  }

  @AfterAll
  static void restore() {
    hadoop.unset(Location.ATOMIC_RENAME_KEY);
  }

  private static TrainJobTest.Run train(String output) {
    return TrainJobTest.cli("train", heat, "--set", "solver.max-iterations=3", "--set", "job.partitions=2",
        "--output", output);
  }

  /** eval RUN: its relative L2 and max error equal summary.json's. */
  private static void evalReproducesSummary(String run, JsonNode summary, String predictions) {
    TrainJobTest.Run e = TrainJobTest.cli("eval", run, "--output", predictions);
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("relative_l2_error: " + summary.get("relative_l2_error").asDouble() + "\n"),
        e.out() + " vs " + summary);
    assertTrue(e.out().contains("max_error: " + summary.get("max_error").asDouble() + "\n"), e.out());
  }

  private static List<String> names(Path folder) throws IOException {
    try (Stream<Path> s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void fileUriRunFolder() throws IOException {
    Path run = tmp.resolve("runs/heat");
    String uri = "file://" + run;
    TrainJobTest.Run r = train(uri);
    assertEquals(0, r.code(), r.err());
    assertEquals(List.of("heat"), names(run.getParent()), "the temporary sibling was renamed into place");
    assertTrue(names(run).containsAll(List.of("model.json", "history.csv", "summary.json", "convergence.png",
        "solution.png", "error.png")), names(run).toString());
    assertFalse(names(run).stream().anyMatch(n -> n.endsWith(".crc")), "no checksum side files");
    JsonNode summary = TrainJobTest.JSON.readTree(run.resolve("summary.json").toFile());
    evalReproducesSummary(uri, summary, "file://" + tmp.resolve("grid.csv"));
    assertEquals(1 + summary.get("test_points").asInt(), Files.readAllLines(tmp.resolve("grid.csv")).size());
  }

  @Test
  void schemeWithoutAtomicRenameWritesInPlaceThenSuccess() throws IOException {
    Path run = tmp.resolve("out/heat");
    String uri = OtherSchemeFileSystem.uri(run);
    TrainJobTest.Run r = train(uri);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("has no atomic rename: writing in place, _SUCCESS written last"), r.err());
    assertTrue(r.out().contains("run folder: " + OtherSchemeFileSystem.SCHEME + ":" + run + "\n"), r.out());
    assertEquals(List.of("heat"), names(run.getParent()));
    assertTrue(names(run).containsAll(List.of("_SUCCESS", "model.json", "summary.json", "convergence.png")));
    JsonNode summary = TrainJobTest.JSON.readTree(run.resolve("summary.json").toFile());
    evalReproducesSummary(uri, summary, OtherSchemeFileSystem.uri(tmp.resolve("grid.csv")));

    // Without the marker the folder is an incomplete run: eval refuses it.
    Files.delete(run.resolve("_SUCCESS"));
    TrainJobTest.Run e = TrainJobTest.cli("eval", uri);
    assertEquals(2, e.code(), e.err());
    assertTrue(e.err().contains("incomplete run folder (no _SUCCESS"), e.err());
  }

  @Test
  void schemeWithAtomicRenameUsesTheTemporarySibling() throws IOException {
    hadoop.set(Location.ATOMIC_RENAME_KEY, "file," + OtherSchemeFileSystem.SCHEME);
    try {
      Path target = tmp.resolve("a/b/run");
      try (RunFolder folder = RunFolder.create(OtherSchemeFileSystem.uri(target), false, "--output")) {
        folder.writeString("model.json", "{}\n");
        folder.replace("checkpoint.json", out -> out.write('1'));
        folder.replace("checkpoint.json", out -> out.write('2'));
        assertFalse(Files.exists(target));
        List<String> hidden = names(target.getParent());
        assertEquals(1, hidden.size());
        assertTrue(hidden.get(0).startsWith(".run.tmp-"), hidden.toString());
        folder.commit();
      }
      assertEquals(List.of("run"), names(target.getParent()));
      assertEquals(List.of("checkpoint.json", "model.json"), names(target));
      assertEquals("2", Files.readString(target.resolve("checkpoint.json")));

      // Closed without a commit: nothing left, not even the parents it created.
      try (RunFolder folder = RunFolder.create(OtherSchemeFileSystem.uri(tmp.resolve("c/d/run")), false, "--output")) {
        folder.writeString("model.json", "{}\n");
      }
      assertFalse(Files.exists(tmp.resolve("c")));
    } finally {
      hadoop.unset(Location.ATOMIC_RENAME_KEY);
    }
  }
}
