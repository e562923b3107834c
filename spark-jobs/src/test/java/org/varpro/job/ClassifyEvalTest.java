package org.varpro.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.core.classify.Datasets;

/**
 * A table with string labels: {@code train} fits it, {@code eval} predicts its test file, and the
 * confusion matrix and accuracy recomputed from eval's output equal summary.json's.
 */
class ClassifyEvalTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void spark() {
    JobTestSpark.session();
  }

  private static final String[] NAMES = {"zero", "one", "two"};

  /** Digits of classes 0..2 as a table with a header and the class as a word, rows [from, to) of them. */
  private static List<String> table(List<String> digits, int from, int to) {
    List<String> out = new ArrayList<>();
    StringBuilder h = new StringBuilder();
    for (int j = 0; j < 64; j++) {
      h.append('p').append(j).append(',');
    }
    out.add(h.append("digit").toString());
    for (String line : digits.subList(from, to)) {
      int cut = line.lastIndexOf(',');
      out.add(line.substring(0, cut + 1) + NAMES[Integer.parseInt(line.substring(cut + 1).strip())]);
    }
    return out;
  }

  @Test
  void stringLabelsTrainAndEvalReproducesTheSummarysConfusionAndAccuracy() throws IOException {
    List<String> digits = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(
        Files.newInputStream(JobTestSpark.repoFile(Datasets.DIGITS_FILE)))))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String c = line.substring(line.lastIndexOf(',') + 1).strip();
        if (c.equals("0") || c.equals("1") || c.equals("2")) {
          digits.add(line);
        }
      }
    }
    Path train = tmp.resolve("train.csv");
    Path test = tmp.resolve("test.csv");
    Files.write(train, table(digits, 0, 360));
    Files.write(test, table(digits, 360, digits.size()));
    Path conf = tmp.resolve("words.conf");
    Files.writeString(conf, """
        job { partitions = 2, block-rows = 64 }
        classify { path = "%s", test-path = "%s", header = true, label = digit, seed = 3 }
        model { hidden = [8], seed = 2 }
        solver { max-iterations = 4, lambda = 1e-3, theta-ridge = 1e-4 }
        """.formatted(train.toString().replace("\\", "/"), test.toString().replace("\\", "/")));
    Path run = tmp.resolve("run");
    TrainJobTest.Run r = TrainJobTest.cli("train", conf, "--output", run);
    assertEquals(0, r.code(), r.err());
    ObjectMapper json = new ObjectMapper();
    JsonNode summary = json.readTree(run.resolve("summary.json").toFile()).get("test");
    JsonNode model = json.readTree(run.resolve("model.json").toFile());
    assertEquals("varpro-model", model.get("format").asText());
    assertEquals(2, model.get("version").asInt());
    assertEquals("string", model.get("label_index").get("type").asText());
    List<String> classes = new ArrayList<>();
    model.get("label_index").get("labels").forEach(l -> classes.add(l.asText()));
    assertEquals(3, classes.size());

    Path predictions = tmp.resolve("predictions.csv");
    TrainJobTest.Run e = TrainJobTest.cli("eval", run, "--data", test, "--output", predictions);
    assertEquals(0, e.code(), e.err());
    List<String> lines = Files.readAllLines(predictions);
    assertEquals(digits.size() - 360, lines.size() - 1);
    long[][] confusion = new long[3][3];
    long correct = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      int truth = classes.indexOf(f[1]);
      int predicted = classes.indexOf(f[2]);
      confusion[truth][predicted]++;
      correct += truth == predicted ? 1 : 0;
    }
    assertEquals(summary.get("rows").asInt(), lines.size() - 1);
    assertEquals(summary.get("accuracy").asDouble(), (double) correct / (lines.size() - 1), 0.0);
    for (int t = 0; t < 3; t++) {
      for (int p = 0; p < 3; p++) {
        assertEquals(summary.get("confusion").get(t).get(p).asLong(), confusion[t][p], "confusion " + t + "," + p);
      }
    }

    // A label the training never saw: exit 2, one line naming file:line, no output.
    List<String> unseen = table(digits, 360, 380);
    unseen.set(5, unseen.get(5).substring(0, unseen.get(5).lastIndexOf(',') + 1) + "three");
    Path bad = tmp.resolve("unseen.csv");
    Files.write(bad, unseen);
    Path none = tmp.resolve("none.csv");
    TrainJobTest.Run u = TrainJobTest.cli("eval", run, "--data", bad, "--output", none);
    assertEquals(2, u.code(), u.err());
    assertTrue(u.err().contains(bad + ":6: label 'three' in column 'digit' was not seen in training"), u.err());
    assertEquals(1, u.err().strip().lines().count(), u.err());
    assertFalse(Files.exists(none));
  }
}
