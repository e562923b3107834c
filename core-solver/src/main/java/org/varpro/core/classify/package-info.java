/**
 * Classification by Variable Projection with cross-entropy (GNvpro, DESIGN §2.6).
 *
 * <p>Labels: a {@link org.varpro.core.model.RowBlock} with one target column holding the class
 * index 0..K−1 as a double (or K columns of target distributions), see {@link
 * org.varpro.core.classify.ClassLabels}. Row weights w_i scale each row's cross-entropy; weights
 * 1/m make the objective the mean cross-entropy.
 *
 * <ul>
 *   <li>Inner problem C(θ) = argmin_C Σ w_i CE(softmax(a_i C), y_i) + ½λ‖C‖²: {@link
 *       org.varpro.core.classify.SoftmaxNewton} on the sums of {@link
 *       org.varpro.core.classify.SoftmaxStats}.
 *   <li>Outer problem: Levenberg-Marquardt on f(θ) with the Gauss-Newton matrix of C frozen,
 *       {@link org.varpro.core.classify.ClassifierSolver}; dense sums in {@link
 *       org.varpro.core.classify.GaussNewtonStats}, matrix-free products in {@link
 *       org.varpro.core.classify.ParamVectorStats} solved by {@link
 *       org.varpro.core.solver.TruncatedCg} (Steihaug-Toint).
 *   <li>Forward-mode J v for perceptrons: {@link org.varpro.core.classify.JvpPerceptron}.
 *   <li>Every pass is an associative reduction (new, add a block, merge), Serializable ({@link
 *       org.varpro.core.classify.ClassifyPasses}), run by any {@link
 *       org.varpro.core.pass.PassRunner} through {@link
 *       org.varpro.core.classify.ClassifyPassEvaluator}: in this process ({@link
 *       org.varpro.core.classify.LocalClassifyEvaluator}) or on Spark, with the same bits for the
 *       same partitions.
 *   <li>Data and metrics: {@link org.varpro.core.classify.Datasets}, {@link
 *       org.varpro.core.classify.LabeledData}, {@link
 *       org.varpro.core.classify.ClassificationMetrics}, {@link
 *       org.varpro.core.classify.ClassifierModel}.
 * </ul>
 */
package org.varpro.core.classify;
