package org.varpro.core.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  @Test
  void digitsShapeScalingAndStratifiedSplit() {
    LabeledData d = Datasets.digits();
    assertEquals(1797, d.rows());
    assertEquals(64, d.inputDim());
    int[] counts = d.classCounts();
    for (int c : counts) {
      assertTrue(c >= 174 && c <= 183, "class count " + c);
    }
    double max = 0;
    for (double v : d.x()) {
      assertTrue(v >= 0 && v <= 1);
      max = Math.max(max, v);
    }
    assertEquals(1.0, max);
    // The first row of the file: 0,0,5,13,9,1,0,0,... class 0.
    assertEquals(5.0 / 16, d.x()[2 * d.rows()]);
    assertEquals(0, d.labels()[0]);
    LabeledData.Split s = d.split(0.25, 0);
    assertEquals(1797, s.train().rows() + s.test().rows());
    int[] te = s.test().classCounts();
    for (int k = 0; k < 10; k++) {
      assertEquals(Math.round(0.25 * counts[k]), te[k]);
    }
    LabeledData.Split again = d.split(0.25, 0);
    assertArrayEquals(s.test().labels(), again.test().labels());
    assertArrayEquals(s.test().x(), again.test().x());
    LabeledData sub = d.subsample(100, 3);
    assertEquals(100, sub.rows());
    assertArrayEquals(sub.x(), d.subsample(100, 3).x());
  }

  @Test
  void idxReaderOnGeneratedFiles(@TempDir Path dir) throws IOException {
    int count = 3;
    int h = 2;
    int w = 3;
    Path images = dir.resolve("train-images-idx3-ubyte.gz");
    Path labels = dir.resolve("train-labels-idx1-ubyte.gz");
    try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(images)))) {
      out.writeInt(0x00000803);
      out.writeInt(count);
      out.writeInt(h);
      out.writeInt(w);
      for (int i = 0; i < count * h * w; i++) {
        out.writeByte(i * 10);
      }
    }
    try (DataOutputStream out = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(labels)))) {
      out.writeInt(0x00000801);
      out.writeInt(count);
      out.write(new byte[] {9, 0, 4});
    }
    LabeledData d = Datasets.fashionMnist(dir, true);
    assertEquals(3, d.rows());
    assertEquals(6, d.inputDim());
    assertArrayEquals(new int[] {9, 0, 4}, d.labels());
    // Row 1, pixel 2 is byte 1·6 + 2 = 8 → 80/255.
    assertEquals(80 / 255.0, d.x()[1 + 2 * 3]);
    assertEquals(170 / 255.0, d.x()[2 + 5 * 3]);
    Datasets.InputError missing = assertThrows(Datasets.InputError.class,
        () -> Datasets.fashionMnist(dir, false));
    assertTrue(missing.getMessage().startsWith(dir.resolve("t10k-images-idx3-ubyte.gz") + ": ")
        && missing.getMessage().contains("dataset-fashion-mnist"), missing.getMessage());
  }

  /** The real test set of Debian's dataset-fashion-mnist, when installed. */
  @Test
  void fashionMnistTestSet() {
    assumeTrue(Files.isDirectory(Datasets.FASHION_MNIST_DIR), "dataset-fashion-mnist not installed");
    LabeledData d = Datasets.fashionMnist(false);
    assertEquals(10000, d.rows());
    assertEquals(784, d.inputDim());
    for (int c : d.classCounts()) {
      assertEquals(1000, c);
    }
  }

  /** Bad digits lines are reported as file:line with what is wrong. */
  @Test
  void digitsErrorsNameFileAndLine(@TempDir Path dir) throws IOException {
    String good = "0,".repeat(64) + "3";
    String[][] cases = {
        {good + "\n" + "0,".repeat(64) + "12\n", ":2: ", "class label '12' is not an integer in 0..9"},
        {good + "\n\n" + "0,".repeat(64) + "2.5\n", ":3: ", "class label '2.5' is not an integer in 0..9"},
        {"0,".repeat(63) + "x,1\n", ":1: ", "non-numeric value 'x' in pixel 63"},
        {good + "\n0,1,2\n", ":2: ", "expected 65 comma-separated fields"}};
    for (String[] c : cases) {
      Path f = dir.resolve("digits.csv");
      Files.writeString(f, c[0]);
      Datasets.InputError e = assertThrows(Datasets.InputError.class, () -> Datasets.digits(f));
      assertTrue(e.getMessage().startsWith(f + c[1]) && e.getMessage().contains(c[2]), e.getMessage());
    }
    Datasets.InputError missing = assertThrows(Datasets.InputError.class,
        () -> Datasets.digits(dir.resolve("none.csv")));
    assertEquals(dir.resolve("none.csv") + ": no such file", missing.getMessage());
  }

  @Test
  void metrics() {
    // 4 rows, 3 classes; probabilities column-major.
    double[] p = {
        0.7, 0.1, 0.2, 0.3,
        0.2, 0.8, 0.5, 0.3,
        0.1, 0.1, 0.3, 0.4};
    int[] labels = {0, 1, 2, 0};
    ClassificationMetrics m = ClassificationMetrics.of(p, 4, 3, labels);
    assertEquals(0.5, m.accuracy());
    assertEquals(-(Math.log(0.7) + Math.log(0.8) + Math.log(0.3) + Math.log(0.3)) / 4, m.logLoss(), 1e-15);
    assertArrayEquals(new long[] {1, 0, 1}, m.confusion()[0]);
    assertArrayEquals(new long[] {0, 1, 0}, m.confusion()[1]);
    assertArrayEquals(new long[] {0, 1, 0}, m.confusion()[2]);
    assertArrayEquals(new double[] {1.0, 0.5, 0.0}, m.precision(), 0.0);
    assertArrayEquals(new double[] {0.5, 1.0, 0.0}, m.recall(), 0.0);
  }
}
