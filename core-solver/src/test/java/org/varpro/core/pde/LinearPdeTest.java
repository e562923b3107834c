package org.varpro.core.pde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.varpro.core.model.Channels;
import org.varpro.core.model.FeatureMap;
import org.varpro.core.model.RowBlock;

class LinearPdeTest {
  static final double PI = Math.PI;

  /** u = exp(−π²t/4) sin(πx) in (x, t) with exact derivatives. */
  static final ExactFeatures.Smooth HEAT = new ExactFeatures.Smooth() {
    @Override
    public double value(double[] p) {
      return Math.exp(-PI * PI * p[1] / 4) * Math.sin(PI * p[0]);
    }

    @Override
    public double d(double[] p, int i) {
      double e = Math.exp(-PI * PI * p[1] / 4);
      return i == 0 ? e * PI * Math.cos(PI * p[0]) : -PI * PI / 4 * e * Math.sin(PI * p[0]);
    }

    @Override
    public double dd(double[] p, int i, int j) {
      double e = Math.exp(-PI * PI * p[1] / 4);
      if (i == 0 && j == 0) {
        return -PI * PI * e * Math.sin(PI * p[0]);
      }
      if (i == 1 && j == 1) {
        return PI * PI * PI * PI / 16 * e * Math.sin(PI * p[0]);
      }
      return -PI * PI / 4 * e * PI * Math.cos(PI * p[0]);
    }
  };

  static LinearPde heat() {
    return LinearPde.builder("x", "t").time("t").domain("x", 0, 1).domain("t", 0, 1)
        .term(1, "t").term(-0.25, "x", "x")
        .source(ScalarField.ZERO)
        .dirichlet("x_min", ScalarField.ZERO).dirichlet("x_max", ScalarField.ZERO)
        .initialValue(p -> Math.sin(PI * p[0]))
        .exact(p -> Math.exp(-PI * PI * p[1] / 4) * Math.sin(PI * p[0]))
        .build();
  }

  static PdeProblem heatProblem(PdeProblem.Sampling sampling) {
    return PdeProblem.builder(heat()).interiorPoints(900).boundaryPoints(120).sampling(sampling)
        .seed(1).build();
  }

  /** max |a_i·C − y_i| over the blocks. */
  static double maxResidual(FeatureMap map, double[] c, RowBlock... blocks) {
    double max = 0;
    int n = map.numFeatures();
    for (RowBlock b : blocks) {
      double[] a = new double[b.rows * n];
      map.features(new double[map.numParams()], b, a, 0);
      for (int i = 0; i < b.rows; i++) {
        double s = -b.target(i, 0);
        for (int l = 0; l < n; l++) {
          s += a[i + l * b.rows] * c[l];
        }
        max = Math.max(max, Math.abs(s));
      }
    }
    return max;
  }

  @Test
  void heatRowsHaveZeroResidualForTheExactSolution() {
    ExactFeatures map = new ExactFeatures(2, HEAT);
    for (PdeProblem.Sampling s : PdeProblem.Sampling.values()) {
      PdeProblem problem = heatProblem(s);
      PdeProblem.TrainingRows rows = problem.trainingRows();
      double[] c = {1, 0};
      for (RowGroup g : RowGroup.values()) {
        assertTrue(rows.of(g).length > 0, g + " rows with " + s);
        assertTrue(maxResidual(map, c, rows.of(g)) <= 1e-12, g + " residual with " + s);
      }
      PdeErrors.Report report = problem.errors(map, new double[1], c);
      assertTrue(report.interiorRms() <= 1e-12 && report.boundaryRms() <= 1e-12 && report.initialRms() <= 1e-12);
      assertTrue(report.solution().relativeL2() <= 1e-14);
      assertTrue(report.solution().max() <= 1e-14);
      assertEquals(101 * 101, report.solution().points());
    }
  }

