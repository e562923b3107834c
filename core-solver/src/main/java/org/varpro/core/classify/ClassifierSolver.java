package org.varpro.core.classify;

import java.util.ArrayList;
import java.util.List;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.solver.StopReason;
import org.varpro.core.solver.TruncatedCg;
import org.varpro.core.stats.StatsKind;
import org.varpro.core.stats.Triangular;

/**
 * Classification by Variable Projection with cross-entropy (GNvpro, DESIGN §2.6).
 *
 * <p>The softmax weights are eliminated: f(θ) = min_C Σ_i w_i CE(softmax(a_i(θ) C), y_i)
 * + ½λ‖C‖²_F, the inner minimum found by {@link SoftmaxNewton} (warm-started from the current
 * C). The hidden parameters θ are updated by Levenberg-Marquardt on f with the Gauss-Newton
 * matrix of C frozen at C(θ), H = Σ_i w_i J_iᵀ (diag p_i − p_i p_iᵀ) J_i, J_i = ∂(a_i C)/∂θ,
 * and the exact reduced gradient g = Σ_i w_i J_iᵀ (p_i − y_i) (envelope theorem). A trial
 * θ + δ is accepted by the actual decrease of f (an inner solve per trial) against the decrease
 * −gᵀδ − ½δᵀHδ the model predicts; μ follows Nielsen's gain-ratio rule.
 *
 * <p>The step (H + μI)δ = −g is solved densely (H formed in one pass, Cholesky per μ) or, above
 * {@link ClassifierOptions#matrixFreeThreshold} parameters, by truncated CG with a trust region
 * ({@link TruncatedCg}) whose products H v are each one pass over the rows.
 */
public final class ClassifierSolver {
  private final ClassifierOptions options;
  private final ClassifierListener listener;

  public ClassifierSolver(ClassifierOptions options, ClassifierListener listener) {
    options.validate();
    this.options = options.copy();
    this.listener = listener == null ? ClassifierListener.NONE : listener;
  }

  public ClassifierSolver(ClassifierOptions options) {
    this(options, ClassifierListener.NONE);
  }

  /** The inner Newton solver these options configure. */
  public SoftmaxNewton innerSolver() {
    return new SoftmaxNewton().absoluteTolerance(options.innerTolerance)
        .relativeTolerance(options.innerRelativeTolerance).maxIterations(options.innerMaxIterations);
  }

  /** C(θ) and the reduced objective, warm-started from {@code c0} (null: zeros). */
  public SoftmaxNewton.Result inner(ClassifyEvaluator ev, double[] theta, double[] c0) {
    return innerSolver().solve((c, level) -> ev.softmax(theta, c, level),
        ev.featureMap().numFeatures(), ev.classes(), options.lambda, c0);
  }

  public ClassifierResult solve(ClassifyEvaluator ev, double[] theta0) {
    return solve(ev, theta0, null);
  }

