package org.varpro.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.model.FittedModel;
import org.varpro.model.ModelFile;
import org.varpro.cli.Main;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.solver.IterationRecord;
import picocli.CommandLine;

/**
 * {@code varpro train} and {@code varpro eval} end to end, in-process through the command line,
 * on the test JVM's shared Spark session (local[2]).
 */
class TrainJobTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static Path heat;

  @TempDir
  Path tmp;

  @BeforeAll
  static void sparkAndFiles() {
    JobTestSpark.session();
    heat = JobTestSpark.repoFile("conf/heat.conf");
  }

  record Run(int code, String out, String err) {}

  static Run cli(Object... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new Main());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    String[] a = Stream.of(args).map(String::valueOf).toArray(String[]::new);
    int code = cmd.execute(a);
    return new Run(code, out.toString(), err.toString());
  }

  static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file);
  }

  @Test
  void trainsHeatWritesTheRunFolderAndEvalReproducesTheError() throws IOException {
    Path run = tmp.resolve("runs/heat");
    Run r = cli("train", heat, "--set", "solver.max-iterations=5", "--set", "solver.time-budget=600",
        "--set", "solver.relative-tolerance=0", "--output", run);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("run folder: " + run.toAbsolutePath().normalize()), r.out());

    // Nothing but the run folder: the temporary sibling was moved into place.
    try (Stream<Path> s = Files.list(run.getParent())) {
      assertEquals(List.of(run.getFileName().toString()), s.map(p -> p.getFileName().toString()).toList());
    }
    for (String f : List.of("model.json", "history.csv", "summary.json", "convergence.png",
        "solution.png", "error.png")) {
      assertTrue(Files.size(run.resolve(f)) > 0, f);
    }
    for (String png : List.of("convergence.png", "solution.png", "error.png")) {
      BufferedImage img = ImageIO.read(run.resolve(png).toFile());
      assertNotNull(img, png);
      assertTrue(img.getWidth() >= 800 && img.getHeight() >= 600, png);
    }

    // One progress line per iteration.
    Pattern progress = Pattern.compile("(?m)^varpro: iter +\\d+ +loss \\S+ +\\|g\\| \\S+ +mu \\S+ +lambda \\S+ +step \\S+ +(accepted|rejected) +[0-9.]+ s");
    assertEquals(5, progress.matcher(r.err()).results().count(), r.err());

    // history.csv: the IterationRecord columns then the PDE errors, one row per iteration.
    List<String> history = lines(run.resolve("history.csv"));
    assertEquals(6, history.size(), String.join("\n", history));
    assertTrue(history.get(0).startsWith(String.join(",", IterationRecord.COLUMNS) + ","), history.get(0));
    assertTrue(history.get(0).endsWith("relative_l2_error,max_error"), history.get(0));
    for (int i = 1; i <= 5; i++) {
      String[] f = history.get(i).split(",", -1);
      assertEquals(IterationRecord.COLUMNS.length + 2, f.length, history.get(i));
      assertEquals(Integer.toString(i), f[0]);
    }

    JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
    assertEquals("pde", summary.get("kind").asText());
    assertEquals(5, summary.get("iterations").asInt());
    assertEquals("max_iterations", summary.get("stop_reason").asText());
    assertEquals(Lapack.describe(), summary.get("blas").asText());
    assertEquals("4.1.0", summary.get("spark_version").asText());
    assertTrue(summary.get("wall_seconds").asDouble() > 0);
    assertEquals(5, summary.get("config").get("solver").get("max-iterations").asInt());
    assertEquals(1, summary.get("partitions").asInt(), "job.partitions = auto: one partition for 1,020 rows");
    double relL2 = summary.get("relative_l2_error").asDouble();
    assertTrue(relL2 > 0 && relL2 < 1, "relative L2 " + relL2);
    assertTrue(summary.get("max_error").asDouble() > 0);
    assertTrue(summary.get("loss").asDouble() > 0);

    JsonNode model = JSON.readTree(run.resolve("model.json").toFile());
    assertEquals(summary.get("parameters").asInt(), model.get("theta").size());
    assertEquals(List.of("x", "t"), List.of(model.get("inputs").get(0).asText(), model.get("inputs").get(1).asText()));
    FittedModel saved = ModelFile.read(run.resolve("model.json"));
    assertEquals(summary.get("model").asText(), saved.featureMap().describe());

    // eval on the test grid reproduces the summary's error exactly (θ and C round-trip).
    Path predictions = tmp.resolve("grid.csv");
    Run e = cli("eval", run, "--output", predictions);
    assertEquals(0, e.code(), e.err());
    assertTrue(e.out().contains("relative_l2_error: " + relL2), e.out() + " vs " + relL2);
    assertTrue(e.out().contains("max_error: " + summary.get("max_error").asDouble()), e.out());
    List<String> grid = lines(predictions);
    assertEquals("x,t,u,u_exact,error", grid.get(0));
    assertEquals(1 + summary.get("test_points").asInt(), grid.size());

    EvalJob.Options o = new EvalJob.Options();
    o.run = run.toString();
    o.log = new PrintWriter(new StringWriter());
    assertEquals(relL2, (Double) EvalJob.run(o).metrics().get("relative_l2_error"));
  }

  @Test
  void trainsTabularRegressionAndEvalPredictsRawData() throws IOException {
    // y = sin(a) + b² on a small table, with a header; 20 % held out.
    Path data = tmp.resolve("table.csv");
    StringBuilder sb = new StringBuilder("a,b,y\n");
    java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
    for (int i = 0; i < 300; i++) {
      double a = 4 * rng.nextDouble() - 2;
      double b = 50 + 10 * rng.nextDouble();
      sb.append(a).append(',').append(b).append(',').append(Math.sin(a) + (b - 55) * (b - 55) / 25).append('\n');
    }
    Files.writeString(data, sb);
    Path conf = tmp.resolve("table.conf");
    Files.writeString(conf, """
        job { name = table, partitions = 3, block-rows = 64 }
        data { path = "%s", header = true, label = [y], validation-fraction = 0.2, standardize-labels = true }
        model { hidden = [8] }
        solver { max-iterations = 15, lambda = 1e-10 }
        """.formatted(data.toString().replace("\\", "/")));
    Path run = tmp.resolve("table-run");
    Run r = cli("train", conf, "--output", run);
    assertEquals(0, r.code(), r.err());
    for (String f : List.of("model.json", "history.csv", "summary.json", "convergence.png", "predicted-vs-true.png")) {
      assertTrue(Files.size(run.resolve(f)) > 0, f);
    }
    assertFalse(Files.exists(run.resolve("solution.png")));
    JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
    assertEquals("regression", summary.get("kind").asText());
    int trainRows = summary.get("training_rows").asInt();
    int validationRows = summary.get("validation_rows").asInt();
    assertEquals(300, trainRows + validationRows);
    assertTrue(validationRows > 20 && validationRows < 100, "validation rows " + validationRows);
    double train = summary.get("training_relative_error").asDouble();
    double validation = summary.get("validation_relative_error").asDouble();
    assertTrue(train < 0.05, "training relative error " + train);
    assertTrue(validation < 0.1, "validation relative error " + validation);
    assertTrue(lines(run.resolve("history.csv")).get(0).endsWith("validation_relative_error,validation_rmse"));

    // The standardization is saved and applied to new raw data: eval on the whole table
    // combines the training and validation errors.
    JsonNode std = JSON.readTree(run.resolve("model.json").toFile()).get("standardization");
    assertEquals("a", std.get("feature_names").get(0).asText());
    assertTrue(Math.abs(std.get("feature_mean").get(1).asDouble() - 55) < 1.5);
    Path predictions = tmp.resolve("pred.csv");
    Run e = cli("eval", run, "--data", data, "--output", predictions);
    assertEquals(0, e.code(), e.err());
    double trainRmse = summary.get("training_rmse").asDouble();
    double validationRmse = summary.get("validation_rmse").asDouble();
    double combined = Math.sqrt((trainRmse * trainRmse * trainRows + validationRmse * validationRmse * validationRows) / 300);
    double evalRmse = Double.parseDouble(e.out().lines().filter(l -> l.startsWith("rmse: ")).findFirst()
        .orElseThrow().substring(6));
    assertEquals(combined, evalRmse, 1e-12 * combined);
    List<String> pred = lines(predictions);
    assertEquals("a,b,y_predicted,y", pred.get(0));
    assertEquals(301, pred.size());
  }

  @Test
  void trainsGeneratedRegression() throws IOException {
    Path run = tmp.resolve("gen");
    Run r = cli("train", JobTestSpark.repoFile("conf/large-regression.conf"),
        "--set", "generated.rows=3000", "--set", "generated.validation-rows=500",
        "--set", "model.hidden=[6,6]", "--set", "solver.max-iterations=3", "--set", "job.partitions=2",
        "--output", run);
    assertEquals(0, r.code(), r.err());
    JsonNode summary = JSON.readTree(run.resolve("summary.json").toFile());
    assertEquals(3000, summary.get("training_rows").asInt());
    assertEquals(500, summary.get("validation_rows").asInt());
    assertEquals(3, summary.get("iterations").asInt());
    assertTrue(Files.size(run.resolve("predicted-vs-true.png")) > 0);
    assertEquals(4, lines(run.resolve("history.csv")).size());
  }
}