  @Test
  void residualsAreNotVacuous() {
    ExactFeatures map = new ExactFeatures(2, HEAT);
    PdeProblem.TrainingRows rows = heatProblem(PdeProblem.Sampling.UNIFORM).trainingRows();
    // The constant feature: no operator derivative sees it, the value rows do.
    double[] shifted = {1, 0.1};
    assertTrue(maxResidual(map, shifted, rows.interior()) <= 1e-12);
    assertEquals(0.1, maxResidual(map, shifted, rows.boundary()), 1e-12);
    assertEquals(0.1, maxResidual(map, shifted, rows.initial()), 1e-12);
    // Scaling the solution leaves interior rows (f = 0) exact but breaks the initial rows.
    double[] scaled = {2, 0};
    assertTrue(maxResidual(map, scaled, rows.interior()) <= 1e-12);
    assertTrue(maxResidual(map, scaled, rows.initial()) > 0.5);
    // A wrong diffusion coefficient breaks the interior rows.
    LinearPde wrong = LinearPde.builder("x", "t").time("t").domain("x", 0, 1).domain("t", 0, 1)
        .term(1, "t").term(-0.3, "x", "x").dirichlet("x_min", ScalarField.ZERO)
        .dirichlet("x_max", ScalarField.ZERO).initialValue(p -> Math.sin(PI * p[0])).build();
    PdeProblem wp = PdeProblem.builder(wrong).interiorPoints(100).boundaryPoints(30).build();
    assertTrue(maxResidual(map, new double[] {1, 0}, wp.trainingRows().interior()) > 0.1);
  }

  @Test
  void heatRowLayoutAndMeanWeights() {
    LinearPde pde = heat();
    Channels ch = pde.channels();
    assertEquals(Channels.of(2, java.util.List.of(new int[] {1}, new int[] {0, 0})), ch);
    PdeProblem problem = heatProblem(PdeProblem.Sampling.UNIFORM);
    assertEquals(900, problem.rowCount(RowGroup.INTERIOR));
    assertEquals(80, problem.rowCount(RowGroup.BOUNDARY));
    assertEquals(40, problem.rowCount(RowGroup.INITIAL));
    assertEquals(1.0 / 900, problem.rowWeight(RowGroup.INTERIOR), 0);
    assertEquals(1.0 / 120, problem.rowWeight(RowGroup.BOUNDARY), 0);
    assertEquals(1.0 / 120, problem.rowWeight(RowGroup.INITIAL), 0);
    PdeProblem.TrainingRows rows = problem.trainingRows();
    assertEquals(2, rows.interior().length); // 900 rows in blocks of <= 512
    for (RowBlock b : rows.all()) {
      assertTrue(b.rows <= 512);
      assertEquals(ch, b.channels);
    }
    RowBlock in = rows.interior()[0];
    int ct = ch.channelOfFirst(1);
    int cxx = ch.channelOfSecond(0, 0);
    for (int i = 0; i < in.rows; i++) {
      assertEquals(0, in.coefficient(i, 0));
      assertEquals(1, in.coefficient(i, ct));
      assertEquals(-0.25, in.coefficient(i, cxx));
      assertEquals(0, in.coefficient(i, ch.channelOfFirst(0)));
      assertEquals(0, in.target(i, 0));
    }
    RowBlock init = rows.initial()[0];
    for (int i = 0; i < init.rows; i++) {
      assertEquals(0, init.input(i, 1));
      assertEquals(1, init.coefficient(i, 0));
      assertEquals(Math.sin(PI * init.input(i, 0)), init.target(i, 0), 0);
    }
  }

  /** u = sin(πx) sin(πy) + x for −u_xx − u_yy + 0.3 u_xy + (1 + xy) u = f with a Neumann face. */
  static final ExactFeatures.Smooth ELLIPTIC = new ExactFeatures.Smooth() {
    @Override
    public double value(double[] p) {
      return Math.sin(PI * p[0]) * Math.sin(PI * p[1]) + p[0];
    }

    @Override
    public double d(double[] p, int i) {
      return i == 0 ? PI * Math.cos(PI * p[0]) * Math.sin(PI * p[1]) + 1
          : PI * Math.sin(PI * p[0]) * Math.cos(PI * p[1]);
    }

    @Override
    public double dd(double[] p, int i, int j) {
      return i == j ? -PI * PI * Math.sin(PI * p[0]) * Math.sin(PI * p[1])
          : PI * PI * Math.cos(PI * p[0]) * Math.cos(PI * p[1]);
    }
  };

