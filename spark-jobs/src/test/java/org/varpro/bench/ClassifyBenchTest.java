package org.varpro.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.varpro.cli.Main;
import org.varpro.core.classify.ClassificationMetrics;
import org.varpro.core.classify.ClassLabels;
import org.varpro.core.model.RowBlock;
import org.varpro.job.ClassifyData;
import org.varpro.job.ClassifyJob;
import org.varpro.job.JobConfig;
import org.varpro.job.TrainJob;
import org.varpro.spark.TestSpark;
import picocli.CommandLine;

/**
 * {@code bench classify} on a small digits configuration: VarPro's figures are those of
 * {@code train} of the same configuration (bit for bit), MLlib's metrics computed on the driver
 * equal those from MLlib's own transform, and a configuration without a classify section exits
 * with 2. No timing assertions.
 */
class ClassifyBenchTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void spark() {
    TestSpark.session();
  }

  /** conf/digits.conf on 300 training rows, 3 outer iterations. */
  Path config() throws IOException {
    return TestSpark.digitsConfig(tmp, "conf/digits.conf", 300,
        "model { hidden = [8] }\nsolver { max-iterations = 3 }\n");
  }

  /** The rows of {@link #config()}, loaded as the bench loads them (release them after). */
  ClassifyData data() throws IOException {
    Path config = config();
    JobConfig job = JobConfig.parse(JobConfig.load(config, List.of()), config, null, null);
    return ClassifyData.load(ClassifyJob.check(job).data(), job, TestSpark.session());
  }

  @Test
  void varproIsTrainAndBothAreMeasuredAlike() throws IOException {
    Path config = config();
    JobConfig job = JobConfig.parse(JobConfig.load(config, List.of()), config, null, null);
    ClassifyBench.Options o = new ClassifyBench.Options();
    o.calibrationIterations = 2;
    List<String> progress = new ArrayList<>();
    o.progress = progress::add;
    ClassifyBench.Report report = ClassifyBench.run(TestSpark.session(), job, o);

    assertEquals(2, report.results().size());
    ClassifyBench.MethodResult varpro = report.results().get(0);
    ClassifyBench.MethodResult mllib = report.results().get(1);
    assertEquals("varpro", varpro.method());
    assertEquals("mllib-mlp", mllib.method());
    assertEquals("sigmoid [64, 8, 10]", mllib.model());
    assertTrue(mllib.iterations() >= 1, mllib.toString());
    assertTrue(Double.isFinite(report.timeRatio()) && report.timeRatio() > 0, report.toString());
    String text = report.table().render();
    assertTrue(text.contains("equal time: varpro"), text);
    assertTrue(text.contains("mllib calibration: warm-up 2 iterations"), text);
    assertTrue(progress.stream().anyMatch(l -> l.startsWith("bench: mllib fit 1 (70% of varpro's time): maxIter")),
        progress.toString());
    assertTrue(report.mllibFits() >= 1, report.toString());
    assertTrue(text.contains("mllib's model: the fit with the lowest log-loss on 33 training rows held out"), text);

    // The oracle for VarPro's side: train of the same configuration, bit for bit.
    TrainJob.Options t = new TrainJob.Options();
    t.config = config;
    t.output = tmp.resolve("runs/train").toString();
    t.log = new PrintWriter(new StringWriter(), true);
    Map<String, Object> train = TrainJob.run(t).summary();
    assertEquals(train.get("iterations"), varpro.iterations());
    Map<?, ?> test = (Map<?, ?>) train.get("test");
    Map<?, ?> fit = (Map<?, ?>) train.get("train");
    assertEquals((Double) test.get("accuracy"), varpro.testAccuracy(), 0.0);
    assertEquals((Double) test.get("log_loss"), varpro.testLogLoss(), 0.0);
    assertEquals((Double) fit.get("accuracy"), varpro.trainAccuracy(), 0.0);
    assertEquals((Double) fit.get("log_loss"), varpro.trainLogLoss(), 0.0);
  }

  /**
   * MLlib's probabilities taken on the driver (predictProbability, what the bench uses) against
   * MLlib's own DataFrame transform of the same rows: the same metrics (rounding of the
   * summation order only).
   */
  @Test
  void mllibMetricsOnTheDriverEqualMllibsTransform() throws IOException {
    ClassifyData data = data();
    try {
      RowBlock train = data.train();
      Dataset<Row> frame = ClassifyBench.frame(TestSpark.session(), data.trainBlocks(), 10, null).cache();
      assertEquals(train.rows, frame.count());
      MultilayerPerceptronClassificationModel model = new MultilayerPerceptronClassifier()
          .setLayers(new int[] {64, 8, 10}).setMaxIter(5).setSeed(1).fit(frame);
      ClassificationMetrics driver = ClassifyBench.mllibMetrics(model, train, 10);
      // The frame keeps the blocks' row order, which is the training rows' order.
      List<Row> rows = model.transform(frame).select("label", "probability").collectAsList();
      double[] p = new double[rows.size() * 10];
      int[] labels = new int[rows.size()];
      for (int i = 0; i < rows.size(); i++) {
        labels[i] = (int) rows.get(i).getDouble(0);
        assertEquals(ClassLabels.label(train, i, 10), labels[i], "row " + i);
        Vector v = (Vector) rows.get(i).get(1);
        for (int k = 0; k < 10; k++) {
          p[i + k * rows.size()] = v.apply(k);
        }
      }
      ClassificationMetrics transform = ClassificationMetrics.of(p, rows.size(), 10, labels);
      assertEquals(transform.accuracy(), driver.accuracy(), 0.0);
      // Sums of 300 terms of order 1: a few ulps of the total.
      assertEquals(transform.logLoss(), driver.logLoss(), 1e-12);
      frame.unpersist();
    } finally {
      data.release().run();
    }
  }

  /**
   * Without validation rows, MLlib fits the training rows less a stratified seeded share: the
   * frame holds exactly the other rows, in order, and the held-out rows are the selection block.
   */
  @Test
  void mllibFitsTheTrainingRowsLessTheSelectionRows() throws IOException {
    ClassifyData data = data();
    try {
      RowBlock train = data.train();
      ClassifyBench.Selection selection = ClassifyBench.selection(data, 10, 3, 0.1);
      boolean[] heldOut = selection.heldOut();
      assertEquals(train.rows, heldOut.length);
      Broadcast<boolean[]> mask = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext())
          .broadcast(heldOut);
      List<Row> rows = ClassifyBench.frame(TestSpark.session(), data.trainBlocks(), 10, mask).collectAsList();
      mask.destroy();
      assertEquals(train.rows - selection.rows().rows, rows.size());
      int kept = 0;
      int held = 0;
      for (int i = 0; i < train.rows; i++) {
        if (heldOut[i]) {
          assertEquals(ClassLabels.label(train, i, 10), ClassLabels.label(selection.rows(), held, 10), "row " + i);
          assertEquals(train.input(i, 0), selection.rows().input(held++, 0), 0.0);
        } else {
          Row r = rows.get(kept++);
          assertEquals(ClassLabels.label(train, i, 10), (int) r.getDouble(0), "row " + i);
          assertEquals(train.input(i, 5), ((Vector) r.get(1)).apply(5), 0.0);
        }
      }
      // Stratified: round(0.1 · rows of the class) of every class.
      int[] perClass = new int[10];
      int[] heldPerClass = new int[10];
      for (int i = 0; i < train.rows; i++) {
        perClass[ClassLabels.label(train, i, 10)]++;
        heldPerClass[ClassLabels.label(train, i, 10)] += heldOut[i] ? 1 : 0;
      }
      for (int k = 0; k < 10; k++) {
        assertEquals(Math.round(0.1 * perClass[k]), heldPerClass[k], "class " + k);
      }
    } finally {
      data.release().run();
    }
  }

  @Test
  void aRegressionConfigurationExitsWithTwo() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new Main());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute("bench", "classify", "--config", TestSpark.repoFile("conf/heat.conf").toString());
    assertEquals(2, code, err.toString());
    List<String> lines = err.toString().lines().toList();
    assertEquals(1, lines.size(), err.toString());
    assertTrue(lines.get(0).startsWith("varpro: classify: bench classify needs a classification configuration"),
        err.toString());
    assertFalse(out.toString().contains("mllib"), out.toString());
  }
}
