package org.varpro.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.SparkSession;

/**
 * Saving and loading VarPro stages to any Hadoop path, in MLlib's layout so that
 * {@code Pipeline}, {@code PipelineModel} and {@code CrossValidator} can save and load them:
 *
 * <pre>
 * path/metadata/part-00000   one JSON line: class, timestamp, sparkVersion, uid, paramMap,
 *                            defaultParamMap (MLlib's DefaultParamsWriter fields), varproFormat
 * path/data/model.json       models only: θ, C, standardization, network, classes, summary
 * </pre>
 *
 * The files are written and read on the driver through Hadoop's FileSystem (no Spark job): a
 * model is small, and a {@code file:} URI then means the driver's disk on any cluster.
 */
final class StageIO {
  /** The version of this layout and of the model data; a reader refuses newer ones. */
  static final int FORMAT_VERSION = 1;
  static final ObjectMapper JSON = new ObjectMapper();

  private StageIO() {}

  /** A writer for a stage: its params, and its model data when {@code data} is not null. */
  static MLWriter writer(Params stage, Map<String, Object> data) {
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        SparkSession spark = sparkSession();
        writeText(spark, new Path(new Path(path, "metadata"), "part-00000"), metadata(stage, spark) + "\n");
        if (data != null) {
          writeText(spark, new Path(new Path(path, "data"), "model.json"), toJson(data));
        }
      }
    };
  }

  /** A reader of stages without data (estimators). */
  static <T extends Params> MLReader<T> reader(Class<T> type, Function<String, T> create) {
    return reader(type, (uid, data) -> create.apply(uid), false);
  }

  /** A reader of models: {@code create} builds the stage from its uid and its model data. */
  static <T extends Params> MLReader<T> reader(Class<T> type, BiFunction<String, JsonNode, T> create, boolean data) {
    return new MLReader<>() {
      @Override
      public T load(String path) {
        SparkSession spark = sparkSession();
        JsonNode meta = readJson(spark, new Path(path, "metadata"));
        String cls = meta.path("class").asText();
        if (!cls.equals(type.getName())) {
          throw new IllegalArgumentException(path + ": holds a " + cls + ", not a " + type.getName());
        }
        int version = meta.path("varproFormat").asInt(-1);
        if (version < 1 || version > FORMAT_VERSION) {
          throw new IllegalArgumentException(path + ": VarPro stage format " + meta.path("varproFormat")
              + " is not supported (this version reads 1.." + FORMAT_VERSION + ")");
        }
        T stage = create.apply(meta.path("uid").asText(),
            data ? readJson(spark, new Path(new Path(path, "data"), "model.json")) : null);
        setParams(stage, meta.path("defaultParamMap"), true);
        setParams(stage, meta.path("paramMap"), false);
        return stage;
      }
    };
  }

  /** MLlib's metadata JSON of a stage, with the VarPro format version. */
  static String metadata(Params stage, SparkSession spark) {
    ObjectNode m = JSON.createObjectNode();
    m.put("class", stage.getClass().getName());
    m.put("timestamp", System.currentTimeMillis());
    m.put("sparkVersion", spark.version());
    m.put("uid", stage.uid());
    ObjectNode set = m.putObject("paramMap");
    ObjectNode defaults = m.putObject("defaultParamMap");
    for (Param<?> p : stage.params()) {
      if (stage.isSet(p)) {
        set.set(p.name(), encode(p, stage.get(p).get()));
      }
      if (stage.hasDefault(p)) {
        defaults.set(p.name(), encode(p, stage.getDefault(p).get()));
      }
    }
    m.put("varproFormat", FORMAT_VERSION);
    return toJson(m);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static JsonNode encode(Param p, Object value) {
    return parse(p.jsonEncode(value));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void setParams(Params stage, JsonNode values, boolean asDefaults) {
    for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext();) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!stage.hasParam(e.getKey())) {
        throw new IllegalArgumentException("unknown param '" + e.getKey() + "' for " + stage.getClass().getName());
      }
      Param p = stage.getParam(e.getKey());
      Object value = p.jsonDecode(toJson(e.getValue()));
      if (asDefaults) {
        stage.setDefault(p, value);
      } else {
        stage.set(p, value);
      }
    }
  }

  static String toJson(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
  }

  private static void writeText(SparkSession spark, Path file, String text) {
    try {
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(file, false)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** The JSON of a file, or of the one visible file in a directory (MLlib's metadata/part-00000). */
  private static JsonNode readJson(SparkSession spark, Path path) {
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path file = path;
      if (fs.getFileStatus(path).isDirectory()) {
        file = null;
        for (FileStatus s : fs.listStatus(path)) {
          String name = s.getPath().getName();
          if (s.isFile() && !name.startsWith("_") && !name.startsWith(".") && s.getLen() > 0) {
            file = s.getPath();
            break;
          }
        }
        if (file == null) {
          throw new IllegalArgumentException(path + ": no data file");
        }
      }
      try (InputStream in = fs.open(file)) {
        return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (java.io.FileNotFoundException e) {
      throw new IllegalArgumentException(path + ": not found (not a saved VarPro stage?)", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }
}