  @Test
  void neumannVariableCoefficientAndMixedDerivativeRows() {
    ScalarField exact = ELLIPTIC::value;
    ScalarField f = p -> -2 * ELLIPTIC.dd(p, 0, 0) + 0.3 * ELLIPTIC.dd(p, 0, 1)
        + (1 + p[0] * p[1]) * ELLIPTIC.value(p);
    LinearPde pde = LinearPde.builder("x", "y").domain("x", 0, 1).domain("y", -1, 2)
        .term(-1, "x", "x").term(-1, "y", "y").term(0.3, "y", "x").term(p -> 1 + p[0] * p[1])
        .term(0.0, "x").source(f)
        .dirichlet("x_min", exact).neumann("x_max", p -> ELLIPTIC.d(p, 0))
        .neumann("y_min", p -> -ELLIPTIC.d(p, 1)).dirichlet("y_max", exact).exact(exact).build();
    assertEquals(0, pde.timeOrder());
    assertEquals(4, pde.constrainedFaces().size());
    ExactFeatures map = new ExactFeatures(2, ELLIPTIC);
    for (PdeProblem.BoundarySplit split : PdeProblem.BoundarySplit.values()) {
      PdeProblem problem = PdeProblem.builder(pde).interiorPoints(500).boundaryPoints(200)
          .sampling(PdeProblem.Sampling.SOBOL).randomized(true).boundarySplit(split).seed(7).build();
      double[] c = {1, 0};
      RowBlock[] all = problem.trainingBlocks();
      assertTrue(maxResidual(map, c, all) <= 1e-12, "split " + split);
      assertEquals(200, problem.rowCount(RowGroup.BOUNDARY));
      assertTrue(maxResidual(map, new double[] {1.01, 0}, problem.trainingRows().boundary()) > 1e-3);
    }
    // Neumann sign: the outward normal derivative on x_min is −∂_x.
    PdeProblem problem = PdeProblem.builder(pde).interiorPoints(10).faceCounts(
        Map.of("x_min", 0, "x_max", 5, "y_min", 5, "y_max", 0)).build();
    RowBlock b = problem.trainingRows().boundary()[0];
    Channels ch = pde.channels();
    for (int i = 0; i < b.rows; i++) {
      if (b.input(i, 0) == 1.0) {
        assertEquals(1.0, b.coefficient(i, ch.channelOfFirst(0)));
        assertEquals(0.0, b.coefficient(i, ch.channelOfFirst(1)));
      } else {
        assertEquals(-1.0, b.input(i, 1));
        assertEquals(-1.0, b.coefficient(i, ch.channelOfFirst(1)));
        assertEquals(0.0, b.coefficient(i, ch.channelOfFirst(0)));
      }
      assertEquals(0, b.coefficient(i, 0));
    }
  }

  /** Wave u_tt = 4 u_xx with u = sin(πx)(cos 2πt + sin 2πt), time listed first: (t, x). */
  static final ExactFeatures.Smooth WAVE = new ExactFeatures.Smooth() {
    double time(double t, int k) {
      double w = 2 * PI;
      return switch (k) {
        case 0 -> Math.cos(w * t) + Math.sin(w * t);
        case 1 -> w * (-Math.sin(w * t) + Math.cos(w * t));
        default -> -w * w * (Math.cos(w * t) + Math.sin(w * t));
      };
    }

    double space(double x, int k) {
      return switch (k) {
        case 0 -> Math.sin(PI * x);
        case 1 -> PI * Math.cos(PI * x);
        default -> -PI * PI * Math.sin(PI * x);
      };
    }

    @Override
    public double value(double[] p) {
      return time(p[0], 0) * space(p[1], 0);
    }

    @Override
    public double d(double[] p, int i) {
      return i == 0 ? time(p[0], 1) * space(p[1], 0) : time(p[0], 0) * space(p[1], 1);
    }

    @Override
    public double dd(double[] p, int i, int j) {
      int kt = (i == 0 ? 1 : 0) + (j == 0 ? 1 : 0);
      return time(p[0], kt) * space(p[1], 2 - kt);
    }
  };

