package org.varpro.ml;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import java.util.Map;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.varpro.model.FittedModel;
import org.varpro.model.ModelFile;
import org.varpro.spark.Standardization;

/**
 * What the two fitted VarPro models share: the uid, the params, the fitted model
 * ({@link FittedModel}: network, θ, C, standardization, the same one {@code varpro train}
 * writes), the training summary, copying and saving. The saved {@code data/model.json} is the
 * model's {@link ModelFile} document with two more keys: {@code vector_label} and {@code summary}.
 *
 * @param <M> the model type
 */
public abstract class VarProModel<M extends VarProModel<M>> extends Model<M> implements MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final VarProParamSet params;
  final FittedModel fitted;
  /** Whether the regression label (and so the prediction) is a Vector. */
  final boolean vectorLabel;
  private final TrainingSummary summary;

  VarProModel(String uid, VarProParamSet.Kind kind, FittedModel fitted, boolean vectorLabel, TrainingSummary summary) {
    this.uid = uid;
    this.params = new VarProParamSet(this, kind);
    params.setDefaults(this);
    this.fitted = fitted;
    this.vectorLabel = vectorLabel;
    this.summary = summary;
  }

  /** The fit's model and solver sections as JSON text (recorded as the model's configuration). */
  static String render(Config config) {
    return config.root().render(ConfigRenderOptions.concise());
  }

  /** The fitted model of a saved stage's data, which must be of the given kind. */
  static FittedModel readModel(JsonNode data, FittedModel.Kind kind) {
    FittedModel m = ModelFile.fromJson(data, "data/model.json");
    if (m.kind() != kind) {
      throw new IllegalArgumentException("data/model.json is not a VarPro " + kind.key() + " model (it is a "
          + m.kind().key() + " model)");
    }
    return m;
  }

  /** The same model under another uid (for {@link #copy}). */
  abstract M withUid(String uid);

  @Override
  public String uid() {
    return uid;
  }

  /** The Param objects of this stage. */
  public VarProParamSet paramSet() {
    return params;
  }

  /** Hidden parameters θ (a copy). */
  public double[] theta() {
    return fitted.theta();
  }

  /** Output weights C, n×k column-major (k outputs or K classes; regression: in standardized label units) (a copy). */
  public double[] coefficients() {
    return fitted.c();
  }

  /** The standardization applied around the network (features; regression labels too). */
  public Standardization scaling() {
    return fitted.standardization();
  }

  /** Features per row. */
  public int numFeatures() {
    return fitted.inputs().size();
  }

  /** The fit's history and stop reason. */
  public TrainingSummary summary() {
    return summary;
  }

  public boolean hasSummary() {
    return summary != null;
  }

  @Override
  public M copy(ParamMap extra) {
    M m = withUid(uid);
    copyValues(m, extra);
    if (hasParent()) {
      m.setParent(parent());
    }
    return m;
  }

  @Override
  public MLWriter write() {
    Map<String, Object> data = ModelFile.toMap(fitted);
    data.put("vector_label", vectorLabel);
    data.put("summary", summary.toMap());
    return StageIO.writer(this, data);
  }
}
