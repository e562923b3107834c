package org.varpro.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.varpro.core.model.Channels;
import org.varpro.core.model.RowBlock;
import org.varpro.core.pde.LinearPde;
import org.varpro.core.pde.PdeProblem;
import org.varpro.core.pde.RowGroup;
import org.varpro.core.pde.ScalarField;
import org.varpro.core.pde.Weights;

class PdeConfigTest {
  static final Path CONF = Path.of(System.getProperty("user.dir")).resolve("../conf").normalize();
  static final String[] EXAMPLES = {"heat.conf", "poisson.conf", "poisson3d.conf", "advection-diffusion.conf",
      "helmholtz.conf"};

  static Config example(String name) {
    return ConfigFactory.parseFile(CONF.resolve(name).toFile()).resolve();
  }

  /** The example with HOCON overrides on top. */
  static Config heatWith(String overrides) {
    return ConfigFactory.parseString(overrides).withFallback(ConfigFactory.parseFile(CONF.resolve("heat.conf").toFile()));
  }

  static ConfigError error(String overrides) {
    return assertThrows(ConfigError.class, () -> PdeConfig.parseProblem(heatWith(overrides)));
  }

  @Test
  void heatExampleParses() {
    PdeProblem problem = PdeConfig.load(CONF.resolve("heat.conf"));
    LinearPde pde = problem.pde();
    assertEquals(java.util.List.of("x", "t"), pde.variables());
    assertEquals(1, pde.timeIndex());
    assertEquals(1, pde.timeOrder());
    assertEquals(Channels.of(2, java.util.List.of(new int[] {1}, new int[] {0, 0})), pde.channels());
    assertEquals(2, pde.terms().size());
    for (LinearPde.Term t : pde.terms()) {
      assertInstanceOf(ScalarField.Constant.class, t.coefficient());
      assertEquals(t.order() == 1 ? 1.0 : -0.25, ((ScalarField.Constant) t.coefficient()).value());
    }
    assertTrue(pde.source() instanceof ScalarField.Constant c && c.value() == 0);
    assertEquals(900, problem.rowCount(RowGroup.INTERIOR));
    assertEquals(80, problem.rowCount(RowGroup.BOUNDARY));
    assertEquals(40, problem.rowCount(RowGroup.INITIAL));
    assertEquals(1.0 / 900, problem.rowWeight(RowGroup.INTERIOR), 1e-18);
    assertEquals(1.0 / 120, problem.rowWeight(RowGroup.BOUNDARY), 1e-18);
    assertEquals(10201, problem.testPoints().count);
    assertEquals(1, problem.seed());
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 0; i < 100; i++) {
      double x = rng.nextDouble();
      double t = rng.nextDouble();
      assertEquals(Math.exp(-Math.PI * Math.PI * t / 4) * Math.sin(Math.PI * x), pde.exact().value(new double[] {x, t}), 1e-15);
      assertEquals(Math.sin(Math.PI * x), pde.initialValue().value(new double[] {x, t}), 1e-15);
    }
  }

  /** Σ_c coef_c ∂^c u by central differences. */
  static double applyRow(RowBlock b, int i, ScalarField u) {
    int d = b.inputDim;
    double[] x = new double[d];
    for (int k = 0; k < d; k++) {
      x[k] = b.input(i, k);
    }
    Channels ch = b.channels;
    double h = 1e-4;
    double s = 0;
    for (int c = 0; c < ch.count(); c++) {
      double k = b.coefficient(i, c);
      if (k == 0) {
        continue;
      }
      double v;
      if (ch.order(c) == 0) {
        v = u.value(x);
      } else if (ch.order(c) == 1) {
        v = (shifted(u, x, ch.firstIndex(c), h, -1, 0, 0) - shifted(u, x, ch.firstIndex(c), -h, -1, 0, 0)) / (2 * h);
      } else {
        int a = ch.firstIndex(c);
        int bb = ch.secondIndex(c);
        if (a == bb) {
          v = (shifted(u, x, a, h, -1, 0, 0) - 2 * u.value(x) + shifted(u, x, a, -h, -1, 0, 0)) / (h * h);
        } else {
          v = (shifted(u, x, a, h, bb, h, 1) - shifted(u, x, a, h, bb, -h, 1) - shifted(u, x, a, -h, bb, h, 1)
              + shifted(u, x, a, -h, bb, -h, 1)) / (4 * h * h);
        }
      }
      s += k * v;
    }
    return s;
  }

  private static double shifted(ScalarField u, double[] x, int a, double ha, int b, double hb, int two) {
    double[] y = x.clone();
    y[a] += ha;
    if (two == 1) {
      y[b] += hb;
    }
    return u.value(y);
  }

  @Test
  void exampleExactSolutionsSolveTheirProblems() {
    for (String name : EXAMPLES) {
      PdeProblem problem = PdeConfig.parseProblem(example(name));
      ScalarField u = problem.pde().exact();
      PdeProblem.TrainingRows rows = problem.trainingRows();
      double scale = 0;
      double worst = 0;
      for (RowBlock b : rows.interior()) {
        for (int i = 0; i < b.rows; i++) {
          scale = Math.max(scale, Math.abs(b.target(i, 0)));
          worst = Math.max(worst, Math.abs(applyRow(b, i, u) - b.target(i, 0)));
        }
      }
      assertTrue(worst < 1e-4 * Math.max(1, scale), name + ": interior residual " + worst);
      for (RowGroup g : new RowGroup[] {RowGroup.BOUNDARY, RowGroup.INITIAL}) {
        for (RowBlock b : rows.of(g)) {
          for (int i = 0; i < b.rows; i++) {
            assertEquals(b.target(i, 0), applyRow(b, i, u), 1e-12, name + " " + g);
          }
        }
      }
      assertTrue(problem.rowCount(RowGroup.INTERIOR) >= 900, name);
      int perSide = example(name).getInt("points.test-grid");
      assertEquals((int) Math.pow(perSide, problem.pde().dim()), problem.testPoints().count, name);
    }
  }

  @Test
  void constantExpressionsAreFolded() {
    LinearPde pde = PdeConfig.parsePde(example("advection-diffusion.conf"));
    for (LinearPde.Term t : pde.terms()) {
      assertInstanceOf(ScalarField.Constant.class, t.coefficient());
    }
    double[] byOrder = new double[3];
    for (LinearPde.Term t : pde.terms()) {
      if (t.first() == 0 && t.order() == 1) {
        byOrder[1] = ((ScalarField.Constant) t.coefficient()).value();
      } else if (t.order() == 2) {
        byOrder[2] = ((ScalarField.Constant) t.coefficient()).value();
      }
    }
    assertArrayEquals(new double[] {0, 1, -0.05}, byOrder);
    LinearPde helmholtz = PdeConfig.parsePde(example("helmholtz.conf"));
    assertTrue(helmholtz.terms().stream().anyMatch(t -> t.order() == 0
        && ((ScalarField.Constant) t.coefficient()).value() == 16));
  }

  @Test
  void variableCoefficientsMixedTermsAndNeumann() {
    String conf = """
        pde {
          variables = [x, y]
          domain { x = [0, 1], y = [-1, 1] }
          operator { d_xx = "-(1 + x^2)", d_x_y = 0.5, d_yx = 0.25, d_y = "y", u = 2 }
          source = "x*y"
          boundary {
            x_min { type = neumann, value = 1 }
            x_max { type = dirichlet, value = "y" }
            y_min { type = none }
            y_max { type = dirichlet, value = 0 }
          }
        }
        points { interior = 50, boundary { x_min = 3, x_max = 4, y_max = 5 }, sampler = halton }
        weights { interior = 2, boundary = "10*mean" }
        """;
    PdeProblem p = PdeConfig.parseProblem(ConfigFactory.parseString(conf));
    LinearPde pde = p.pde();
    assertEquals(5, pde.terms().size());
    assertEquals(3, pde.constrainedFaces().size());
    assertEquals(12, p.rowCount(RowGroup.BOUNDARY));
    assertEquals(2.0, p.rowWeight(RowGroup.INTERIOR));
    assertEquals(10.0 / 12, p.rowWeight(RowGroup.BOUNDARY), 1e-15);
    RowBlock in = p.trainingRows().interior()[0];
    Channels ch = pde.channels();
    for (int i = 0; i < in.rows; i++) {
      double x = in.input(i, 0);
      double y = in.input(i, 1);
      assertEquals(-(1 + x * x), in.coefficient(i, ch.channelOfSecond(0, 0)), 1e-15);
      assertEquals(0.75, in.coefficient(i, ch.channelOfSecond(0, 1)), 1e-15);
      assertEquals(y, in.coefficient(i, ch.channelOfFirst(1)), 1e-15);
      assertEquals(2, in.coefficient(i, 0));
      assertEquals(x * y, in.target(i, 0), 1e-15);
    }
    RowBlock b = p.trainingRows().boundary()[0];
    for (int i = 0; i < 3; i++) {
      assertEquals(0.0, b.input(i, 0));
      assertEquals(-1.0, b.coefficient(i, ch.channelOfFirst(0)));
      assertEquals(1.0, b.target(i, 0));
    }
  }

  @Test
  void weightsParse() {
    Weights w = PdeConfig.parseWeights(ConfigFactory.parseString(
        "weights { interior = \"2.5 * mean\", boundary = 3 }"));
    assertEquals(Weights.Weight.mean(2.5), w.interior());
    assertEquals(Weights.Weight.fixed(3), w.boundary());
    assertEquals(Weights.Weight.fixed(3), w.initial());
    Weights d = PdeConfig.parseWeights(ConfigFactory.parseString("model { }"));
    assertEquals(Weights.Weight.mean(), d.interior());
    ConfigError e = assertThrows(ConfigError.class, () -> PdeConfig.parseWeights(
        ConfigFactory.parseString("weights { interior = avg }")));
    assertEquals("weights.interior", e.key());
    e = assertThrows(ConfigError.class, () -> PdeConfig.parseWeights(
        ConfigFactory.parseString("weights { boundary = -1 }")));
    assertEquals("weights.boundary", e.key());
  }

  @Test
  void unknownKeysAreErrorsNamingTheKey() {
    ConfigError e = error("pde.foo = 1");
    assertEquals("pde.foo", e.key());
    e = error("points.interor = 5");
    assertEquals("points.interor", e.key());
    assertTrue(e.getMessage().contains("did you mean 'interior'"), e.getMessage());
    assertTrue(e.getMessage().contains("String: 1"), e.getMessage());
    assertEquals("weights.bogus", error("weights.bogus = mean").key());
    assertEquals("pde.boundary.x_min.valu", error("pde.boundary.x_min.valu = 1").key());
    assertEquals("pde.boundary.t_min", error("pde.boundary.t_min { type = dirichlet, value = 0 }").key());
    assertEquals("pde.initial.velocit", error("pde.initial.velocit = 0").key());
    assertEquals("pde.domain.y", error("pde.domain.y = [0, 1]").key());
    e = error("pde.operator.d_q = 1");
    assertEquals("pde.operator.d_q", e.key());
    assertTrue(e.getMessage().contains("unknown derivative 'q'"), e.getMessage());
    assertEquals("pde.operator.dxx", error("pde.operator.dxx = 1").key());
    assertEquals("points.boundary.x_mid", error("points.boundary { x_min = 1, x_max = 1, initial = 1, x_mid = 1 }").key());
  }

  @Test
  void missingAndInvalidValuesAreErrorsNamingTheKey() {
    Config heat = ConfigFactory.parseFile(CONF.resolve("heat.conf").toFile());
    ConfigError e = assertThrows(ConfigError.class,
        () -> PdeConfig.parseProblem(heat.withoutPath("pde.boundary.x_max")));
    assertEquals("pde.boundary.x_max", e.key());
    e = assertThrows(ConfigError.class, () -> PdeConfig.parseProblem(heat.withoutPath("points.interior")));
    assertEquals("points.interior", e.key());
    e = assertThrows(ConfigError.class, () -> PdeConfig.parseProblem(heat.withoutPath("pde.initial")));
    assertEquals("pde.initial.value", e.key());
    assertTrue(e.getMessage().contains("initial value"), e.getMessage());
    e = error("pde.initial.velocity = 0");
    assertEquals("pde.initial.velocity", e.key());
    assertTrue(e.getMessage().contains("second order"), e.getMessage());
    e = error("pde.operator { d_tt = 1, d_t = 0 }");
    assertEquals("pde.initial.velocity", e.key());
    assertEquals("points.sampler", error("points.sampler = sobel").key());
    assertEquals("points.boundary-split", error("points.boundary-split = even").key());
    assertEquals("points.interior", error("points.interior = many").key());
    assertEquals("pde.time", error("pde.time = s").key());
    assertEquals("pde.domain.x", error("pde.domain.x = [1, 0]").key());
    assertEquals("pde.boundary.x_min.type", error("pde.boundary.x_min.type = robin").key());
    assertEquals("pde.variables", error("pde.variables = [x, pi]").key());
    assertEquals("pde.source", error("pde.source = [1, 2]").key());
    assertEquals("points.boundary-split",
        error("points.boundary { x_min = 1, x_max = 1, initial = 1 }").key());
  }

  @Test
  void expressionErrorsNameTheKey() {
    ConfigError e = error("pde.source = \"sin(pi*z)\"");
    assertEquals("pde.source", e.key());
    assertTrue(e.getMessage().contains("'z'"), e.getMessage());
    assertTrue(e.getMessage().contains("String: 1"), e.getMessage());
    assertEquals("pde.exact", error("pde.exact = \"sin(pi*x\"").key());
    assertEquals("pde.initial.value", error("pde.initial.value = \"x*\"").key());
    assertEquals("pde.operator.d_t", error("pde.operator.d_t = \"foo(x)\"").key());
    assertEquals("pde.boundary.x_max.value", error("pde.boundary.x_max.value = \"\"").key());
    assertEquals("pde.operator.d_t", error("pde.operator.d_t = \"1/0\"").key());
  }

  @Test
  void problemFromConfigSerializes() throws Exception {
    PdeProblem problem = PdeConfig.parseProblem(example("advection-diffusion.conf"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(problem);
    }
    PdeProblem copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (PdeProblem) in.readObject();
    }
    for (int j = 0; j < 3; j++) {
      RowBlock a = RowBlock.concat(problem.trainingRows(j, 3).all());
      RowBlock b = RowBlock.concat(copy.trainingRows(j, 3).all());
      assertArrayEquals(a.x, b.x);
      assertArrayEquals(a.y, b.y);
      assertArrayEquals(a.coef, b.coef);
      assertArrayEquals(a.weight, b.weight);
    }
  }
}
