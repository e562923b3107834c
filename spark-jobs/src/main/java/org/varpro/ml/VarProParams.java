package org.varpro.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The params every VarPro stage has (estimators and models alike), MLlib-style: {@code hidden()}
 * is the Param, {@code getHidden()} its value, {@code setHidden(…)} sets it and returns the
 * stage. Names, docs, defaults and validators are declared once, in {@link VarProParamSet}; see
 * {@link Params#explainParams()} for the list with the current values.
 *
 * @param <S> the stage type the setters return
 */
public interface VarProParams<S extends VarProParams<S>> extends Params {
  /** The Param objects of this stage (the declarations behind the methods below). */
  VarProParamSet paramSet();

  @SuppressWarnings("unchecked")
  private S self() {
    return (S) this;
  }

  /** The weight column when one is set and not empty, else null. */
  default String weightColumnOrNull() {
    return isDefined(weightCol()) && !getWeightCol().isEmpty() ? getWeightCol() : null;
  }

  default Param<String> featuresCol() {
    return paramSet().featuresCol;
  }

  default String getFeaturesCol() {
    return getOrDefault(featuresCol());
  }

  default S setFeaturesCol(String value) {
    set(featuresCol(), value);
    return self();
  }

  default Param<String> labelCol() {
    return paramSet().labelCol;
  }

  default String getLabelCol() {
    return getOrDefault(labelCol());
  }

  default S setLabelCol(String value) {
    set(labelCol(), value);
    return self();
  }

  default Param<String> weightCol() {
    return paramSet().weightCol;
  }

  default String getWeightCol() {
    return getOrDefault(weightCol());
  }

  default S setWeightCol(String value) {
    set(weightCol(), value);
    return self();
  }

  default Param<String> predictionCol() {
    return paramSet().predictionCol;
  }

  default String getPredictionCol() {
    return getOrDefault(predictionCol());
  }

  default S setPredictionCol(String value) {
    set(predictionCol(), value);
    return self();
  }

  default IntArrayParam hidden() {
    return paramSet().hidden;
  }

  default int[] getHidden() {
    return getOrDefault(hidden());
  }

  default S setHidden(int[] value) {
    set(hidden(), value);
    return self();
  }

  default Param<String> activation() {
    return paramSet().activation;
  }

  default String getActivation() {
    return getOrDefault(activation());
  }

  default S setActivation(String value) {
    set(activation(), value);
    return self();
  }

  default Param<String> init() {
    return paramSet().init;
  }

  default String getInit() {
    return getOrDefault(init());
  }

  default S setInit(String value) {
    set(init(), value);
    return self();
  }

  default LongParam seed() {
    return paramSet().seed;
  }

  default long getSeed() {
    return (Long) getOrDefault(seed());
  }

  default S setSeed(long value) {
    set(seed(), value);
    return self();
  }

  default DoubleParam lambda() {
    return paramSet().lambda;
  }

  default double getLambda() {
    return (Double) getOrDefault(lambda());
  }

  default S setLambda(double value) {
    set(lambda(), value);
    return self();
  }

  default IntParam maxIter() {
    return paramSet().maxIter;
  }

  default int getMaxIter() {
    return (Integer) getOrDefault(maxIter());
  }

  default S setMaxIter(int value) {
    set(maxIter(), value);
    return self();
  }

  default DoubleParam timeBudget() {
    return paramSet().timeBudget;
  }

  default double getTimeBudget() {
    return (Double) getOrDefault(timeBudget());
  }

  default S setTimeBudget(double value) {
    set(timeBudget(), value);
    return self();
  }

  default Param<String> statistics() {
    return paramSet().statistics;
  }

  default String getStatistics() {
    return getOrDefault(statistics());
  }

  default S setStatistics(String value) {
    set(statistics(), value);
    return self();
  }

  default Param<String> step() {
    return paramSet().step;
  }

  default String getStep() {
    return getOrDefault(step());
  }

  default S setStep(String value) {
    set(step(), value);
    return self();
  }

  default DoubleParam tol() {
    return paramSet().tol;
  }

  default double getTol() {
    return (Double) getOrDefault(tol());
  }

  default S setTol(double value) {
    set(tol(), value);
    return self();
  }

  default BooleanParam standardization() {
    return paramSet().standardization;
  }

  default boolean getStandardization() {
    return (Boolean) getOrDefault(standardization());
  }

  default S setStandardization(boolean value) {
    set(standardization(), value);
    return self();
  }

  default IntParam blockRows() {
    return paramSet().blockRows;
  }

  default int getBlockRows() {
    return (Integer) getOrDefault(blockRows());
  }

  default S setBlockRows(int value) {
    set(blockRows(), value);
    return self();
  }
}
