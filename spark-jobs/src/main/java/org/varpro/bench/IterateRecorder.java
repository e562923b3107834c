package org.varpro.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.varpro.core.solver.IterationRecord;
import org.varpro.core.solver.SolverListener;

/**
 * A solver listener that keeps a copy of (θ, C) of every k-th iterate with the solver time at
 * which the iterate was reached, and measures their test errors only after the solve. The error
 * checks then take no solver time at all (only the copies do: p + n doubles per iterate), and the
 * time budget is spent on iterations alone.
 *
 * <p>Iterate k is the one reached by k accepted steps; the solver hands it to {@link #metrics}
 * when it records iteration k + 1, and it was available at the time of the record of iteration k
 * (that record is taken after the trial passes that produced it). The last iterate of the run is
 * not handed to the listener: {@link #errorTrace} takes it from the solver's result.
 */
final class IterateRecorder implements SolverListener {
  /** The test error of an iterate (θ, C). */
  @FunctionalInterface
  interface ErrorMeasure {
    double error(double[] theta, double[] c);
  }

  private record Snapshot(int iteration, double seconds, double[] theta, double[] c) {}

  private final int checkEvery;
  private final int progressEvery;
  private final Consumer<String> progress;
  private final List<Snapshot> snapshots = new ArrayList<>();
  /** Index of the current iterate (accepted steps so far) and the solver seconds it was reached. */
  private int iterate;
  private double iterateSeconds;
  private int lastSnapshot = -1;

  IterateRecorder(int checkEvery, int progressEvery, Consumer<String> progress) {
    if (checkEvery < 1) {
      throw new IllegalArgumentException("check-every must be at least 1, got " + checkEvery);
    }
    this.checkEvery = checkEvery;
    this.progressEvery = progressEvery;
    this.progress = progress;
  }

  @Override
  public Map<String, Double> metrics(double[] theta, double[] c) {
    if (iterate % checkEvery == 0 && iterate != lastSnapshot) {
      snapshots.add(new Snapshot(iterate, iterateSeconds, theta.clone(), c.clone()));
      lastSnapshot = iterate;
    }
    return Map.of();
  }

  @Override
  public void onIteration(IterationRecord r) {
    if (r.accepted()) {
      iterate = r.iteration();
      iterateSeconds = r.seconds();
    }
    if (progressEvery > 0 && r.iteration() % progressEvery == 0) {
      progress.accept(String.format("  iteration %5d  %7.2f s  loss %.3e  |g| %.2e  mu %.2e  lambda %.1e",
          r.iteration(), r.seconds(), r.loss(), r.gradientNorm(), r.mu(), r.lambda()));
    }
  }

  /**
   * The errors of the recorded iterates, in order, then of the run's last iterate (θ, C) when it
   * is given (null when the solver returned another iterate, e.g. the best held-out one) and not
   * recorded yet. Frees the copies.
   */
  List<TimeToTarget.Point> errorTrace(ErrorMeasure measure, double[] lastTheta, double[] lastC) {
    List<TimeToTarget.Point> trace = new ArrayList<>(snapshots.size() + 1);
    for (Snapshot s : snapshots) {
      trace.add(new TimeToTarget.Point(s.iteration(), s.seconds(), measure.error(s.theta(), s.c())));
    }
    snapshots.clear();
    if (lastTheta != null && iterate != lastSnapshot) {
      trace.add(new TimeToTarget.Point(iterate, iterateSeconds, measure.error(lastTheta, lastC)));
    }
    return trace;
  }
}
