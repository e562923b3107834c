package org.varpro.core.solver;

import java.util.List;

/**
 * The fitted separable model and how the solver got there.
 *
 * @param theta hidden parameters
 * @param c output weights, n×k column-major
 * @param selectedIteration the iteration whose (θ, C) is returned: the last one, or with a
 *     {@link Validation} the one with the best held-out score
 * @param validationScore that iterate's held-out score (NaN without validation)
 * @param step the step method used ("factor", "gram", "dual", "matrix-free"; "dense" for
 *     classification)
 */
public record SolverResult(double[] theta, double[] c, double loss, double lambda,
    int iterations, double seconds, StopReason stopReason, int effectiveRank, int features,
    List<IterationRecord> history, String blas, int selectedIteration, double validationScore, String step) {}
