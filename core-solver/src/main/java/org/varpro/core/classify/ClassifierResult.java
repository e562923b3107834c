package org.varpro.core.classify;

import java.util.List;
import org.varpro.core.solver.StopReason;

/**
 * The fitted classifier and how the solver got there.
 *
 * @param theta hidden parameters
 * @param c softmax weights, n×K column-major
 * @param loss the reduced objective at θ
 * @param step the step method actually used (DENSE or MATRIX_FREE)
 */
public record ClassifierResult(double[] theta, double[] c, double loss, double lambda,
    int iterations, double seconds, StopReason stopReason, ClassifierStep step,
    List<ClassifierRecord> history, String blas) {}
