package org.varpro.ml;

import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.varpro.spark.Standardization;

/**
 * What the two fitted VarPro models share: the uid, the params, the fitted parameters
 * ({@link FittedModel}: θ, C, standardization, training summary), copying and saving.
 *
 * @param <M> the model type
 */
public abstract class VarProModel<M extends VarProModel<M>> extends Model<M> implements MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final VarProParamSet params;
  final FittedModel fitted;

  VarProModel(String uid, VarProParamSet.Kind kind, FittedModel fitted) {
    this.uid = uid;
    this.params = new VarProParamSet(this, kind);
    params.setDefaults(this);
    this.fitted = fitted;
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
    return fitted.theta().clone();
  }

  /** Output weights C, n×k column-major (k outputs or K classes; regression: in standardized label units) (a copy). */
  public double[] coefficients() {
    return fitted.c().clone();
  }

  /** The standardization applied around the network (features; regression labels too). */
  public Standardization scaling() {
    return fitted.standardization();
  }

  /** Features per row. */
  public int numFeatures() {
    return fitted.inputs();
  }

  /** The fit's history and stop reason. */
  public TrainingSummary summary() {
    return fitted.summary();
  }

  public boolean hasSummary() {
    return fitted.summary() != null;
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
    return StageIO.writer(this, fitted.toMap());
  }
}
