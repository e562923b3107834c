package org.varpro.core.classify;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
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
  /** Pixels per digits row (8×8) and classes. */
  public static final int DIGITS_PIXELS = 64;
  public static final int DIGITS_CLASSES = 10;
  /** The digits' pixel counts 0..16 are divided by this on reading. */
  public static final double DIGITS_SCALE = 16.0;
  /** Fashion-MNIST's pixel bytes 0..255 are divided by this on reading. */
  public static final double FASHION_MNIST_SCALE = 255.0;
  /** The four IDX files of Fashion-MNIST: training images and labels, test images and labels. */
  public static final List<String> FASHION_MNIST_FILES = List.of("train-images-idx3-ubyte.gz",
      "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz");
  /** The Fashion-MNIST classes 0..9 (Xiao, Rasul and Vollgraf 2017). */
  public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser",
      "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

  /**
   * Bad or missing input: the message starts with {@code file:line: } (or {@code file: } when the
   * problem is the whole file), as the Spark jobs report data errors.
   */
  public static final class InputError extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    public final String file;
    /** 1-based line, 0 when the error is about the whole file. */
    public final long line;
    /** The message without the place. */
    public final String detail;

    public InputError(String file, long line, String detail) {
      this(file, line, detail, null);
    }

    public InputError(String file, long line, String detail, Throwable cause) {
      super((line > 0 ? file + ":" + line : file) + ": " + detail, cause);
      this.file = file;
      this.line = line;
      this.detail = detail;
    }
  }

  private Datasets() {}

  /**
   * The UCI digits (1797 rows): 64 pixel counts 0..16 scaled to [0, 1] (÷16), the class 0..9 in
   * the last column. Comma separated, no header; gzip when the name ends in ".gz"; blank lines
   * are skipped. A malformed line (field count, a non-numeric or non-finite pixel, a class that
   * is not an integer in 0..9) is an {@link InputError} naming the file and line.
   */
  public static LabeledData digits(Path file) {
    List<double[]> rows = new ArrayList<>();
    List<Integer> classes = new ArrayList<>();
    String name = file.toString();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(open(file), StandardCharsets.US_ASCII))) {
      String line;
      long lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", -1);
        if (f.length != DIGITS_PIXELS + 1) {
          throw new InputError(name, lineNo, "expected " + (DIGITS_PIXELS + 1) + " comma-separated fields (64 pixels "
              + "and the class), found " + f.length);
        }
        double[] r = new double[DIGITS_PIXELS];
        for (int j = 0; j < DIGITS_PIXELS; j++) {
          r[j] = finite(f[j], "pixel " + j, name, lineNo) / DIGITS_SCALE;
        }
        rows.add(r);
        classes.add(classIndex(f[DIGITS_PIXELS], DIGITS_CLASSES, name, lineNo));
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new InputError(name, 0, "no such file", e);
    } catch (IOException e) {
      throw new InputError(name, 0, "cannot be read: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }
    int m = rows.size();
    if (m == 0) {
      throw new InputError(name, 0, "no data rows");
    }
    double[] x = new double[m * DIGITS_PIXELS];
    int[] labels = new int[m];
    for (int i = 0; i < m; i++) {
      double[] r = rows.get(i);
      for (int d = 0; d < DIGITS_PIXELS; d++) {
        x[i + d * m] = r[d];
      }
      labels[i] = classes.get(i);
    }
    return new LabeledData(m, DIGITS_PIXELS, DIGITS_CLASSES, x, labels);
  }

  /**
   * A class label written as text: an integer in 0..classes−1 ("3" or "3.0"), else an {@link
   * InputError} at {@code file:line}.
   */
  public static int classIndex(String text, int classes, String file, long line) {
    String t = text.strip();
    double v;
    try {
      v = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new InputError(file, line, "class label '" + t + "' is not a number");
    }
    if (v != Math.rint(v) || v < 0 || v >= classes) {
      throw new InputError(file, line, "class label '" + t + "' is not an integer in 0.." + (classes - 1));
    }
    return (int) v;
  }

  private static double finite(String text, String what, String file, long line) {
    String t = text.strip();
    double v;
    try {
      v = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new InputError(file, line, "non-numeric value '" + t + "' in " + what);
    }
    if (!Double.isFinite(v)) {
      throw new InputError(file, line, "non-finite value '" + t + "' in " + what);
    }
    return v;
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

  /** Fashion-MNIST training or test part from a directory holding its {@link #FASHION_MNIST_FILES}. */
  public static LabeledData fashionMnist(Path dir, boolean train) {
    String prefix = train ? "train" : "t10k";
    Path images = requireFashionMnistFile(dir.resolve(prefix + "-images-idx3-ubyte.gz"));
    Path labels = requireFashionMnistFile(dir.resolve(prefix + "-labels-idx1-ubyte.gz"));
    return idx(images, labels, 10);
  }

  /**
   * Checks that the four Fashion-MNIST files are in {@code dir}; otherwise an {@link InputError}
   * naming the first missing file and the Debian package that provides them.
   */
  public static void requireFashionMnist(Path dir) {
    for (String f : FASHION_MNIST_FILES) {
      requireFashionMnistFile(dir.resolve(f));
    }
  }

  private static Path requireFashionMnistFile(Path p) {
    if (!Files.isRegularFile(p)) {
      throw new InputError(p.toString(), 0, "Fashion-MNIST missing: install Debian's package "
          + "dataset-fashion-mnist (sudo apt-get install -y dataset-fashion-mnist), or point to a folder "
          + "with the four IDX files");
    }
    return p;
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
        throw new InputError(images.toString(), 0, "not an IDX image file (magic 0x" + Integer.toHexString(magic) + ")");
      }
      int count = im.readInt();
      int h = im.readInt();
      int w = im.readInt();
      int lmagic = lb.readInt();
      if (lmagic != 0x00000801) {
        throw new InputError(labels.toString(), 0, "not an IDX label file (magic 0x" + Integer.toHexString(lmagic) + ")");
      }
      int lcount = lb.readInt();
      if (lcount != count) {
        throw new InputError(labels.toString(), 0, "has " + lcount + " labels but " + images + " has " + count + " images");
      }
      int d = h * w;
      double[] x = new double[count * d];
      byte[] buf = new byte[d];
      for (int i = 0; i < count; i++) {
        im.readFully(buf);
        for (int j = 0; j < d; j++) {
          x[i + j * count] = (buf[j] & 0xff) / FASHION_MNIST_SCALE;
        }
      }
      byte[] lbuf = new byte[count];
      lb.readFully(lbuf);
      int[] y = new int[count];
      for (int i = 0; i < count; i++) {
        y[i] = lbuf[i] & 0xff;
        if (y[i] >= classes) {
          throw new InputError(labels.toString(), 0, "label " + y[i] + " of item " + (i + 1) + " is not in 0.."
              + (classes - 1));
        }
      }
      return new LabeledData(count, d, classes, x, y);
    } catch (IOException e) {
      throw new InputError(images + ", " + labels, 0, "cannot read the IDX files: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }
  }

  private static InputStream open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
  }
}
