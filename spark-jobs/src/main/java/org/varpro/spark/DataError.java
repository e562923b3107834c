package org.varpro.spark;

/**
 * Bad input data: a missing file, a malformed or non-numeric value, a NaN, a wrong column count.
 * The message starts with the place, {@code file:line: } for text formats ({@code file: row N: }
 * for Parquet), e.g. {@code data/x.csv:17: non-numeric value 'abc' in column bmi}.
 *
 * <p>Raised inside Spark tasks, it reaches the driver wrapped in a {@code SparkException}; the
 * readers and the evaluator rethrow the original ({@link #unwrap}).
 */
public class DataError extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;

  /**
   * @param file the file (as the user named it, or its full path)
   * @param line 1-based line (text) or row (Parquet) number; 0 when the error is about the file
   * @param message what is wrong, without the place
   */
  public DataError(String file, long line, String message) {
    super(place(file, line) + message);
    this.file = file;
    this.line = line;
  }

  public DataError(String file, long line, String message, Throwable cause) {
    super(place(file, line) + message, cause);
    this.file = file;
    this.line = line;
  }

  private static String place(String file, long line) {
    if (file == null) {
      return "";
    }
    return line > 0 ? file + ":" + line + ": " : file + ": ";
  }

  /** The same error from the core readers ({@link org.varpro.core.classify.Datasets}). */
  public static DataError of(org.varpro.core.classify.Datasets.InputError e) {
    return new DataError(e.file, e.line, e.detail, e);
  }

  /** An error about row {@code row} (1-based) of a file without lines (Parquet): "file: row N: …". */
  public static DataError row(String file, long row, String message) {
    return new DataError(file, row, message, true);
  }

  private DataError(String file, long row, String message, boolean rowForm) {
    super((file == null ? "" : file + ": ") + "row " + row + ": " + message);
    this.file = file;
    this.line = row;
  }

  /** The file the error is about (null when none). */
  public String file() {
    return file;
  }

  /** The 1-based line or row, 0 when the error is about the whole file. */
  public long line() {
    return line;
  }

  /**
   * For {@code throw DataError.unwrap(e)} around Spark actions: the first {@link DataError} in the
   * cause chain of {@code e} (a task failure arrives as a {@code SparkException}, which is a
   * checked exception, with the task's exception as its cause); without one, {@code e} itself is
   * rethrown unchanged.
   */
  public static RuntimeException unwrap(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof DataError d) {
        return d;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    if (e instanceof RuntimeException r) {
      return r;
    }
    if (e instanceof Error err) {
      throw err;
    }
    throw DataError.<RuntimeException>sneaky(e);
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneaky(Throwable e) throws T {
    throw (T) e;
  }
}
