package org.varpro.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.core.model.Activation;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.Perceptron;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.LocalEvaluator;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.SolverResult;
import org.varpro.core.solver.VarProSolver;
import org.varpro.core.stats.StatsKind;

/** Reading, validating and standardizing tabular data; the diabetes regression parity run. */
class TabularSourceTest {
  static Path dataFile;
  static Path targetFile;
  /** The raw diabetes table read without Spark: 442 rows × (10 features, 1 target). */
  static double[][] rawX;
  static double[] rawY;

  @TempDir
  Path tmp;

  @BeforeAll
  static void readDiabetes() throws IOException {
    dataFile = TestSpark.repoFile("data/diabetes_data_raw.csv.gz");
    targetFile = TestSpark.repoFile("data/diabetes_target.csv.gz");
    List<String> x = gunzipLines(dataFile);
    List<String> y = gunzipLines(targetFile);
    rawX = new double[x.size()][];
    rawY = new double[y.size()];
    for (int i = 0; i < x.size(); i++) {
      String[] f = x.get(i).trim().split(" ");
      rawX[i] = new double[f.length];
      for (int j = 0; j < f.length; j++) {
        rawX[i][j] = Double.parseDouble(f[j]);
      }
      rawY[i] = Double.parseDouble(y.get(i).trim());
    }
  }

