package org.varpro.spark;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.varpro.core.classify.LabelIndex;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;

/**
 * Tabular rows ready for fitting: cached, standardized row blocks of the training and validation
 * splits (each partition's rows in their original order), and the standardization that maps raw
 * data to model units.
 *
 * @param training training blocks (cached)
 * @param validation validation blocks (cached; no rows when the validation fraction is 0)
 * @param inputs features per row
 * @param outputs labels per row
 * @param classes the classes of a classification table (labels are class indices), null for
 *     numeric labels
 */
public record TabularData(JavaRDD<RowBlock> training, JavaRDD<RowBlock> validation,
    long trainingRows, long validationRows, int inputs, int outputs,
    Standardization standardization, LabelIndex classes) {

  /** An evaluator over the training blocks (already cached; closing it keeps them cached). */
  public SparkEvaluator evaluator(FeatureMap map) {
    return SparkEvaluator.create(training, map);
  }

  /** All training rows on the driver, in partition order, as one block (null without rows). */
  public RowBlock collectTraining() {
    return concat(training.collect());
  }

  /** All validation rows on the driver, as one block (null without rows). */
  public RowBlock collectValidation() {
    return concat(validation.collect());
  }

  /** Drops the cached blocks. */
  public void unpersist() {
    training.unpersist(false);
    validation.unpersist(false);
  }

  private static RowBlock concat(List<RowBlock> blocks) {
    return blocks.isEmpty() ? null : RowBlock.concat(blocks.toArray(new RowBlock[0]));
  }
}
