package org.varpro.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.core.classify.ClassificationMetrics;
import org.varpro.core.classify.ClassifierModel;
import org.varpro.core.classify.Datasets;
import org.varpro.core.classify.JvpPerceptron;
import org.varpro.core.classify.LabeledData;
import org.varpro.core.model.Activation;

/** {@code varpro train} on a classify configuration: the run folder and its figures. */
class ClassifyJobTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void spark() {
    JobTestSpark.session();
  }

  private Path config(String extra) throws IOException {
    Path conf = tmp.resolve("digits.conf");
    Files.writeString(conf, """
        job { partitions = 2, block-rows = 64 }
        classify { data = digits, path = "%s", train-rows = 300, test-fraction = 0.25, seed = 3 }
        model { hidden = [8], seed = 2 }
        solver { max-iterations = 4, lambda = 1e-3, theta-ridge = 1e-4 }
        %s
        """.formatted(JobTestSpark.repoFile(Datasets.DIGITS_FILE).toString().replace("\\", "/"), extra));
    return conf;
  }

  private static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  @Test
  void runFolderHoldsTheModelWhoseTestAccuracyTheSummaryReports() throws IOException {
    Path out = tmp.resolve("run");
    TrainJobTest.Run r = TrainJobTest.cli("train", config(""), "--output", out);
    assertEquals(0, r.code(), r.err());
    for (String f : new String[] {"model.json", "history.csv", "summary.json", "convergence.png", "confusion.png"}) {
      assertTrue(Files.size(out.resolve(f)) > 0, f);
    }
    ObjectMapper mapper = new ObjectMapper();
    JsonNode summary = mapper.readTree(out.resolve("summary.json").toFile());
    JsonNode model = mapper.readTree(out.resolve("model.json").toFile());
    assertEquals(4, summary.get("iterations").asInt());
    assertEquals(5, Files.readAllLines(out.resolve("history.csv")).size(), "header + 4 iterations");

    // Oracle: the same split rebuilt here, predictions from model.json's θ and C.
    LabeledData.Split split = Datasets.digits(JobTestSpark.repoFile(Datasets.DIGITS_FILE)).split(0.25, 3);
    LabeledData train = split.train().subsample(300, 3);
    JvpPerceptron net = JvpPerceptron.of(Activation.TANH, 64, 8);
    ClassifierModel saved = new ClassifierModel(net, doubles(model.get("theta")), doubles(model.get("c")), 10);
    ClassificationMetrics test = saved.evaluate(split.test().toBlock(1.0));
    ClassificationMetrics trainMetrics = saved.evaluate(train.toBlock(1.0));
    assertEquals(test.accuracy(), summary.get("test").get("accuracy").asDouble(), 0.0);
    assertEquals(test.logLoss(), summary.get("test").get("log_loss").asDouble(), 1e-12 * test.logLoss());
    assertEquals(trainMetrics.accuracy(), summary.get("train").get("accuracy").asDouble(), 0.0);
    assertEquals(split.test().rows(), summary.get("test").get("rows").asInt());
    long[][] confusion = test.confusion();
    for (int t = 0; t < 10; t++) {
      for (int q = 0; q < 10; q++) {
        assertEquals(confusion[t][q], summary.get("test").get("confusion").get(t).get(q).asLong());
      }
    }
    assertTrue(test.accuracy() > 0.5, "four iterations already learn something: " + test.accuracy());
  }

  @Test
  void badClassifyInputExitsWithTwoNamingTheKey() throws IOException {
    Path out = tmp.resolve("bad");
    TrainJobTest.Run unknown = TrainJobTest.cli("train", config(""), "--set", "solver.lamda=1", "--output", out);
    assertEquals(2, unknown.code(), unknown.err());
    assertTrue(unknown.err().contains("solver.lamda: unknown key"), unknown.err());
    TrainJobTest.Run data = TrainJobTest.cli("train", config(""), "--set", "classify.data=mnist", "--output", out);
    assertEquals(2, data.code(), data.err());
    assertTrue(data.err().contains("classify.data: must be table, digits or fashion-mnist"), data.err());
    TrainJobTest.Run missing = TrainJobTest.cli("train", config(""), "--set", "classify.path=" + tmp.resolve("no.csv"),
        "--output", out);
    assertEquals(2, missing.code(), missing.err());
    assertTrue(missing.err().contains("no.csv"), missing.err());
    assertFalse(Files.exists(out), "no run folder after bad input");
  }

  @Test
  void aBadLabelLineIsNamedByFileAndLine() throws IOException {
    Path bad = tmp.resolve("digits-bad.csv");
    java.util.List<String> lines = new java.util.ArrayList<>();
    String row = "0,".repeat(64);
    for (int i = 0; i < 40; i++) {
      lines.add(row + (i % 10));
    }
    lines.set(16, row + "11");
    Files.write(bad, lines);
    Path out = tmp.resolve("bad-label");
    TrainJobTest.Run r = TrainJobTest.cli("train", config(""), "--set", "classify.path=" + bad, "--output", out);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(bad + ":17: class label '11' is not an integer in 0..9"), r.err());
    assertFalse(Files.exists(out));
  }
}
