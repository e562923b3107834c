package org.varpro.core.solver;

import java.util.function.IntToDoubleFunction;
import org.varpro.core.model.FeatureMap;

/**
 * A one-parameter objective for the loop's rules: θ counts unit steps, every step is δ = 1 with
 * a fixed predicted decrease, the loss after k steps is a scripted f(k), and the rounding level
 * is fixed. The loop's decisions (accept, stop) then follow in closed form.
 */
final class ScriptedProblem implements ReducedProblem {
  private final IntToDoubleFunction loss;
  private final double predicted;
  private final double roundingLevel;

  ScriptedProblem(IntToDoubleFunction loss, double predicted, double roundingLevel) {
    this.loss = loss;
    this.predicted = predicted;
    this.roundingLevel = roundingLevel;
  }

  @Override
  public FeatureMap featureMap() {
    throw new UnsupportedOperationException("scripted problem");
  }

  @Override
  public int numParams() {
    return 1;
  }

  @Override
  public int numFeatures() {
    return 1;
  }

  @Override
  public Iterate evaluate(double[] theta, double lambda, Iterate from) {
    double f = loss.applyAsDouble((int) Math.round(theta[0]));
    InnerSolution inner = new InnerSolution(new double[] {0}, 1, 1, 0, f, new double[] {1}, 1, false);
    return new Iterate() {
      @Override
      public double[] theta() {
        return theta;
      }

      @Override
      public InnerSolution inner() {
        return inner;
      }
    };
  }

  @Override
  public Iterate atLambda(Iterate at, double lambda) {
    return at;
  }

  @Override
  public StepSystem linearize(Iterate at, double lambda, double[] previousTheta) {
    return new StepSystem() {
      @Override
      public double gradientNorm() {
        return 1;
      }

      @Override
      public double curvatureScale() {
        return 1;
      }

      @Override
      public Trial solve(double mu) {
        return new Trial(new double[] {1}, predicted, 1);
      }
    };
  }

  @Override
  public double roundingTolerance(Iterate at) {
    return roundingLevel;
  }

  @Override
  public String stepName() {
    return "scripted";
  }
}
