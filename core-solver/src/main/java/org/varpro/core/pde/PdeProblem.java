package org.varpro.core.pde;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;
import org.varpro.core.solver.LocalEvaluator;
import org.varpro.core.solver.SolverListener;

/**
 * A {@link LinearPde} with its collocation points, row weights and held-out test grid: everything
 * a VarPro fit of a PINN needs.
 *
 * <p><b>Points.</b> Interior points come from {@link #interiorSampler()} with seed
 * {@link #interiorSeed()}; boundary and initial points from one {@link FaceSampler} over
 * {@link LinearPde#constrainedFaces()} with seed {@link #boundarySeed()}. Both seeds are derived
 * from the problem seed, so the two sets are independent.
 *
 * <p><b>Partitions.</b> {@link #trainingRows(int, int) trainingRows(j, P)} builds partition j's
 * rows from (seed, j, P) alone: the contiguous share j of the interior points and of the face
 * points (see {@link PointSampler}). Row weights use the global row counts, computed once when
 * the problem is built, so the union of the partitions' rows is exactly the single-process row
 * set, with the same weights. The problem is {@link Serializable} (its fields, including the
 * PDE's {@link ScalarField}s, must be), so it can be shipped to Spark executors.
 *
 * <p><b>Weights.</b> {@link Weights#mean()} by default: F = ½(mean squared interior residual +
 * mean squared boundary/initial residual).
 */
public final class PdeProblem implements Serializable {
  private static final long serialVersionUID = 1L;

  public static final int DEFAULT_BLOCK_ROWS = 512;
  public static final int DEFAULT_TEST_GRID = 101;

  /** Point generators for the collocation points. */
  public enum Sampling {
    /** Tensor grid: interior nodes of the box (ends excluded), and of each face. */
    GRID,
    /** Independent uniform random points (counter-based, seeded). */
    UNIFORM,
    /** Sobol points (Joe–Kuo), optionally digitally shifted by the seed. */
    SOBOL,
    /** Halton points, optionally randomly shifted by the seed. */
    HALTON;

