package org.varpro.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input makes {@code varpro train} exit with 2 and one line {@code varpro: <message>} naming
 * the file and line or the configuration key, without a stack trace, and leaves no run folder
 * (nor its temporary sibling, nor the parent folders it created) behind.
 */
class BadInputTest {
  static Path heat;

  @TempDir
  Path tmp;

  @BeforeAll
  static void spark() {
    JobTestSpark.session();
    heat = JobTestSpark.repoFile("conf/heat.conf");
  }

  /** A tabular run configuration over {@code data} (header a,b,y). */
  private Path tabularConfig(Path data) throws IOException {
    Path conf = tmp.resolve("run.conf");
    Files.writeString(conf, """
        job { partitions = 2 }
        data { path = "%s", header = true, label = [y] }
        model { hidden = [4] }
        solver { max-iterations = 2 }
        """.formatted(data.toString().replace("\\", "/")));
    return conf;
  }

  private Path csv(String name, String... lines) throws IOException {
    Path f = tmp.resolve(name);
    Files.writeString(f, String.join("\n", lines) + "\n");
    return f;
  }

  /** Runs train with --output tmp/out/run and checks the common expectations; returns the message. */
  private String failsWithBadInput(Object... trainArgs) throws IOException {
    List<String> before = listing();
    Path output = tmp.resolve("out").resolve("run");
    Object[] args = Stream.concat(Stream.concat(Stream.of("train"), Stream.of(trainArgs)),
        Stream.of("--output", output)).toArray();
    TrainJobTest.Run r = TrainJobTest.cli(args);
    assertEquals(2, r.code(), "exit code; stderr:\n" + r.err());
    List<String> err = r.err().lines().toList();
    String last = err.get(err.size() - 1);
    assertTrue(last.startsWith("varpro: "), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace without --verbose:\n" + r.err());
    assertFalse(r.err().contains("Exception"), r.err());
    assertFalse(Files.exists(tmp.resolve("out")), "the run folder's parent was created and left behind");
    assertEquals(before, listing(), "files left behind");
    return last;
  }

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.walk(tmp)) {
      return s.map(p -> tmp.relativize(p).toString()).sorted().toList();
    }
  }

  /** A classification run over the table {@code data} (header a,b,kind). */
  private Path classifyConfig(Path data, String extra) throws IOException {
    Path conf = tmp.resolve("classify.conf");
    Files.writeString(conf, """
        job { partitions = 2 }
        classify { path = "%s", header = true, label = kind, test-fraction = 0.25 %s }
        model { hidden = [4] }
        solver { max-iterations = 2 }
        """.formatted(data.toString().replace("\\", "/"), extra));
    return conf;
  }

  /** Eight rows of two classes, the given line in the middle. */
  private Path classes(String line) throws IOException {
    return csv("classes.csv", "a,b,kind", "0.1,0.2,cat", "0.3,0.1,dog", "0.2,0.5,cat", line, "0.9,0.4,dog",
        "0.6,0.6,cat", "0.8,0.7,dog", "0.4,0.3,dog");
  }

  @Test
  void classificationWithASingleClass() throws IOException {
    Path data = csv("one.csv", "a,b,kind", "0.1,0.2,cat", "0.3,0.1,cat", "0.2,0.5,cat", "0.9,0.4,cat");
    String m = failsWithBadInput(classifyConfig(data, ""));
    assertEquals("varpro: " + data + ": a single class in column kind (every one of the 4 rows is labelled 'cat'); "
        + "a classification needs at least 2 classes", m);
  }

  @Test
  void classificationWithAnEmptyLabel() throws IOException {
    Path data = classes("0.5,0.5,");
    String m = failsWithBadInput(classifyConfig(data, ""));
    assertEquals("varpro: " + data + ":5: empty label in column kind", m);
  }

  @Test
  void classificationWithANonNumericFeature() throws IOException {
    Path data = classes("0.5,n/a,cat");
    String m = failsWithBadInput(classifyConfig(data, ""));
    assertEquals("varpro: " + data + ":5: non-numeric value 'n/a' in column b", m);
  }

  @Test
  void classificationWithTooFewRowsOfAClassForTheSplit() throws IOException {
    Path data = classes("0.5,0.5,eel");
    String m = failsWithBadInput(classifyConfig(data, ""));
    assertTrue(m.startsWith("varpro: classify.test-fraction: " + data + ": class 'eel' has 1 row, too few for a "
        + "stratified split"), m);
  }

  @Test
  void malformedCsvLine() throws IOException {
    Path data = csv("data.csv", "a,b,y", "0.1,0.2,0.3", "0.4,0.5,0.6", "0.7,abc,0.9", "1.0,1.1,1.2");
    String m = failsWithBadInput(tabularConfig(data));
    assertTrue(m.contains(data + ":4: ") && m.contains("'abc'") && m.contains("column b"), m);
  }

  @Test
  void nanValue() throws IOException {
    Path data = csv("data.csv", "a,b,y", "0.1,0.2,0.3", "0.4,0.5,0.6", "0.7,0.8,0.9", "1.0,NaN,1.2");
    String m = failsWithBadInput(tabularConfig(data));
    assertTrue(m.contains(data + ":5: ") && m.contains("NaN"), m);
  }

  @Test
  void wrongColumnCount() throws IOException {
    Path data = csv("data.csv", "a,b,y", "0.1,0.2,0.3", "0.4,0.5", "0.7,0.8,0.9");
    String m = failsWithBadInput(tabularConfig(data));
    assertTrue(m.contains(data + ":3: ") && m.contains("expected 3 columns, found 2"), m);
  }

  @Test
  void missingDataFile() throws IOException {
    Path data = tmp.resolve("missing.csv");
    String m = failsWithBadInput(tabularConfig(data));
    assertTrue(m.contains(data.toString()) && m.contains("no such file"), m);
  }

  @Test
  void unknownConfigurationKey() throws IOException {
    String m = failsWithBadInput(heat, "--set", "solver.lamda=1e-8");
    assertTrue(m.startsWith("varpro: solver.lamda: unknown key (did you mean 'lambda'?)"), m);
  }

  @Test
  void unknownKeyInTheFileNamesFileAndLine() throws IOException {
    Path conf = tmp.resolve("typo.conf");
    Files.writeString(conf, Files.readString(heat) + "\njob {\n  partitons = 2\n}\n");
    String m = failsWithBadInput(conf);
    assertTrue(m.startsWith("varpro: job.partitons: unknown key") && m.contains("typo.conf: "), m);
  }

  @Test
  void resamplingFixedDataRows() throws IOException {
    Path data = csv("data.csv", "a,b,y", "0.1,0.2,0.3", "0.4,0.5,0.6", "0.7,0.8,0.9");
    String m = failsWithBadInput(tabularConfig(data), "--set", "solver.resample-every=5");
    assertTrue(m.startsWith("varpro: solver.resample-every: applies only to PDE problems"), m);
  }

  @Test
  void negativeResampleInterval() throws IOException {
    String m = failsWithBadInput(heat, "--set", "solver.resample-every=-1");
    assertTrue(m.startsWith("varpro: solver.resample-every: must be >= 0"), m);
  }

  @Test
  void impossibleSetting() throws IOException {
    String m = failsWithBadInput(heat, "--set", "model.hidden=[-3]");
    assertTrue(m.startsWith("varpro: model.hidden: widths must be positive integers"), m);
  }

  @Test
  void missingConfigurationFile() throws IOException {
    String m = failsWithBadInput(tmp.resolve("nope.conf"));
    assertTrue(m.contains("nope.conf: no such configuration file"), m);
  }

  @Test
  void overflowingStandardizationNamesTheColumn() throws IOException {
    // The variance of column b is beyond the double range: standardized rows would be NaN.
    Path data = csv("data.csv", "a,b,y", "0.1,0.2,0.3", "0.4,1e308,0.6", "0.7,0.8,0.9", "1.0,1.1,1.2");
    String m = failsWithBadInput(tabularConfig(data));
    assertTrue(m.startsWith("varpro: " + data + ": column b: values up to 1.00e+308 overflow the standardization"),
        m);
  }

  @Test
  void nonFiniteLossAtTheStartOfATabularRun() throws IOException {
    // Labels are not standardized by default: a residual of 1e308 squares to infinity.
    Path data = csv("data.csv", "a,b,y", "0.1,0.2,0.3", "0.4,0.5,1e308", "0.7,0.8,0.9", "1.0,1.1,1.2");
    String m = failsWithBadInput(tabularConfig(data));
    assertTrue(m.matches("varpro: data: the loss is (Infinity|NaN) at the start, before any iteration: .*"
        + "data.standardize-labels = true.*"), m);
  }

  @Test
  void nonFiniteLossAtTheStartOfAPdeRun() throws IOException {
    // sqrt of a negative number everywhere on [0, 1]: every source value is NaN.
    String m = failsWithBadInput(heat, "--set", "pde.source=\"sqrt(x-2)\"");
    assertTrue(m.startsWith("varpro: pde: the loss is NaN at the start, before any iteration: an expression"), m);
  }

  @Test
  void nullRemovesAKeyOfTheBaseConfiguration() throws IOException {
    // The base takes its labels from data.label-path (as conf/diabetes.conf); without it there are none.
    Path data = csv("x.csv", "a,b", "0.1,0.2", "0.4,0.5", "0.7,0.8");
    Path labels = csv("y.csv", "y", "0.3", "0.6", "0.9");
    Path conf = tmp.resolve("run.conf");
    Files.writeString(conf, """
        data { path = "%s", label-path = "%s", header = true }
        model { hidden = [4] }
        """.formatted(data.toString().replace("\\", "/"), labels.toString().replace("\\", "/")));
    String m = failsWithBadInput(conf, "--set", "data.label-path=null");
    assertTrue(m.startsWith("varpro: data: no label column given for " + data), m);
  }

  @Test
  void existingRunFolderIsKeptAndReported() throws IOException {
    Path output = tmp.resolve("taken");
    Files.createDirectories(output);
    Files.writeString(output.resolve("keep.txt"), "mine");
    TrainJobTest.Run r = TrainJobTest.cli("train", heat, "--output", output);
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("already exists"), r.err());
    assertEquals("mine", Files.readString(output.resolve("keep.txt")));
    try (Stream<Path> s = Files.list(tmp)) {
      assertEquals(List.of("taken"), s.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void verbosePrintsTheStackTrace() throws IOException {
    TrainJobTest.Run r = TrainJobTest.cli("train", heat, "--set", "model.hidden=[0]", "--verbose",
        "--output", tmp.resolve("run"));
    assertEquals(2, r.code());
    assertTrue(r.err().contains("\tat "), r.err());
  }
}