  static List<String> gunzipLines(Path p) throws IOException {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(p)), StandardCharsets.UTF_8))) {
      List<String> out = new ArrayList<>();
      for (String l = r.readLine(); l != null; l = r.readLine()) {
        out.add(l);
      }
      return out;
    }
  }

  static TabularSource diabetes() {
    return TabularSource.csv(dataFile.toString())
        .separator(" ")
        .labelPath(targetFile.toString())
        .standardizeLabels(true)
        .partitions(3)
        .blockRows(64);
  }

  @Test
  void diabetesStandardizationMatchesAPlainComputation() {
    TabularData data = diabetes().load(TestSpark.session());
    try {
      assertEquals(442, data.trainingRows());
      assertEquals(0, data.validationRows());
      assertEquals(10, data.inputs());
      assertEquals(1, data.outputs());
      Standardization st = data.standardization();
      assertArrayEquals(new String[] {"_c0", "_c1", "_c2", "_c3", "_c4", "_c5", "_c6", "_c7", "_c8", "_c9"}, st.featureNames());
      assertArrayEquals(new String[] {"label"}, st.labelNames());
      for (int j = 0; j < 10; j++) {
        double[] col = new double[442];
        for (int i = 0; i < 442; i++) {
          col[i] = rawX[i][j];
        }
        assertEquals(mean(col), st.featureMean()[j], 1e-13 * Math.abs(mean(col)));
        assertEquals(std(col), st.featureStd()[j], 1e-12 * std(col));
      }
      assertEquals(mean(rawY), st.labelMean()[0], 1e-13 * mean(rawY));
      assertEquals(std(rawY), st.labelStd()[0], 1e-12 * std(rawY));
      // Rows in file order, standardized by the recorded affine map (same arithmetic).
      RowBlock rows = data.collectTraining();
      RowBlock expected = st.apply(rawBlock());
      assertArrayEquals(expected.x, rows.x);
      assertArrayEquals(expected.y, rows.y);
      assertEquals(st, Standardization.fromMap(st.toMap()));
      // A reload gives the same bits.
      TabularData again = diabetes().load(TestSpark.session());
      assertEquals(st, again.standardization());
      again.unpersist();
    } finally {
      data.unpersist();
    }
  }

  @Test
  void diabetesSparkMatchesSingleProcess() {
    TabularData data = diabetes().load(TestSpark.session());
    FeatureMap map = Perceptron.of(Activation.TANH, 10, 16);
    double[] theta0 = map.initialParams(1);
    // With the default tau = 1e-3 this trajectory amplifies rounding ~3× per iteration: two
    // single-process runs that differ only in the block size already disagree by ~2e-10 after 20
    // iterations. With tau = 0.1 such runs agree to ~5e-13, so the bound tests the evaluator.
    SolverOptions o = SolverOptions.builder().maxIterations(20).tau(0.1).build();
    RowBlock local = data.standardization().apply(rawBlock());
    LocalEvaluator localEvaluator = LocalEvaluator.ofRows(map, local, 200);
    SolverResult spark;
    try (SparkEvaluator ev = data.evaluator(map)) {
      assertEquals(3, ev.partitions());
      double pass = Histories.passDifference(ev, localEvaluator, theta0, map.initialParams(2), StatsKind.QR, 0, false);
      double gram = Histories.passDifference(ev, localEvaluator, theta0, null, StatsKind.GRAM, 1e-6, true);
      System.out.printf("diabetes single-pass parity at θ0: QR %.2e, Gram+Golub-Pereyra %.2e%n", pass, gram);
      assertTrue(pass <= 1e-12, "QR pass differs by " + pass);
      assertTrue(gram <= 1e-10, "Gram pass differs by " + gram);
      spark = new VarProSolver(o).solve(ev, theta0);
    } finally {
      data.unpersist();
    }
    SolverResult single = new VarProSolver(o).solve(localEvaluator, theta0);
    assertEquals(20, single.iterations());
    double history = Histories.maxRelativeDifference(spark, single);
    double theta = Histories.maxRelativeDifference(spark.theta(), single.theta());
    System.out.printf("diabetes parity (tanh 10→16→1, 20 iterations, 3 partitions): max relative difference"
        + " of loss/|g| %.3e, of θ %.3e; final loss %.6e%n", history, theta, single.loss());
    assertTrue(history <= 1e-10, "loss/gradient histories differ by " + history);
    assertTrue(single.loss() < 0.5 * single.history().get(0).loss(), "the fit made progress");
  }

  @Test
  void validationSplitIsReproducibleAndUsesTrainingStatistics() {
    TabularSource s = diabetes().validationFraction(0.25).seed(7);
    TabularData a = s.load(TestSpark.session());
    TabularData b = s.load(TestSpark.session());
    try {
      assertEquals(442, a.trainingRows() + a.validationRows());
      assertTrue(a.validationRows() > 70 && a.validationRows() < 150, "about a quarter held out: " + a.validationRows());
      assertEquals(a.trainingRows(), a.standardization().rows());
      assertEquals(a.standardization(), b.standardization());
      assertArrayEquals(a.collectTraining().x, b.collectTraining().x);
      assertArrayEquals(a.collectValidation().y, b.collectValidation().y);
    } finally {
      a.unpersist();
      b.unpersist();
    }
  }

  static RowBlock rawBlock() {
    int m = rawX.length;
    double[] x = new double[m * 10];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < 10; j++) {
        x[i + j * m] = rawX[i][j];
      }
    }
    return RowBlock.regression(m, 10, 1, x, rawY.clone());
  }

  static double mean(double[] v) {
    double s = 0;
    for (double d : v) {
      s += d;
    }
    return s / v.length;
  }

  static double std(double[] v) {
    double m = mean(v);
    double s = 0;
    for (double d : v) {
      s += (d - m) * (d - m);
    }
    return Math.sqrt(s / (v.length - 1));
  }

  // ------------------------------------------------------------------ headers, weights, formats

  /** No partition count: the row-count rule (one partition for 3 rows), not the 2 local cores. */
  @Test
  void defaultPartitionsFollowTheRowCount() throws IOException {
    Path f = tmp.resolve("auto.csv");
    Files.writeString(f, "a,y\n1,2\n2,3\n3,5\n");
    TabularData d = TabularSource.csv(f.toString()).header(true).labelColumns("y").load(TestSpark.session());
    try {
      assertEquals(2, TestSpark.session().sparkContext().defaultParallelism());
      assertEquals(AutoPartitions.forRows(3), d.training().getNumPartitions());
      assertEquals(1, d.training().getNumPartitions());
      assertEquals(3, d.trainingRows());
    } finally {
      d.unpersist();
    }
  }

  @Test
  void csvWithHeaderSeveralLabelsAndWeights() throws IOException {
    Path f = tmp.resolve("h.csv");
    Files.writeString(f, "a,b,\"w\",y1,y2\n1,2,1,3,4\n\n2,4,0.5,5,6\n3,7,2,\"7\",9\n");
    TabularData d = TabularSource.csv(f.toString()).header(true).labelColumns("y1", "y2")
        .weightColumn("w").standardizeFeatures(false).partitions(2).load(TestSpark.session());
    try {
      assertEquals(3, d.trainingRows());
      assertEquals(2, d.inputs());
      assertEquals(2, d.outputs());
      RowBlock r = d.collectTraining();
      assertArrayEquals(new double[] {1, 2, 3, 2, 4, 7}, r.x);
      assertArrayEquals(new double[] {3, 5, 7, 4, 6, 9}, r.y);
      assertArrayEquals(new double[] {1, 0.5, 2}, r.weight);
      assertArrayEquals(new String[] {"a", "b"}, d.standardization().featureNames());
    } finally {
      d.unpersist();
    }
  }

  @Test
  void parquetAndLibSvm() throws IOException {
    StructType schema = new StructType().add("x1", DataTypes.DoubleType).add("x2", DataTypes.IntegerType)
        .add("name", DataTypes.StringType).add("y", DataTypes.DoubleType);
    List<Row> rows = List.of(RowFactory.create(1.0, 2, "a", 3.0), RowFactory.create(4.0, 5, "b", 6.0),
        RowFactory.create(7.0, 8, "c", 9.0));
    Dataset<Row> df = TestSpark.session().createDataFrame(rows, schema).coalesce(1);
    String dir = tmp.resolve("p.parquet").toString();
    df.write().parquet(dir);
    TabularData p = TabularSource.parquet(dir).labelColumns("y").standardizeFeatures(false).load(TestSpark.session());
    try {
      RowBlock r = p.collectTraining();
      assertArrayEquals(new String[] {"x1", "x2"}, p.standardization().featureNames());
      assertArrayEquals(new double[] {1, 4, 7, 2, 5, 8}, r.x);
      assertArrayEquals(new double[] {3, 6, 9}, r.y);
    } finally {
      p.unpersist();
    }

    Path svm = tmp.resolve("d.svm");
    Files.writeString(svm, "# comment\n1.5 1:2 3:4\n-1 2:1\n\n0 1:1 2:2 3:3\n");
    TabularData l = TabularSource.libsvm(svm.toString()).standardizeFeatures(false).load(TestSpark.session());
    try {
      RowBlock r = l.collectTraining();
      assertEquals(3, l.inputs());
      assertArrayEquals(new double[] {2, 0, 1, 0, 1, 2, 4, 0, 3}, r.x);
      assertArrayEquals(new double[] {1.5, -1, 0}, r.y);
    } finally {
      l.unpersist();
    }
  }

  // ------------------------------------------------------------------ bad input

  @Test
  void classLabelsAreIndexedByFrequencyAndSplitByClass() throws IOException {
    // 12 rows: 6 "b", 4 "a", 2 "c" (interleaved); weights 1..12.
    String[] kinds = {"b", "a", "b", "c", "a", "b", "b", "a", "c", "b", "a", "b"};
    List<String> lines = new ArrayList<>(List.of("x,kind,w"));
    for (int i = 0; i < kinds.length; i++) {
      lines.add(i + "," + kinds[i] + "," + (i + 1));
    }
    Path f = tmp.resolve("kinds.csv");
    Files.write(f, lines);
    TabularData d = TabularSource.csv(f.toString()).header(true).labelColumns("kind").weightColumn("w")
        .standardizeFeatures(false).validationFraction(0.5).seed(4).partitions(2).classify(null)
        .load(TestSpark.session());
    try {
      assertEquals(List.of("b", "a", "c"), d.classes().labels());
      RowBlock train = d.collectTraining();
      RowBlock held = d.collectValidation();
      // round(0.5 · 6) = 3, round(0.5 · 4) = 2, round(0.5 · 2) = 1 of each class held out.
      int[] heldPerClass = new int[3];
      for (int i = 0; i < held.rows; i++) {
        heldPerClass[(int) held.y[i]]++;
      }
      assertArrayEquals(new int[] {3, 2, 1}, heldPerClass);
      assertEquals(12, train.rows + held.rows);
      // Every row keeps its label (as its class index) and weight: x = i, w = i + 1.
      for (RowBlock b : new RowBlock[] {train, held}) {
        for (int i = 0; i < b.rows; i++) {
          int row = (int) b.x[i];
          assertEquals(d.classes().indexOf(kinds[row]), b.y[i], 0.0);
          assertEquals(row + 1, b.weight[i], 0.0);
        }
      }
      // The same table as Parquet (string label column): the same classes, split and blocks.
      List<Row> rows = new ArrayList<>();
      for (int i = 0; i < kinds.length; i++) {
        rows.add(RowFactory.create((double) i, kinds[i], (double) (i + 1)));
      }
      StructType schema = new StructType().add("x", DataTypes.DoubleType).add("kind", DataTypes.StringType)
          .add("w", DataTypes.DoubleType);
      String dir = tmp.resolve("kinds.parquet").toString();
      TestSpark.session().createDataFrame(rows, schema).coalesce(1).write().parquet(dir);
      TabularData p = TabularSource.parquet(dir).labelColumns("kind").weightColumn("w").standardizeFeatures(false)
          .validationFraction(0.5).seed(4).partitions(2).classify(null).load(TestSpark.session());
      try {
        assertEquals(d.classes(), p.classes());
        for (RowBlock[] pair : new RowBlock[][] {{train, p.collectTraining()}, {held, p.collectValidation()}}) {
          assertArrayEquals(pair[0].x, pair[1].x, 0.0);
          assertArrayEquals(pair[0].y, pair[1].y, 0.0);
          assertArrayEquals(pair[0].weight, pair[1].weight, 0.0);
        }
      } finally {
        p.unpersist();
      }

      // A test file read with these classes: an unseen label is an error at its line.
      Path t = tmp.resolve("test.csv");
      Files.write(t, List.of("x,kind,w", "1,a,1", "2,dog,1"));
      DataError e = loadFails(TabularSource.csv(t.toString()).header(true).labelColumns("kind").weightColumn("w")
          .classify(d.classes()));
      assertEquals(t + ":3: label 'dog' in column kind is not one of the 3 classes of the training data (b, a, c)",
          e.getMessage());
    } finally {
      d.unpersist();
    }
  }

  private DataError loadFails(TabularSource s) {
    return assertThrows(DataError.class, () -> s.load(TestSpark.session()));
  }

  @Test
  void malformedCsvLineNamesFileAndLine() throws IOException {
    Path f = tmp.resolve("bad.csv");
    Files.writeString(f, "age,bmi,y\n50,21.5,1\n60,22.5,2\n61,abc,3\n");
    DataError e = loadFails(TabularSource.csv(f.toString()).header(true).labelColumns("y"));
    assertEquals(f + ":4: non-numeric value 'abc' in column bmi", e.getMessage());
    assertEquals(4, e.line());
  }

  @Test
  void nanNamesFileAndLine() throws IOException {
    Path f = tmp.resolve("nan.csv");
    Files.writeString(f, "1 2 3\n4 NaN 6\n7 8 9\n");
    DataError e = loadFails(TabularSource.csv(f.toString()).separator("space").labelColumns("_c2"));
    assertEquals(f + ":2: NaN value in column _c1", e.getMessage());
  }

  @Test
  void wrongColumnCountNamesFileAndLine() throws IOException {
    Path f = tmp.resolve("short.csv");
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 30; i++) {
      sb.append(i).append(',').append(i * 2).append(i == 17 ? "" : "," + i).append('\n');
    }
    Files.writeString(f, sb.toString());
    DataError e = loadFails(TabularSource.csv(f.toString()).labelColumns("_c2").partitions(3));
    assertEquals(f + ":17: expected 3 columns, found 2", e.getMessage());
  }

  @Test
  void labelFileWithBadLineAndWrongLength() throws IOException {
    Path labels = tmp.resolve("labels.csv");
    Files.writeString(labels, "1\n2\nx\n");
    Path data = tmp.resolve("data.csv");
    Files.writeString(data, "1,2\n3,4\n5,6\n");
    DataError bad = loadFails(TabularSource.csv(data.toString()).labelPath(labels.toString()));
    assertEquals(labels + ":3: non-numeric value 'x' in column label", bad.getMessage());
    Files.writeString(labels, "1\n2\n");
    DataError shortFile = loadFails(TabularSource.csv(data.toString()).labelPath(labels.toString()));
    assertTrue(shortFile.getMessage().startsWith(labels + ": has 2 label rows, but " + data + " has 3"), shortFile.getMessage());
  }

  @Test
  void missingFilesAreNamed() {
    DataError e = loadFails(TabularSource.csv("no/such/file.csv").labelColumns("_c0"));
    assertEquals("no/such/file.csv: no such file or directory", e.getMessage());
    assertEquals("no/such/file.csv", e.file());
    DataError l = loadFails(TabularSource.csv(dataFile.toString()).separator(" ").labelPath("missing-labels.csv"));
    assertEquals("missing-labels.csv: no such file or directory", l.getMessage());
  }

  @Test
  void unknownColumnAndParquetNull() throws IOException {
    Path f = tmp.resolve("u.csv");
    Files.writeString(f, "a,b\n1,2\n");
    DataError e = loadFails(TabularSource.csv(f.toString()).header(true).labelColumns("c"));
    assertTrue(e.getMessage().contains("no column 'c' (columns: a, b)"), e.getMessage());

    StructType schema = new StructType().add("x", DataTypes.DoubleType).add("y", DataTypes.DoubleType);
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create(1.0, 2.0));
    rows.add(RowFactory.create(null, 3.0));
    String dir = tmp.resolve("n.parquet").toString();
    TestSpark.session().createDataFrame(rows, schema).coalesce(1).write().parquet(dir);
    DataError n = loadFails(TabularSource.parquet(dir).labelColumns("y"));
    assertTrue(n.getMessage().matches(".*\\.parquet: row 2: null value in column x"), n.getMessage());
  }

  @Test
  void optionsMap() {
    TabularSource s = TabularSource.fromOptions(Map.of("path", "x.csv", "label", "a, b", "header", "true",
        "validation-fraction", "0.2"));
    assertNotNull(s.describe());
    assertEquals(List.of("a", "b"), s.describe().get("label"));
    assertThrows(IllegalArgumentException.class, () -> TabularSource.fromOptions(Map.of("path", "x", "nope", "1")));
  }
}