  public ClassifierResult solve(ClassifyEvaluator ev, double[] theta0, double[] c0) {
    long start = System.nanoTime();
    int p = ev.featureMap().numParams();
    if (theta0.length != p) {
      throw new IllegalArgumentException("initial parameters have length " + theta0.length + ", expected " + p);
    }
    ClassifierStep method = options.step.resolve(p, options.matrixFreeThreshold);
    double[] theta = theta0.clone();
    SoftmaxNewton.Result inner = inner(ev, theta, c0);
    List<ClassifierRecord> history = new ArrayList<>();
    double mu = Double.NaN;
    double nu = 2;
    double radius = options.trustRadius;
    int slowSteps = 0;
    int iteration = 0;
    StopReason reason = Double.isFinite(inner.objective()) ? StopReason.MAX_ITERATIONS : StopReason.NON_FINITE;
    while (reason == StopReason.MAX_ITERATIONS && iteration < options.maxIterations) {
      iteration++;
      int innerIterations = 0;
      int cgIterations = 0;
      OuterStep step = method == ClassifierStep.DENSE
          ? new DenseStep(ev.gaussNewton(theta, inner.c(), options.statistics))
          : new MatrixFreeStep(ev, theta, inner.c());
      double[] g = step.gradient();
      for (int q = 0; q < p; q++) {
        g[q] += options.thetaRidge * theta[q];
      }
      double gnorm = Math.sqrt(TruncatedCg.dot(g, g));
      if (options.gradientTolerance > 0 && gnorm <= options.gradientTolerance) {
        ClassifierRecord rec = record(iteration, start, inner, gnorm, Double.NaN, 0, Double.NaN,
            false, 0, 0, 0, radius, theta);
        history.add(rec);
        listener.onIteration(rec);
        reason = StopReason.GRADIENT_TOLERANCE;
        break;
      }
      if (Double.isNaN(mu) && !Double.isNaN(options.initialMu)) {
        mu = options.initialMu;
      } else if (Double.isNaN(mu)) {
        mu = options.tau * step.curvatureScale();
        cgIterations += step.productsUsed();
      }
      double muUsed = mu;
      int rejections = 0;
      boolean accepted = false;
      double rho = Double.NaN;
      double stepNorm = 0;
      double[] trial = null;
      SoftmaxNewton.Result trialInner = null;
      boolean onBoundary = false;
      while (true) {
        muUsed = mu;
        StepResult s = step.solve(mu + options.thetaRidge, radius, g);
        cgIterations += s.products;
        onBoundary = s.onBoundary;
        stepNorm = Math.sqrt(TruncatedCg.dot(s.delta, s.delta));
        // The model of the ridge ½α‖θ‖² is exact: its part of the decrease is −αθᵀδ − ½α‖δ‖².
        double predicted = s.predicted - 0.5 * options.thetaRidge * stepNorm * stepNorm;
        trial = theta.clone();
        for (int q = 0; q < p; q++) {
          trial[q] += s.delta[q];
        }
        trialInner = inner(ev, trial, inner.c());
        innerIterations += trialInner.iterations();
        double actual = objective(inner, theta) - objective(trialInner, trial);
        rho = predicted > 0 ? actual / predicted : Double.NaN;
        if (Double.isFinite(objective(trialInner, trial)) && actual > 0 && rho > 0) {
          accepted = true;
          break;
        }
        rejections++;
        mu *= nu;
        nu *= 2;
        if (Double.isFinite(radius)) {
          radius = Math.max(0.25 * stepNorm, 1e-300);
        }
        if (rejections >= options.maxRejections || !Double.isFinite(mu) || stepNorm == 0) {
          break;
        }
      }
      ClassifierRecord rec = record(iteration, start, inner, gnorm, muUsed, stepNorm, rho, accepted,
          rejections, innerIterations, cgIterations, radius, theta);
      history.add(rec);
      listener.onIteration(rec);
      if (!accepted) {
        reason = StopReason.STALLED;
        break;
      }
      double previous = objective(inner, theta);
      theta = trial;
      inner = trialInner;
      mu *= Math.max(1.0 / 3, 1 - Math.pow(2 * rho - 1, 3));
      nu = 2;
      if (Double.isFinite(radius)) {
        if (rho > 0.75 && onBoundary) {
          radius *= 2;
        } else if (rho < 0.25) {
          radius = 0.25 * stepNorm;
        }
      }
      double seconds = (System.nanoTime() - start) * 1e-9;
      double now = objective(inner, theta);
      slowSteps = previous - now <= options.relativeTolerance * Math.abs(previous) ? slowSteps + 1 : 0;
      if (!Double.isFinite(now)) {
        reason = StopReason.NON_FINITE;
      } else if (options.lossTolerance > 0 && now <= options.lossTolerance) {
        reason = StopReason.LOSS_TOLERANCE;
      } else if (slowSteps >= 3) {
        reason = StopReason.RELATIVE_TOLERANCE;
      } else if (seconds >= options.timeBudgetSeconds) {
        reason = StopReason.TIME_BUDGET;
      }
    }
    double seconds = (System.nanoTime() - start) * 1e-9;
    return new ClassifierResult(theta, inner.c(), objective(inner, theta), options.lambda, iteration,
        seconds, reason, method, List.copyOf(history), Lapack.describe());
  }

  /** The reduced objective f(θ) with the optional ridge on θ. */
  private double objective(SoftmaxNewton.Result inner, double[] theta) {
    return options.thetaRidge > 0
        ? inner.objective() + 0.5 * options.thetaRidge * TruncatedCg.dot(theta, theta)
        : inner.objective();
  }

  private ClassifierRecord record(int iteration, long start, SoftmaxNewton.Result inner,
      double gnorm, double mu, double stepNorm, double rho, boolean accepted, int rejections,
      int innerIterations, int cgIterations, double radius, double[] theta) {
    SoftmaxStats s = inner.stats();
    double ce = s.weightSum() > 0 ? s.loss() / s.weightSum() : Double.NaN;
    return new ClassifierRecord(iteration, (System.nanoTime() - start) * 1e-9, objective(inner, theta),
        ce, s.accuracy(), gnorm, mu, stepNorm, rho, accepted, rejections, innerIterations,
        cgIterations, radius, listener.metrics(theta, inner.c()));
  }

  /** A trial step: δ, the decrease −gᵀδ − ½δᵀHδ the model predicts, products spent. */
  record StepResult(double[] delta, double predicted, int products, boolean onBoundary) {}

  /** The Gauss-Newton system at one iterate, solved for any damping μ. */
  interface OuterStep {
    double[] gradient();

    /** A curvature scale for μ₀ (max diag H, or ‖Hg‖/‖g‖). */
    double curvatureScale();

    /** Products spent on {@link #curvatureScale} (0 for dense). */
    int productsUsed();

