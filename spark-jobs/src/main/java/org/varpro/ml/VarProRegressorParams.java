package org.varpro.ml;

import org.apache.spark.ml.param.BooleanParam;

/**
 * The params of {@link VarProRegressor} and {@link VarProRegressionModel}.
 *
 * @param <S> the stage type the setters return
 */
public interface VarProRegressorParams<S extends VarProRegressorParams<S>> extends VarProParams<S> {
  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  default BooleanParam standardizeLabels() {
    return paramSet().standardizeLabels;
  }

  default boolean getStandardizeLabels() {
    return (Boolean) getOrDefault(standardizeLabels());
  }

  default S setStandardizeLabels(boolean value) {
    set(standardizeLabels(), value);
    return self();
  }
}
