package org.varpro.ml;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;

/**
 * What the two VarPro estimators share: the uid, the params (declared in {@link VarProParamSet})
 * and saving them. Subclasses add the fit and MLlib's static {@code read()} / {@code load}.
 *
 * @param <M> the model the estimator fits
 */
public abstract class VarProEstimator<M extends Model<M>> extends Estimator<M> implements MLWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final VarProParamSet params;

  VarProEstimator(String uid, VarProParamSet.Kind kind) {
    this.uid = uid;
    this.params = new VarProParamSet(this, kind);
    params.setDefaults(this);
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The Param objects of this stage. */
  public VarProParamSet paramSet() {
    return params;
  }

  @Override
  public MLWriter write() {
    return StageIO.writer(this, null);
  }
}