  @Test
  void secondOrderInTimeGetsInitialVelocityRows() {
    LinearPde pde = LinearPde.builder("t", "x").time("t").domain("t", 0, 0.5).domain("x", 0, 1)
        .term(1, "t", "t").term(-4, "x", "x")
        .dirichlet("x_min", ScalarField.ZERO).dirichlet("x_max", ScalarField.ZERO)
        .initialValue(p -> Math.sin(PI * p[1])).initialVelocity(p -> 2 * PI * Math.sin(PI * p[1]))
        .exact(WAVE::value).build();
    assertEquals(2, pde.timeOrder());
    assertEquals(0, pde.timeIndex());
    assertEquals(2, pde.rowsPerPoint(pde.initialFace()));
    PdeProblem problem = PdeProblem.builder(pde).interiorPoints(300).boundaryPoints(90)
        .sampling(PdeProblem.Sampling.HALTON).build();
    // Faces x_min, x_max measure 0.5 each, initial measure 1: 22/23/45 after rounding.
    assertEquals(2 * problem.boundarySampler().faceCounts(0)[2], problem.rowCount(RowGroup.INITIAL));
    assertEquals(1.0 / (problem.rowCount(RowGroup.BOUNDARY) + problem.rowCount(RowGroup.INITIAL)),
        problem.rowWeight(RowGroup.INITIAL), 1e-15);
    ExactFeatures map = new ExactFeatures(2, WAVE);
    assertTrue(maxResidual(map, new double[] {1, 0}, problem.trainingBlocks()) <= 1e-11);
    RowBlock init = problem.trainingRows().initial()[0];
    int n = init.rows / 2;
    int ct = pde.channels().channelOfFirst(0);
    for (int i = 0; i < n; i++) {
      assertEquals(init.input(i, 1), init.input(i + n, 1));
      assertEquals(1, init.coefficient(i, 0));
      assertEquals(1, init.coefficient(i + n, ct));
      assertEquals(0, init.coefficient(i + n, 0));
    }
    PdeErrors.SolutionErrors e = problem.testErrors(map, new double[1], new double[] {1, 0});
    assertTrue(e.relativeL2() < 1e-14);
  }

  @Test
  void partitionsReproduceTheSingleProcessRows() {
    for (PdeProblem.Sampling s : PdeProblem.Sampling.values()) {
      PdeProblem problem = heatProblem(s);
      RowBlock whole = RowBlock.concat(problem.trainingBlocks());
      for (int parts : new int[] {1, 2, 3, 7, 13}) {
        java.util.List<RowBlock> interior = new java.util.ArrayList<>();
        java.util.List<RowBlock> boundary = new java.util.ArrayList<>();
        java.util.List<RowBlock> initial = new java.util.ArrayList<>();
        for (int j = 0; j < parts; j++) {
          PdeProblem.TrainingRows r = problem.trainingRows(j, parts);
          interior.addAll(java.util.List.of(r.interior()));
          boundary.addAll(java.util.List.of(r.boundary()));
          initial.addAll(java.util.List.of(r.initial()));
        }
        java.util.List<RowBlock> all = new java.util.ArrayList<>(interior);
        all.addAll(boundary);
        all.addAll(initial);
        RowBlock joined = RowBlock.concat(all.toArray(new RowBlock[0]));
        assertEquals(whole.rows, joined.rows);
        assertArrayEquals(whole.x, joined.x, s + " / " + parts);
        assertArrayEquals(whole.y, joined.y);
        assertArrayEquals(whole.weight, joined.weight);
        assertArrayEquals(whole.coef, joined.coef);
      }
    }
  }

