package org.varpro.core.classify;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.varpro.core.linalg.Lapack;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.solver.Deadline;
import org.varpro.core.solver.InnerSolution;
import org.varpro.core.solver.ReducedProblem;
import org.varpro.core.solver.StepSystem;
import org.varpro.core.solver.TruncatedCg;
import org.varpro.core.stats.StatsKind;
import org.varpro.core.stats.Triangular;

/**
 * GNvpro cross-entropy as a {@link ReducedProblem} (DESIGN §2.6). The softmax weights are
 * eliminated: f(θ) = min_C Σ_i w_i CE(softmax(a_i(θ) C), y_i) + ½λ‖C‖²_F (+ ½α‖θ‖²), the inner
 * minimum found by {@link SoftmaxNewton} warm-started from the current C. The local model is
 * the Gauss-Newton matrix with C frozen at C(θ), H = Σ_i w_i J_iᵀ (diag p_i − p_i p_iᵀ) J_i,
 * J_i = ∂(a_i C)/∂θ, and the exact reduced gradient g = Σ_i w_i J_iᵀ (p_i − y_i) (envelope
 * theorem); (H + μI)δ = −g is solved densely (H formed in one pass) or, above
 * {@link ClassifierOptions#matrixFreeThreshold} parameters, by truncated CG with an optional
 * trust region whose products H v are each one pass over the rows.
 *
 * <p>The matrix-free step may take its products from a second evaluator over a seeded row
 * sample ({@link CurvatureSample}, weights divided by the sampling fraction): the subsampled
 * Gauss-Newton matrix of Byrd, Chin, Neveitt and Nocedal (2011), an unbiased estimate of H at a
 * fraction of the cost per CG product, while g, the objective and C(θ) stay exact on all rows,
 * so every accepted step lowers the true objective. The inner Newton solve then sums its
 * Hessians on the same sample (its gradient and stopping test stay on all rows).
 */
public final class CrossEntropyProblem implements ReducedProblem {
  private final ClassifyEvaluator ev;
  /** The evaluator of the matrix-free step's products H v (ev itself, or over a row sample). */
  private final ClassifyEvaluator curvature;
  private final ClassifierOptions options;
  private final ClassifierStep method;
  private final SoftmaxNewton newton;
  /** The ridge ½α‖θ‖² on the hidden parameters: α (0 = off). */
  private final double thetaRidge;
  /** The matrix-free step's trust radius, carried across iterations (∞: off). */
  private double radius;
  /** Newton iterations of the inner solves since the last linearization (all trials). */
  private int innerIterations;
  /** Output weights the first inner solve starts from (null: zeros), used once. */
  private double[] initialC;
  /** Where the run's budget ends: CG and the inner Newton solve stop there. */
  private Deadline deadline = Deadline.NONE;

  /** θ with the inner Newton solution there. */
  record Point(double[] theta, SoftmaxNewton.Result softmax, InnerSolution inner) implements Iterate {}

  /** @param c0 output weights the first inner solve starts from (null: zeros) */
  public CrossEntropyProblem(ClassifyEvaluator ev, ClassifierOptions options, double[] c0) {
    this(ev, ev, options, c0);
  }

  /**
   * @param curvature the evaluator of the matrix-free step's Gauss-Newton products: {@code ev},
   *     or one over a row sample of ev's rows with weights scaled to estimate ev's sums
   * @param c0 output weights the first inner solve starts from (null: zeros)
   */
  public CrossEntropyProblem(ClassifyEvaluator ev, ClassifyEvaluator curvature, ClassifierOptions options,
      double[] c0) {
    if (curvature.classes() != ev.classes() || curvature.featureMap().numParams() != ev.featureMap().numParams()
        || curvature.featureMap().numFeatures() != ev.featureMap().numFeatures()) {
      throw new IllegalArgumentException("the curvature evaluator must have the same feature map and classes");
    }
    this.ev = ev;
    this.curvature = curvature;
    this.initialC = c0;
    this.options = options;
    this.method = options.get(ClassifierOptions.STEP).resolve(ev.featureMap().numParams(),
        options.matrixFreeThreshold());
    this.newton = new SoftmaxNewton().absoluteTolerance(options.get(ClassifierOptions.INNER_TOLERANCE))
        .relativeTolerance(options.get(ClassifierOptions.INNER_RELATIVE_TOLERANCE))
        .maxIterations(options.get(ClassifierOptions.INNER_MAX_ITERATIONS));
    this.radius = options.get(ClassifierOptions.TRUST_RADIUS);
    this.thetaRidge = options.get(ClassifierOptions.THETA_RIDGE);
  }

