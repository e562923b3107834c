package org.varpro.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class StrictConfigTest {
  static final Config CONF = ConfigFactory.parseString("""
      model { hidden = [64], activation = tanh }
      solver {
        max-iterations = 10
        lamda = 1e-8
      }
      "odd.key" { x = 1 }
      """);

  @Test
  void acceptsAllowedKeys() {
    StrictConfig.requireOnly(CONF, "model", "hidden", "activation", "init");
    StrictConfig.requireOnly(CONF, "missing.section", "anything");
    StrictConfig.requireKeys(CONF, "model", "hidden");
    assertEquals(List.of("activation", "hidden"), StrictConfig.keys(CONF, "model"));
  }

  @Test
  void rejectsUnknownKeysWithLocationAndSuggestion() {
    ConfigError e = assertThrows(ConfigError.class,
        () -> StrictConfig.requireOnly(CONF, "solver", List.of("max-iterations", "lambda", "tau")));
    assertEquals("solver.lamda", e.key());
    assertTrue(e.getMessage().contains("did you mean 'lambda'"), e.getMessage());
    assertTrue(e.getMessage().contains("String: 4"), e.getMessage());
    assertTrue(e.getMessage().contains("allowed here: lambda, max-iterations, tau"), e.getMessage());
    e = assertThrows(ConfigError.class, () -> StrictConfig.requireOnly(CONF, "", "model", "solver"));
    assertEquals("\"odd.key\"", e.key());
    e = assertThrows(ConfigError.class, () -> StrictConfig.requireOnly(CONF, "model.hidden", "x"));
    assertTrue(e.getMessage().contains("must be an object"), e.getMessage());
    e = assertThrows(ConfigError.class, () -> StrictConfig.requireKeys(CONF, "model", "init"));
    assertEquals("model.init", e.key());
  }

  @Test
  void typedGettersNameTheKey() {
    assertEquals(10, StrictConfig.getInt(CONF, "solver.max-iterations"));
    ConfigError e = assertThrows(ConfigError.class, () -> StrictConfig.getInt(CONF, "model.activation"));
    assertEquals("model.activation", e.key());
    e = assertThrows(ConfigError.class, () -> StrictConfig.getDouble(CONF, "solver.tau"));
    assertEquals("solver.tau", e.key());
    assertTrue(e.getMessage().contains("required"), e.getMessage());
  }
}
