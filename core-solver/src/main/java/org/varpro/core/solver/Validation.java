package org.varpro.core.solver;

/**
 * A held-out score of an iterate (lower is better), e.g. the PDE residual at collocation points
 * the fit never saw. With it the solver keeps the best iterate and can stop early when the
 * score stops improving: the reduced loss on fixed rows keeps falling long after the fit has
 * started to overfit them.
 */
@FunctionalInterface
public interface Validation {
  double score(double[] theta, double[] c);
}
