package org.varpro.ml;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverListener;

/** One INFO log line per outer iteration of a fit (logger {@code org.varpro.ml.Progress}). */
final class Progress {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

  private Progress() {}

  static SolverListener regression(String uid) {
    return new SolverListener() {
      @Override
      public void onIteration(IterationRecord r) {
        if (LOG.isInfoEnabled()) {
          LOG.info(line(uid, r.iteration(), r.loss(), r.gradientNorm(), r.seconds(), r.accepted()));
        }
      }
    };
  }

  static SolverListener classification(String uid) {
    return new SolverListener() {
      @Override
      public void onIteration(IterationRecord r) {
        if (LOG.isInfoEnabled()) {
          LOG.info(line(uid, r.iteration(), r.loss(), r.gradientNorm(), r.seconds(), r.accepted())
              + String.format(Locale.ROOT, "  train accuracy %.4f", r.figure("train_accuracy")));
        }
      }
    };
  }

  private static String line(String uid, int iteration, double loss, double gradientNorm, double seconds,
      boolean accepted) {
    return String.format(Locale.ROOT, "%s: iteration %4d  loss %.6e  |g| %.3e  %s  %7.2f s", uid, iteration, loss,
        gradientNorm, accepted ? "accepted" : "rejected", seconds);
  }
}