  /** The step method in use (AUTO resolved). */
  public ClassifierStep method() {
    return method;
  }

  @Override
  public FeatureMap featureMap() {
    return ev.featureMap();
  }

  /** C(θ) and the inner objective, warm-started from {@code c0} (null: zeros). */
  public SoftmaxNewton.Result inner(double[] theta, double lambda, double[] c0) {
    return inner(theta, lambda, c0, null);
  }

  /**
   * The same, the inner Newton starting with the Hessian {@code h0} of a point nearby (null:
   * summed at c0), its Hessians summed on the curvature sample when there is one.
   */
  private SoftmaxNewton.Result inner(double[] theta, double lambda, double[] c0, double[] h0) {
    SoftmaxNewton.Curvature sampled = curvature == ev ? null
        : c -> curvature.softmax(theta, c, SoftmaxStats.Level.HESSIAN).hessian(0);
    return newton.solve((c, level) -> ev.softmax(theta, c, level), sampled, ev.featureMap().numFeatures(),
        ev.classes(), lambda, c0, h0, deadline);
  }

  /** The inner solve at θ from the C (and the inner Hessian) of a point nearby, or from c0 alone. */
  private Iterate solveAt(double[] theta, double lambda, Point near, double[] c0) {
    SoftmaxNewton.Result r = near == null ? inner(theta, lambda, c0)
        : inner(theta, lambda, near.inner().c(), near.softmax().curvature());
    innerIterations += r.iterations();
    // The reduced objective f(θ) with the optional ridge on θ.
    double objective = thetaRidge > 0
        ? r.objective() + 0.5 * thetaRidge * TruncatedCg.dot(theta, theta)
        : r.objective();
    int n = numFeatures();
    return new Point(theta, r, new InnerSolution(r.c(), n, ev.classes(), lambda, objective, new double[0], n, false));
  }

  @Override
  public Iterate evaluate(double[] theta, double lambda, Iterate from) {
    double[] c0 = initialC;
    initialC = null;
    return solveAt(theta, lambda, (Point) from, c0);
  }

  @Override
  public Iterate atLambda(Iterate at, double lambda) {
    return solveAt(at.theta(), lambda, (Point) at, null);
  }

  @Override
  public void stopAt(Deadline deadline) {
    this.deadline = deadline;
  }

