package org.varpro.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.varpro.core.pde.ScalarField;

class ExpressionFieldTest {
  static final List<String> XT = List.of("x", "t");

  @Test
  void evaluatesWithConstants() {
    ExpressionField f = new ExpressionField("k", "exp(-pi^2*t/4)*sin(pi*x) + e + a", XT, Map.of("a", 2.0));
    double x = 0.3;
    double t = 0.7;
    assertEquals(Math.exp(-Math.PI * Math.PI * t / 4) * Math.sin(Math.PI * x) + Math.E + 2,
        f.value(new double[] {x, t}), 1e-15);
    assertEquals(java.util.Set.of("x", "t"), f.usedVariables());
    assertEquals(-4, new ExpressionField("k", "-2^2", XT, Map.of()).value(new double[2]));
    assertEquals(1e-3, new ExpressionField("k", "1e-3", XT, Map.of()).value(new double[2]), 1e-18);
  }

  @Test
  void constantExpressionsFold() {
    ScalarField c = ExpressionField.of("k", "pi^2/4", XT, Map.of());
    assertInstanceOf(ScalarField.Constant.class, c);
    assertEquals(Math.PI * Math.PI / 4, ((ScalarField.Constant) c).value(), 1e-15);
    assertInstanceOf(ExpressionField.class, ExpressionField.of("k", "t", XT, Map.of()));
  }

  @Test
  void errorsNameTheKey() {
    ConfigError e = assertThrows(ConfigError.class, () -> new ExpressionField("pde.source", "y*2", XT, Map.of()));
    assertEquals("pde.source", e.key());
    assertTrue(e.getMessage().startsWith("pde.source: "), e.getMessage());
    assertTrue(e.getMessage().contains("'y'"), e.getMessage());
    assertTrue(e.getMessage().contains("variables: x, t"), e.getMessage());
    e = assertThrows(ConfigError.class, () -> new ExpressionField("pde.exact", "sin(x", XT, Map.of()));
    assertEquals("pde.exact", e.key());
    e = assertThrows(ConfigError.class, () -> new ExpressionField("a.b", "x +", XT, Map.of()));
    assertEquals("a.b", e.key());
    e = assertThrows(ConfigError.class, () -> new ExpressionField("a.b", "x", XT, Map.of("pi", 3.0)));
    assertTrue(e.getMessage().contains("built in"), e.getMessage());
    e = assertThrows(ConfigError.class, () -> new ExpressionField("a.b", "x", XT, Map.of("x", 3.0)));
    assertTrue(e.getMessage().contains("both"), e.getMessage());
  }

  @Test
  void threadSafeAndSerializable() throws Exception {
    ExpressionField f = new ExpressionField("k", "sin(3*x)*cos(2*t) + x*t", XT, Map.of());
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Double>> worst = new ArrayList<>();
      for (int w = 0; w < 8; w++) {
        final int seed = w;
        worst.add(pool.submit(() -> {
          java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
          double max = 0;
          for (int i = 0; i < 20000; i++) {
            double x = rng.nextDouble();
            double t = rng.nextDouble();
            double ref = Math.sin(3 * x) * Math.cos(2 * t) + x * t;
            max = Math.max(max, Math.abs(f.value(new double[] {x, t}) - ref));
          }
          return max;
        }));
      }
      for (Future<Double> m : worst) {
        assertTrue(m.get() < 1e-15);
      }
    } finally {
      pool.shutdown();
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(f);
    }
    ScalarField copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (ScalarField) in.readObject();
    }
    assertEquals(f.value(new double[] {0.2, 0.9}), copy.value(new double[] {0.2, 0.9}));
  }
}