  @Test
  void problemSerializesWithItsFields() throws Exception {
    PdeProblem problem = heatProblem(PdeProblem.Sampling.SOBOL);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(problem);
    }
    PdeProblem copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (PdeProblem) in.readObject();
    }
    RowBlock a = RowBlock.concat(problem.trainingRows(1, 3).all());
    RowBlock b = RowBlock.concat(copy.trainingRows(1, 3).all());
    assertArrayEquals(a.x, b.x);
    assertArrayEquals(a.y, b.y);
    assertArrayEquals(a.coef, b.coef);
  }

  @Test
  void weightsCanBeFixedOrScaled() {
    Weights w = new Weights(Weights.Weight.fixed(2), Weights.Weight.mean(10), Weights.Weight.mean());
    PdeProblem p = PdeProblem.builder(heat()).interiorPoints(100).boundaryPoints(30).weights(w).build();
    assertEquals(2, p.rowWeight(RowGroup.INTERIOR));
    assertEquals(10.0 / 30, p.rowWeight(RowGroup.BOUNDARY), 1e-15);
    assertEquals(1.0 / 30, p.rowWeight(RowGroup.INITIAL), 1e-15);
    assertArrayEquals(new double[] {0.01, 0.1, 0.1}, Weights.mean().resolve(100, 4, 6), 1e-15);
  }

  @Test
  void specificationErrorsAreReported() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () ->
        LinearPde.builder("x", "t").time("t").domain("x", 0, 1).domain("t", 0, 1).term(1, "t")
            .term(-1, "x", "x").dirichlet("x_min", ScalarField.ZERO).initialValue(ScalarField.ZERO).build());
    assertTrue(e.getMessage().contains("x_max"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () ->
        LinearPde.builder("x", "t").time("t").domain("x", 0, 1).domain("t", 0, 1).term(1, "t")
            .term(-1, "x", "x").dirichlet("x_min", ScalarField.ZERO).dirichlet("x_max", ScalarField.ZERO).build());
    assertTrue(e.getMessage().contains("initial value"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () ->
        LinearPde.builder("x", "t").time("t").domain("x", 0, 1).domain("t", 0, 1).term(1, "t")
            .term(-1, "x", "x").dirichlet("x_min", ScalarField.ZERO).dirichlet("x_max", ScalarField.ZERO)
            .initialValue(ScalarField.ZERO).initialVelocity(ScalarField.ZERO).build());
    assertTrue(e.getMessage().contains("velocity"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () ->
        LinearPde.builder("x").domain("x", 0, 1).term(1, "x", "z").build());
    assertTrue(e.getMessage().contains("'z'"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () ->
        LinearPde.builder("x", "y").domain("x", 0, 1).term(1, "x", "x").build());
    assertTrue(e.getMessage().contains("no domain interval for y"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () ->
        LinearPde.builder("x", "t").time("t").domain("x", 0, 1).domain("t", 0, 1).term(1, "t")
            .dirichlet("t_min", ScalarField.ZERO).build());
    assertTrue(e.getMessage().contains("time variable"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () ->
        PdeProblem.builder(heat()).interiorPoints(10).boundaryPoints(10)
            .sampling(PdeProblem.Sampling.GRID).boundarySplit(PdeProblem.BoundarySplit.UNION).build());
    assertTrue(e.getMessage().contains("union"), e.getMessage());
  }

  @Test
  void noConditionFacesGetNoPoints() {
    LinearPde pde = LinearPde.builder("x", "t").time("t").domain("x", 0, 1).domain("t", 0, 2)
        .term(1, "t").term(1, "x").dirichlet("x_min", ScalarField.ZERO).noCondition("x_max")
        .initialValue(p -> Math.sin(p[0])).build();
    assertEquals(2, pde.constrainedFaces().size());
    PdeProblem p = PdeProblem.builder(pde).interiorPoints(10).boundaryPoints(30).build();
    // x_min has measure 2 (t ∈ [0, 2]), the initial face 1.
    assertEquals(20, p.rowCount(RowGroup.BOUNDARY));
    assertEquals(10, p.rowCount(RowGroup.INITIAL));
    PointSet pts = p.boundaryPoints(0, 1);
    for (int i = 0; i < pts.count; i++) {
      assertTrue(pts.get(i, 0) != 1.0);
    }
  }

  @Test
  void oneDimensionalProblemOnAGrid() {
    ScalarField exact = p -> Math.sin(PI * p[0]);
    LinearPde pde = LinearPde.builder("x").domain("x", 0, 1).term(-1, "x", "x")
        .source(p -> PI * PI * Math.sin(PI * p[0])).dirichlet("x_min", ScalarField.ZERO)
        .dirichlet("x_max", ScalarField.ZERO).exact(exact).build();
    PdeProblem problem = PdeProblem.builder(pde).interiorPoints(99).boundaryPoints(2)
        .sampling(PdeProblem.Sampling.GRID).testGrid(1001).build();
    PointSet in = problem.interiorPoints(0, 1);
    assertEquals(99, in.count);
    assertEquals(0.01, in.get(0, 0), 1e-15);
    PointSet b = problem.boundaryPoints(0, 1);
    assertArrayEquals(new double[] {0, 1}, b.x);
    ExactFeatures.Smooth s = new ExactFeatures.Smooth() {
      @Override
      public double value(double[] p) {
        return Math.sin(PI * p[0]);
      }

      @Override
      public double d(double[] p, int i) {
        return PI * Math.cos(PI * p[0]);
      }

      @Override
      public double dd(double[] p, int i, int j) {
        return -PI * PI * Math.sin(PI * p[0]);
      }
    };
    assertTrue(maxResidual(new ExactFeatures(1, s), new double[] {1, 0}, problem.trainingBlocks()) < 1e-12);
    assertThrows(IllegalArgumentException.class, () -> problem.interiorSampler().points(0, 3, 3));
  }
}
