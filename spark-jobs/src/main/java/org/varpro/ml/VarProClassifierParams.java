package org.varpro.ml;

import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.Param;

/**
 * The params of {@link VarProClassifier} and {@link VarProClassificationModel}.
 *
 * @param <S> the stage type the setters return
 */
public interface VarProClassifierParams<S extends VarProClassifierParams<S>> extends VarProParams<S> {
  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  default Param<String> rawPredictionCol() {
    return paramSet().rawPredictionCol;
  }

  default String getRawPredictionCol() {
    return getOrDefault(rawPredictionCol());
  }

  default S setRawPredictionCol(String value) {
    set(rawPredictionCol(), value);
    return self();
  }

  default Param<String> probabilityCol() {
    return paramSet().probabilityCol;
  }

  default String getProbabilityCol() {
    return getOrDefault(probabilityCol());
  }

  default S setProbabilityCol(String value) {
    set(probabilityCol(), value);
    return self();
  }

  default DoubleParam thetaRidge() {
    return paramSet().thetaRidge;
  }

  default double getThetaRidge() {
    return (Double) getOrDefault(thetaRidge());
  }

  default S setThetaRidge(double value) {
    set(thetaRidge(), value);
    return self();
  }
}
