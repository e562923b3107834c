package org.varpro.sweep;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * The sweep's result table: one row per configuration in index order, written on the driver as
 * CSV and as one Parquet file. Columns: {@code index}, {@code hash}, the varied keys (whole
 * numbers as INT64, other numbers as DOUBLE, anything else as text), {@code status},
 * {@code error}, {@code stop_reason}, {@code loss}, the problem's metrics, {@code iterations},
 * {@code solver_seconds}, {@code wall_seconds}, {@code executor} and {@code overrides} (the
 * {@code --set} arguments that make {@code train} run the configuration). Missing values are
 * empty in the CSV and null in Parquet; numbers in the CSV are in Java's shortest round-trip form.
 */
final class ResultTable {
  enum Type { INT32, INT64, DOUBLE, TEXT }

  record Column(String name, Type type) {}

  private final List<Column> columns;
  private final List<Object[]> rows;

  private ResultTable(List<Column> columns, List<Object[]> rows) {
    this.columns = columns;
    this.rows = rows;
  }

  /** The table of the configurations (in index order) and their rows. */
  static ResultTable of(List<String> keys, List<String> metricNames, List<Configuration> configurations,
      Map<String, SweepRow> rowsByHash) {
    List<Column> cols = new ArrayList<>();
    cols.add(new Column("index", Type.INT32));
    cols.add(new Column("hash", Type.TEXT));
    for (int k = 0; k < keys.size(); k++) {
      cols.add(new Column(keys.get(k), valueType(configurations, k)));
    }
    cols.add(new Column("status", Type.TEXT));
    cols.add(new Column("error", Type.TEXT));
    cols.add(new Column("stop_reason", Type.TEXT));
    cols.add(new Column("loss", Type.DOUBLE));
    for (String m : metricNames) {
      cols.add(new Column(m, Type.DOUBLE));
    }
    cols.add(new Column("iterations", Type.INT32));
    cols.add(new Column("solver_seconds", Type.DOUBLE));
    cols.add(new Column("wall_seconds", Type.DOUBLE));
    cols.add(new Column("executor", Type.TEXT));
    cols.add(new Column("overrides", Type.TEXT));
    List<Object[]> out = new ArrayList<>();
    for (Configuration c : configurations) {
      SweepRow r = rowsByHash.get(c.hash());
      List<Object> v = new ArrayList<>();
      v.add(c.index());
      v.add(c.hash());
      for (int k = 0; k < keys.size(); k++) {
        v.add(convert(c.values().get(k), cols.get(2 + k).type()));
      }
      v.add(r.status());
      v.add(r.error());
      v.add(r.stopReason());
      v.add(r.loss());
      for (String m : metricNames) {
        v.add(r.metrics().get(m));
      }
      v.add(r.iterations());
      v.add(r.solverSeconds());
      v.add(r.wallSeconds());
      v.add(r.executor());
      v.add(String.join(" ", c.overrides()));
      out.add(v.toArray());
    }
    return new ResultTable(cols, out);
  }

  /** INT64 when every value is a whole number, DOUBLE when every value is a number, else TEXT. */
  private static Type valueType(List<Configuration> configurations, int k) {
    boolean allLong = true;
    boolean allNumber = true;
    for (Configuration c : configurations) {
      Object v = c.values().get(k);
      if (v == null) {
        continue;
      }
      allLong &= v instanceof Long;
      allNumber &= v instanceof Number;
    }
    return allLong ? Type.INT64 : allNumber ? Type.DOUBLE : Type.TEXT;
  }

  private static Object convert(Object v, Type t) {
    if (v == null) {
      return null;
    }
    return switch (t) {
      case DOUBLE -> ((Number) v).doubleValue();
      case TEXT -> String.valueOf(v);
      default -> v;
    };
  }

  List<Column> columns() {
    return columns;
  }

  List<Object[]> rows() {
    return rows;
  }

  /** The text of results.csv. */
  String csv() {
    StringBuilder w = new StringBuilder();
    {
      List<String> header = new ArrayList<>();
      for (Column c : columns) {
        header.add(csvField(c.name()));
      }
      w.append(String.join(",", header)).append('\n');
      for (Object[] row : rows) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < row.length; i++) {
          if (i > 0) {
            line.append(',');
          }
          if (row[i] != null) {
            line.append(csvField(String.valueOf(row[i])));
          }
        }
        w.append(line.append('\n'));
      }
    }
    return w.toString();
  }

  /** RFC 4180 quoting when the field needs it. */
  static String csvField(String s) {
    if (s.isEmpty() || s.chars().anyMatch(ch -> ch == ',' || ch == '"' || ch == '\n' || ch == '\r')
        || !s.strip().equals(s)) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  MessageType parquetSchema() {
    Types.MessageTypeBuilder b = Types.buildMessage();
    for (Column c : columns) {
      switch (c.type()) {
        case INT32 -> b.optional(PrimitiveTypeName.INT32).named(c.name());
        case INT64 -> b.optional(PrimitiveTypeName.INT64).named(c.name());
        case DOUBLE -> b.optional(PrimitiveTypeName.DOUBLE).named(c.name());
        case TEXT -> b.optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(c.name());
        default -> throw new IllegalStateException();
      }
    }
    return b.named("sweep");
  }

  /**
   * One Parquet file, written on the driver into {@code out} (the stream of a file on any Hadoop
   * file system: no executor involved, and no {@code .crc} or {@code _SUCCESS} side files).
   */
  void writeParquet(OutputStream out) throws IOException {
    MessageType schema = parquetSchema();
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new StreamOutputFile(out)).withType(schema)
        .withCompressionCodec(CompressionCodecName.UNCOMPRESSED).withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
        .build()) {
      for (Object[] row : rows) {
        Group g = groups.newGroup();
        for (int i = 0; i < row.length; i++) {
          Object v = row[i];
          if (v == null) {
            continue;
          }
          String name = columns.get(i).name();
          switch (columns.get(i).type()) {
            case INT32 -> g.add(name, ((Number) v).intValue());
            case INT64 -> g.add(name, ((Number) v).longValue());
            case DOUBLE -> g.add(name, ((Number) v).doubleValue());
            case TEXT -> g.add(name, String.valueOf(v));
            default -> throw new IllegalStateException();
          }
        }
        w.write(g);
      }
    }
  }

  /** A Parquet output file over an open stream (Parquet closes it when done; the caller owns it). */
  private record StreamOutputFile(OutputStream out) implements OutputFile {
    @Override
    public PositionOutputStream create(long blockSizeHint) {
      return new PositionOutputStream() {
        private long position;

        @Override
        public long getPos() {
          return position;
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
          position++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
          position += len;
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.flush();
        }
      };
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }
  }
}
