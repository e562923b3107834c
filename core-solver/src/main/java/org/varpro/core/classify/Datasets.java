package org.varpro.core.classify;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Readers for the classification data sets: the UCI digits shipped in the repository and
 * Fashion-MNIST from Debian's {@code dataset-fashion-mnist} package. Pixels are scaled to [0, 1].
 */
public final class Datasets {
  /** Where Debian's dataset-fashion-mnist package puts the IDX files. */
  public static final Path FASHION_MNIST_DIR = Paths.get("/usr/share/datasets/fashion-mnist");
  /** The digits file, relative to the repository root. */
  public static final String DIGITS_FILE = "data/digits.csv.gz";

  private Datasets() {}

  /**
   * The UCI digits (1797 rows): 64 pixel counts 0..16 scaled to [0, 1] (÷16), the class 0..9 in
   * the last column. Comma separated, no header; gzip when the name ends in ".gz".
   */
  public static LabeledData digits(Path file) {
    List<double[]> rows = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.US_ASCII))) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        line = line.trim();
        if (line.isEmpty()) {
          continue;
        }
        String[] f = line.split(",");
        if (f.length != 65) {
          throw new IllegalArgumentException(file + " line " + lineNo + ": expected 65 fields, found " + f.length);
        }
        double[] r = new double[65];
        for (int j = 0; j < 65; j++) {
          r[j] = Double.parseDouble(f[j].trim());
        }
        rows.add(r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read digits from " + file, e);
    }
    int m = rows.size();
    double[] x = new double[m * 64];
    int[] labels = new int[m];
    for (int i = 0; i < m; i++) {
      double[] r = rows.get(i);
      for (int d = 0; d < 64; d++) {
        x[i + d * m] = r[d] / 16.0;
      }
      labels[i] = (int) r[64];
      if (labels[i] != r[64]) {
        throw new IllegalArgumentException(file + " row " + (i + 1) + ": class " + r[64] + " is not an integer");
      }
    }
    return new LabeledData(m, 64, 10, x, labels);
  }

  /** The digits from {@value #DIGITS_FILE}, looked up from the working directory upwards. */
  public static LabeledData digits() {
    Path dir = Paths.get("").toAbsolutePath();
    for (Path d = dir; d != null; d = d.getParent()) {
      Path f = d.resolve(DIGITS_FILE);
      if (Files.isRegularFile(f)) {
        return digits(f);
      }
    }
    throw new IllegalStateException(DIGITS_FILE + " not found in " + dir + " or any parent directory");
  }

  /** Fashion-MNIST train (60000 rows) or test (10000 rows) from {@link #FASHION_MNIST_DIR}. */
  public static LabeledData fashionMnist(boolean train) {
    return fashionMnist(FASHION_MNIST_DIR, train);
  }

  /** Fashion-MNIST from a directory holding the four {@code *-idx?-ubyte.gz} files. */
  public static LabeledData fashionMnist(Path dir, boolean train) {
    String prefix = train ? "train" : "t10k";
    Path images = dir.resolve(prefix + "-images-idx3-ubyte.gz");
    Path labels = dir.resolve(prefix + "-labels-idx1-ubyte.gz");
    if (!Files.isRegularFile(images) || !Files.isRegularFile(labels)) {
      throw new IllegalStateException("Fashion-MNIST not found under " + dir + " (" + images.getFileName()
          + ", " + labels.getFileName() + "): apt-get install dataset-fashion-mnist");
    }
    return idx(images, labels, 10);
  }

  /**
   * Images and labels in the IDX format of (Fashion-)MNIST: big-endian, magic 0x00000803 for
   * unsigned-byte images (count, rows, cols) and 0x00000801 for labels; pixels scaled ÷255.
   */
  public static LabeledData idx(Path images, Path labels, int classes) {
    try (DataInputStream im = new DataInputStream(open(images));
        DataInputStream lb = new DataInputStream(open(labels))) {
      int magic = im.readInt();
      if (magic != 0x00000803) {
        throw new IllegalArgumentException(images + ": not an IDX image file (magic 0x" + Integer.toHexString(magic) + ")");
      }
      int count = im.readInt();
      int h = im.readInt();
      int w = im.readInt();
      int lmagic = lb.readInt();
      if (lmagic != 0x00000801) {
        throw new IllegalArgumentException(labels + ": not an IDX label file (magic 0x" + Integer.toHexString(lmagic) + ")");
      }
      int lcount = lb.readInt();
      if (lcount != count) {
        throw new IllegalArgumentException(images + " has " + count + " images but " + labels + " has " + lcount + " labels");
      }
      int d = h * w;
      double[] x = new double[count * d];
      byte[] buf = new byte[d];
      for (int i = 0; i < count; i++) {
        im.readFully(buf);
        for (int j = 0; j < d; j++) {
          x[i + j * count] = (buf[j] & 0xff) / 255.0;
        }
      }
      byte[] lbuf = new byte[count];
      lb.readFully(lbuf);
      int[] y = new int[count];
      for (int i = 0; i < count; i++) {
        y[i] = lbuf[i] & 0xff;
      }
      return new LabeledData(count, d, classes, x, y);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read IDX files " + images + ", " + labels, e);
    }
  }

  private static InputStream open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
  }
}