    public static Sampling parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown sampler '" + s + "' (expected grid, uniform, sobol or halton)");
      }
    }

    /** The sequence for this kind; null for the grid. */
    public PointSequence sequence(boolean randomized) {
      return switch (this) {
        case GRID -> null;
        case UNIFORM -> PointSequence.uniform();
        case SOBOL -> PointSequence.sobol(randomized);
        case HALTON -> PointSequence.halton(randomized);
      };
    }
  }

  /** How the boundary/initial point total is spread over the faces. */
  public enum BoundarySplit {
    /** Fixed counts in proportion to the face measures ({@link FaceSampler#proportional}). */
    PROPORTIONAL,
    /** Uniform over the union of the faces ({@link FaceSampler#union}). */
    UNION;

    public static BoundarySplit parse(String s) {
      return switch (s.trim().toLowerCase(Locale.ROOT)) {
        case "proportional" -> PROPORTIONAL;
        case "union", "uniform" -> UNION;
        default -> throw new IllegalArgumentException("unknown boundary split '" + s
            + "' (expected proportional or union)");
      };
    }
  }

  /** A partition's rows, by group; each group split into blocks of at most blockRows rows. */
  public record TrainingRows(RowBlock[] interior, RowBlock[] boundary, RowBlock[] initial) {
    public RowBlock[] of(RowGroup group) {
      return switch (group) {
        case INTERIOR -> interior;
        case BOUNDARY -> boundary;
        case INITIAL -> initial;
      };
    }

    /** All blocks: interior, then boundary, then initial. */
    public RowBlock[] all() {
      RowBlock[] out = Arrays.copyOf(interior, interior.length + boundary.length + initial.length);
      System.arraycopy(boundary, 0, out, interior.length, boundary.length);
      System.arraycopy(initial, 0, out, interior.length + boundary.length, initial.length);
      return out;
    }

    public long rows() {
      long r = 0;
      for (RowBlock b : all()) {
        r += b.rows;
      }
      return r;
    }
  }

  private final LinearPde pde;
  private final long seed;
  private final PointSampler interiorSampler;
  private final FaceSampler boundarySampler;
  private final PointSampler testSampler;
  private final Weights weights;
  private final int blockRows;
  private final long[] rowCounts;
  /** Points per face of the boundary sampler (its face order), for this seed. */
  private final int[] faceCounts;
  private final double[] rowWeights;
  private transient volatile TrainingRows cachedRows;
  private transient volatile PointSet cachedTest;

  private PdeProblem(Builder b) {
    this.pde = b.pde;
    this.seed = b.seed;
    this.weights = b.weights;
    if (b.blockRows <= 0) {
      throw new IllegalArgumentException("block rows must be > 0");
    }
    this.blockRows = b.blockRows;
    Box box = pde.box();
    PointSequence sequence = b.sampling.sequence(b.randomized);
    if (b.interiorSampler != null) {
      interiorSampler = b.interiorSampler;
    } else {
      if (b.interiorPoints < 0) {
        throw new IllegalArgumentException("the number of interior points is not set");
      }
      interiorSampler = sequence == null
          ? TensorGrid.withCount(box, b.interiorPoints, TensorGrid.Nodes.INTERIOR)
          : new BoxSampler(box, b.interiorPoints, sequence);
    }
    if (interiorSampler.dim() != pde.dim()) {
      throw new IllegalArgumentException("interior points have dimension " + interiorSampler.dim()
          + ", the PDE has " + pde.dim() + " variables");
    }
    List<Face> faces = pde.constrainedFaces();
    if (b.boundarySampler != null) {
      boundarySampler = b.boundarySampler;
      for (Face f : boundarySampler.faces()) {
        if (!faces.contains(f)) {
          throw new IllegalArgumentException("the boundary sampler covers face " + f.id()
              + ", which has no condition");
        }
      }
    } else if (faces.isEmpty()) {
      boundarySampler = null;
    } else if (b.faceCounts != null) {
      int[] counts = new int[faces.size()];
      Map<String, Integer> left = new LinkedHashMap<>(b.faceCounts);
      List<String> missing = new ArrayList<>();
      for (int f = 0; f < faces.size(); f++) {
        Integer n = left.remove(pde.faceName(faces.get(f)));
        if (n == null) {
          missing.add(pde.faceName(faces.get(f)));
        } else {
          counts[f] = n;
        }
      }
      if (!left.isEmpty()) {
        // Names a face without rows or no face at all: let LinearPde.face explain.
        for (String name : left.keySet()) {
          Face f = pde.face(name);
          throw new IllegalArgumentException("face '" + name + "' has no condition, so no points (face "
              + f.id() + ")");
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException("no point count for face " + String.join(", ", missing));
      }
      boundarySampler = FaceSampler.perFace(box, faces, counts, sequence);
    } else {
      if (b.boundaryPoints < 0) {
        throw new IllegalArgumentException("the number of boundary/initial points is not set");
      }
      if (b.split == BoundarySplit.UNION) {
        if (sequence == null) {
          throw new IllegalArgumentException("boundary split 'union' needs a random or quasi-random sampler, not a grid");
        }
        boundarySampler = FaceSampler.union(box, faces, b.boundaryPoints, sequence);
      } else {
        boundarySampler = FaceSampler.proportional(box, faces, b.boundaryPoints, sequence);
      }
    }
    if (b.testSampler != null) {
      testSampler = b.testSampler;
    } else {
      if (b.testGrid <= 0) {
        throw new IllegalArgumentException("test grid must have at least one node per side");
      }
      testSampler = TensorGrid.uniform(box, b.testGrid, TensorGrid.Nodes.ENDPOINTS);
    }

    Counts counts = countRows();
    faceCounts = counts.faceCounts;
    rowCounts = counts.rowCounts;
    rowWeights = counts.rowWeights;
  }

  /** The same problem with its points drawn from another seed. */
  private PdeProblem(PdeProblem base, long seed) {
    this.pde = base.pde;
    this.seed = seed;
    this.interiorSampler = base.interiorSampler;
    this.boundarySampler = base.boundarySampler;
    this.testSampler = base.testSampler;
    this.weights = base.weights;
    this.blockRows = base.blockRows;
    Counts counts = countRows();
    faceCounts = counts.faceCounts;
    rowCounts = counts.rowCounts;
    rowWeights = counts.rowWeights;
  }

  private record Counts(int[] faceCounts, long[] rowCounts, double[] rowWeights) {}

  /** Points per face (they may depend on the seed), rows per group and the group weights. */
  private Counts countRows() {
    long interiorRows = interiorSampler.size();
    long boundaryRows = 0;
    long initialRows = 0;
    int[] counts = boundarySampler == null ? new int[0] : boundarySampler.faceCounts(boundarySeed());
    if (boundarySampler != null) {
      List<Face> sampled = boundarySampler.faces();
      for (int f = 0; f < sampled.size(); f++) {
        long r = (long) counts[f] * pde.rowsPerPoint(sampled.get(f));
        if (pde.isInitialFace(sampled.get(f))) {
          initialRows += r;
        } else {
          boundaryRows += r;
        }
      }
    }
    return new Counts(counts, new long[] {interiorRows, boundaryRows, initialRows},
        weights.resolve(interiorRows, boundaryRows, initialRows));
  }

  /**
   * Round r of the collocation points: the same samplers, counts and weights, points drawn from
   * a seed derived from (seed, r). Round 0 is this problem. Used to redraw the points during a
   * solve ({@link org.varpro.core.solver.SolverOptions#resampleEvery}).
   */
  public PdeProblem round(int r) {
    if (r < 0) {
      throw new IllegalArgumentException("round must be >= 0, got " + r);
    }
    return r == 0 ? this : new PdeProblem(this, Hash.mix(seed, 0x5EED_0000L + r));
  }

  public static Builder builder(LinearPde pde) {
    return new Builder(pde);
  }

  /**
   * Settings with defaults: uniform sampling, seed 1, boundary split proportional to the face
   * measures, mean weights, a 101-per-side test grid, blocks of 512 rows. The interior and
   * boundary point counts (or explicit samplers) must be given.
   */
  public static final class Builder {
    private final LinearPde pde;
    private int interiorPoints = -1;
    private int boundaryPoints = -1;
    private Map<String, Integer> faceCounts;
    private Sampling sampling = Sampling.UNIFORM;
    private boolean randomized = false;
    private BoundarySplit split = BoundarySplit.PROPORTIONAL;
    private long seed = 1;
    private int testGrid = DEFAULT_TEST_GRID;
    private Weights weights = Weights.mean();
    private int blockRows = DEFAULT_BLOCK_ROWS;
    private PointSampler interiorSampler;
    private FaceSampler boundarySampler;
    private PointSampler testSampler;

    private Builder(LinearPde pde) {
      this.pde = pde;
    }

    public Builder interiorPoints(int n) {
      this.interiorPoints = n;
      return this;
    }

    /** Total of boundary and initial points, spread over the faces by the boundary split. */
    public Builder boundaryPoints(int n) {
      this.boundaryPoints = n;
      return this;
    }

    /** Points per face by {@link LinearPde#faceName} ("x_min", …, "initial"), every constrained face. */
    public Builder faceCounts(Map<String, Integer> counts) {
      this.faceCounts = new LinkedHashMap<>(counts);
      return this;
    }

    public Builder sampling(Sampling sampling) {
      this.sampling = sampling;
      return this;
    }

    /** Random digital shift (Sobol) or random shift (Halton) from the seed; no effect otherwise. */
    public Builder randomized(boolean randomized) {
      this.randomized = randomized;
      return this;
    }

    public Builder boundarySplit(BoundarySplit split) {
      this.split = split;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Nodes per side of the held-out test grid (ends included): 101 gives 101×101 in 2D. */
    public Builder testGrid(int perSide) {
      this.testGrid = perSide;
      return this;
    }

    public Builder weights(Weights weights) {
      this.weights = weights;
      return this;
    }

    public Builder blockRows(int rows) {
      this.blockRows = rows;
      return this;
    }

    /** Replaces the interior sampler built from the counts and sampling. */
    public Builder interiorSampler(PointSampler sampler) {
      this.interiorSampler = sampler;
      return this;
    }

    /** Replaces the face sampler built from the counts and sampling. */
    public Builder boundarySampler(FaceSampler sampler) {
      this.boundarySampler = sampler;
      return this;
    }

    /** Replaces the test grid. */
    public Builder testSampler(PointSampler sampler) {
      this.testSampler = sampler;
      return this;
    }

    public PdeProblem build() {
      return new PdeProblem(this);
    }
  }

  public LinearPde pde() {
    return pde;
  }

  public long seed() {
    return seed;
  }

  /** Seed of the interior sampler, derived from the problem seed. */
  public long interiorSeed() {
    return Hash.mix(seed, 1);
  }

  /** Seed of the boundary/initial sampler, derived from the problem seed. */
  public long boundarySeed() {
    return Hash.mix(seed, 2);
  }

  public PointSampler interiorSampler() {
    return interiorSampler;
  }

  /** The boundary/initial face sampler, or null when no face has a condition. */
  public FaceSampler boundarySampler() {
    return boundarySampler;
  }

  public PointSampler testSampler() {
    return testSampler;
  }

  public Weights weights() {
    return weights;
  }

  public int blockRows() {
    return blockRows;
  }

  /** Points per face of {@link #boundarySampler()}, in its face order (all partitions). */
  public int[] faceCounts() {
    return faceCounts.clone();
  }

  /** Global number of rows of a group (all partitions). */
  public long rowCount(RowGroup group) {
    return rowCounts[group.ordinal()];
  }

  public long totalRows() {
    return rowCounts[0] + rowCounts[1] + rowCounts[2];
  }

  /** The weight every row of the group gets. */
  public double rowWeight(RowGroup group) {
    return rowWeights[group.ordinal()];
  }

  /** Partition j of P of the interior points. */
  public PointSet interiorPoints(int partition, int partitions) {
    return interiorSampler.points(interiorSeed(), partition, partitions);
  }

  /** Partition j of P of the boundary and initial points (tagged with face ids). */
  public PointSet boundaryPoints(int partition, int partitions) {
    return boundarySampler == null ? PointSet.empty(pde.dim())
        : boundarySampler.points(boundarySeed(), partition, partitions);
  }

  /** Rows of partition j of P, from (seed, j, P) alone. */
  public TrainingRows trainingRows(int partition, int partitions) {
    PointSet interior = interiorPoints(partition, partitions);
    PointSet faces = boundaryPoints(partition, partitions);
    PointSet spatial = faces.select(id -> !pde.isInitialFace(Face.ofId(id)));
    PointSet initial = faces.select(id -> pde.isInitialFace(Face.ofId(id)));
    RowBlock[] interiorRows = split(pde.interiorRows(interior, rowWeight(RowGroup.INTERIOR)));
    RowBlock[] boundaryRows = split(pde.boundaryRows(spatial, rowWeight(RowGroup.BOUNDARY)));
    RowBlock[] initialRows = pde.isTimeDependent()
        ? split(pde.initialRows(initial, rowWeight(RowGroup.INITIAL))) : new RowBlock[0];
    return new TrainingRows(interiorRows, boundaryRows, initialRows);
  }

  /** All rows (single process), cached. */
  public TrainingRows trainingRows() {
    TrainingRows r = cachedRows;
    if (r == null) {
      r = trainingRows(0, 1);
      cachedRows = r;
    }
    return r;
  }

  /** All rows as blocks of at most {@link #blockRows()} rows: interior, boundary, initial. */
  public RowBlock[] trainingBlocks() {
    return trainingRows().all();
  }

  /** A single-process evaluator over all training rows; it can redraw them by {@link #round}. */
  public LocalEvaluator localEvaluator(FeatureMap map) {
    return LocalEvaluator.redrawable(map, r -> round(r).trainingBlocks());
  }

  private RowBlock[] split(RowBlock rows) {
    return rows.rows == 0 ? new RowBlock[0] : rows.split(blockRows);
  }

  /** The held-out points (cached). */
  public PointSet testPoints() {
    PointSet p = cachedTest;
    if (p == null) {
      p = testSampler.points(0);
      cachedTest = p;
    }
    return p;
  }

  /** Errors against the exact solution on the test points, or null without an exact solution. */
  public PdeErrors.SolutionErrors testErrors(FeatureMap map, double[] theta, double[] c) {
    return pde.hasExact() ? PdeErrors.solutionErrors(map, theta, c, testPoints(), pde.exact()) : null;
  }

  /** Test errors and the per-group residual RMS on the training rows. */
  public PdeErrors.Report errors(FeatureMap map, double[] theta, double[] c) {
    TrainingRows rows = trainingRows();
    return new PdeErrors.Report(testErrors(map, theta, c),
        PdeErrors.residualRms(map, theta, c, rows.interior()),
        PdeErrors.residualRms(map, theta, c, rows.boundary()),
        PdeErrors.residualRms(map, theta, c, rows.initial()));
  }

  /**
   * A listener recording, per iteration, relative_l2_error and max_error on the test points
   * (with an exact solution) and, when {@code residuals}, the residual RMS per group (one extra
   * forward pass over the training rows).
   */
  public SolverListener listener(FeatureMap map, boolean residuals) {
    return new SolverListener() {
      @Override
      public Map<String, Double> metrics(double[] theta, double[] c) {
        if (residuals) {
          return errors(map, theta, c).asMap();
        }
        PdeErrors.SolutionErrors e = testErrors(map, theta, c);
        return e == null ? Map.of() : new PdeErrors.Report(e, Double.NaN, Double.NaN, Double.NaN).asMap();
      }
    };
  }

  /** Several lines for logs. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    sb.append("pde: ").append(pde.describe()).append('\n');
    sb.append("interior: ").append(interiorSampler.describe()).append(", ").append(rowCounts[0])
        .append(" rows, weight ").append(rowWeights[0]).append('\n');
    if (boundarySampler != null) {
      sb.append("boundary/initial: ").append(boundarySampler.describe()).append(" (");
      List<Face> sampled = boundarySampler.faces();
      for (int f = 0; f < sampled.size(); f++) {
        sb.append(f == 0 ? "" : ", ").append(pde.faceName(sampled.get(f))).append(' ').append(faceCounts[f]);
      }
      sb.append("), ")
          .append(rowCounts[1]).append(" boundary rows (weight ").append(rowWeights[1]).append("), ")
          .append(rowCounts[2]).append(" initial rows (weight ").append(rowWeights[2]).append(")\n");
    }
    sb.append("test: ").append(testSampler.describe()).append('\n');
    sb.append("seed ").append(seed).append(", weights ").append(weights).append(", blocks of ")
        .append(blockRows).append(" rows");
    return sb.toString();
  }
}