  @Override
  public String stepName() {
    return method.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Override
  public StepSystem linearize(Iterate at, double lambda, double[] previousTheta) {
    innerIterations = 0;
    Point pt = (Point) at;
    return method == ClassifierStep.DENSE
        ? new DenseStep(pt, ev.gaussNewton(pt.theta(), pt.inner().c(), options.statistics()))
        : new MatrixFreeStep(pt);
  }

  /**
   * The step system of either form: the ridge ½α‖θ‖² enters g, the shift and the predicted
   * decrease exactly (its model is exact: −αθᵀδ − ½α‖δ‖²).
   */
  private abstract class Step implements StepSystem {
    final Point at;
    /** The gradient of the cross-entropy part alone, and g with the ridge's αθ. */
    final double[] raw;
    final double[] g;
    final double gnorm;
    int products;

    Step(Point at, double[] gradient) {
      this.at = at;
      this.raw = gradient;
      this.g = gradient.clone();
      for (int q = 0; q < g.length; q++) {
        g[q] += thetaRidge * at.theta()[q];
      }
      this.gnorm = Math.sqrt(TruncatedCg.dot(g, g));
    }

    @Override
    public double gradientNorm() {
      return gnorm;
    }

    /** δ for (H + shift·I)δ = −g, the unshifted model's decrease −gᵀδ − ½δᵀHδ, on the boundary. */
    abstract Solved solve(double shift, double radius);

    @Override
    public Trial solve(double mu) {
      Solved s = solve(mu + thetaRidge, radius);
      onBoundary = s.onBoundary;
      double norm = Math.sqrt(TruncatedCg.dot(s.delta, s.delta));
      return new Trial(s.delta, s.predicted - 0.5 * thetaRidge * norm * norm, norm);
    }

    private boolean onBoundary;

    @Override
    public void rejected(Trial trial) {
      if (Double.isFinite(radius)) {
        radius = Math.max(0.25 * trial.norm(), 1e-300);
      }
    }

    @Override
    public void accepted(Trial trial, double rho) {
      if (Double.isFinite(radius)) {
        if (rho > 0.75 && onBoundary) {
          radius *= 2;
        } else if (rho < 0.25) {
          radius = 0.25 * trial.norm();
        }
      }
    }

    @Override
    public Map<String, Double> figures() {
      SoftmaxStats s = at.softmax().stats();
      Map<String, Double> f = new LinkedHashMap<>();
      f.put("cross_entropy", s.weightSum() > 0 ? s.loss() / s.weightSum() : Double.NaN);
      f.put("train_accuracy", s.accuracy());
      f.put("inner_iterations", (double) innerIterations);
      f.put("cg_iterations", (double) products);
      f.put("trust_radius", radius);
      return f;
    }
  }

  /** A solve: δ, the decrease −gᵀδ − ½δᵀHδ the model predicts, whether it reached the boundary. */
  record Solved(double[] delta, double predicted, boolean onBoundary) {}

  /** H formed in one pass: Cholesky of H + μI (Gram) or QR of [R; √μI] (TSQR factors). */
  final class DenseStep extends Step {
    private final double[] h;
    private final Triangular factor;
    private final int p;

    DenseStep(Point at, GaussNewtonStats stats) {
      super(at, stats.gradient());
      this.p = stats.params;
      this.factor = stats.rows.kind() == StatsKind.QR ? stats.rows.triangular() : null;
      this.h = stats.hessian();
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
    Solved solve(double mu, double radius) {
      double[] x = dampedSolve(mu);
      double[] hx = new double[p];
      Lapack.gemm(false, false, p, 1, p, 1.0, h, 0, p, x, 0, p, 0.0, hx, 0, p);
      double pred = 0;
      for (int q = 0; q < p; q++) {
        pred -= x[q] * (g[q] + 0.5 * hx[q]);
      }
      return new Solved(x, pred, false);
    }

    /** δ = −(H + μI)⁻¹ g. */
    private double[] dampedSolve(double mu) {
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

  /** Truncated CG on H + μI, each product one pass over the curvature evaluator's rows. */
  final class MatrixFreeStep extends Step {
    MatrixFreeStep(Point at) {
      super(at, ev.gradient(at.theta(), at.inner().c()).vector());
    }

    private double[] product(double[] v) {
      products++;
      return curvature.product(at.theta(), at.inner().c(), v).vector();
    }

    /** ‖H g‖/‖g‖ for the cross-entropy part's gradient (one product). */
    @Override
    public double curvatureScale() {
      double gg = TruncatedCg.dot(raw, raw);
      if (gg == 0) {
        return 1;
      }
      double[] hg = product(raw);
      return Math.sqrt(TruncatedCg.dot(hg, hg) / gg);
    }

    @Override
    Solved solve(double mu, double radius) {
      TruncatedCg.Result r = new TruncatedCg(options.cgTolerance(), options.cgMaxIterations())
          .solve(v -> curvature.product(at.theta(), at.inner().c(), v).vector(), mu, g, radius, deadline);
      products += r.iterations();
      return new Solved(r.step(), r.predictedReduction(g), r.stop() == TruncatedCg.Stop.TRUST_REGION
          || r.stop() == TruncatedCg.Stop.NEGATIVE_CURVATURE);
    }
  }
}