    /** δ for (H + shift·I)δ = −g; {@code predicted} = −gᵀδ − ½δᵀHδ (H without the shift). */
    StepResult solve(double shift, double radius, double[] g);
  }

  /** H formed in one pass: Cholesky of H + μI (Gram) or QR of [R; √μI] (TSQR factors). */
  static final class DenseStep implements OuterStep {
    private final double[] g;
    private final double[] h;
    private final Triangular factor;
    private final int p;

    DenseStep(GaussNewtonStats stats) {
      this.g = stats.gradient();
      this.p = stats.params;
      this.factor = stats.rows.kind() == StatsKind.QR ? stats.rows.triangular() : null;
      this.h = stats.hessian();
    }

    @Override
    public double[] gradient() {
      return g.clone();
    }

    @Override
    public double curvatureScale() {
      double m = 0;
      for (int q = 0; q < p; q++) {
        m = Math.max(m, h[q + q * p]);
      }
      return m;
    }

    @Override
    public int productsUsed() {
      return 0;
    }

    @Override
    public StepResult solve(double mu, double radius, double[] g) {
      double[] x = dampedSolve(mu, g);
      double[] hx = new double[p];
      Lapack.gemm(false, false, p, 1, p, 1.0, h, 0, p, x, 0, p, 0.0, hx, 0, p);
      double pred = 0;
      for (int q = 0; q < p; q++) {
        pred -= x[q] * (g[q] + 0.5 * hx[q]);
      }
      return new StepResult(x, pred, 0, false);
    }

    /** δ = −(H + μI)⁻¹ g. */
    double[] dampedSolve(double mu, double[] g) {
      double[] x = new double[p];
      for (int q = 0; q < p; q++) {
        x[q] = -g[q];
      }
      if (factor != null) {
        // R̃ᵀR̃ = RᵀR + μI from the QR of the stacked [R; √μ I]: no squared conditioning.
        int rr = factor.rows();
        int m = rr + p;
        double[] stacked = new double[m * p];
        double s = Math.sqrt(mu);
        for (int j = 0; j < p; j++) {
          System.arraycopy(factor.r(), j * rr, stacked, j * m, rr);
          stacked[rr + j + j * m] = s;
        }
        double[] rt = Lapack.qrFactor(stacked, m, p);
        Lapack.triangularSolve(true, rt, 0, p, p, x, 0, p, 1);
        Lapack.triangularSolve(false, rt, 0, p, p, x, 0, p, 1);
        return x;
      }
      double[] a = h.clone();
      for (int q = 0; q < p; q++) {
        a[q + q * p] += mu;
      }
      if (Lapack.cholesky(a, p)) {
        Lapack.triangularSolve(true, a, 0, p, p, x, 0, p, 1);
        Lapack.triangularSolve(false, a, 0, p, p, x, 0, p, 1);
        return x;
      }
      double[] v = h.clone();
      double[] ev = Lapack.symmetricEigen(v, p);
      double[] vtg = new double[p];
      Lapack.gemm(true, false, p, 1, p, 1.0, v, 0, p, g, 0, p, 0.0, vtg, 0, p);
      for (int q = 0; q < p; q++) {
        double den = Math.max(ev[q], 0) + mu;
        vtg[q] = den > 0 ? -vtg[q] / den : 0;
      }
      Lapack.gemm(false, false, p, 1, p, 1.0, v, 0, p, vtg, 0, p, 0.0, x, 0, p);
      return x;
    }
  }

  /** Truncated CG on H + μI, each product one pass over the rows. */
  final class MatrixFreeStep implements OuterStep {
    private final ClassifyEvaluator ev;
    private final double[] theta;
    private final double[] c;
    private final double[] g;

    MatrixFreeStep(ClassifyEvaluator ev, double[] theta, double[] c) {
      this.ev = ev;
      this.theta = theta;
      this.c = c;
      this.g = ev.gradient(theta, c).vector();
    }

    @Override
    public double[] gradient() {
      return g.clone();
    }

    @Override
    public double curvatureScale() {
      double gg = TruncatedCg.dot(g, g);
      if (gg == 0) {
        return 1;
      }
      double[] hg = ev.product(theta, c, g).vector();
      return Math.sqrt(TruncatedCg.dot(hg, hg) / gg);
    }

    @Override
    public int productsUsed() {
      return 1;
    }

    @Override
    public StepResult solve(double mu, double radius, double[] g) {
      TruncatedCg cg = new TruncatedCg(options.cgTolerance, options.cgMaxIterations);
      TruncatedCg.Result r = cg.solve(v -> ev.product(theta, c, v).vector(), mu, g, radius);
      return new StepResult(r.step(), r.predictedReduction(g), r.iterations(),
          r.stop() == TruncatedCg.Stop.TRUST_REGION || r.stop() == TruncatedCg.Stop.NEGATIVE_CURVATURE);
    }
  }
}
