package org.varpro.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.varpro.core.classify.ClassifierOptions;
import org.varpro.core.solver.LmOptions;
import org.varpro.core.solver.OptionSpec;
import org.varpro.core.solver.SolverOptions;
import org.varpro.core.solver.StepMethod;

/**
 * The solver options are declared once ({@link OptionSpec}); this checks that the declarations,
 * the configuration reader and the documentation agree, for both kinds: a new builder builds
 * every declared default, every declared key is read into the option it names (a non-default
 * value set in a configuration comes back as the option's value), is documented in the kind's
 * reference configuration, and every option constant is declared.
 */
class SolverOptionsDeclarationTest {

  record Kind(String name, Supplier<LmOptions.Builder<?>> builder, Path documentation, Class<?> type) {}

  static final List<Kind> KINDS = List.of(
      new Kind("least squares", SolverOptions::builder, conf("heat.conf"), SolverOptions.class),
      new Kind("classification", ClassifierOptions::builder, conf("digits.conf"), ClassifierOptions.class));

  @Test
  void everyDeclaredKeyIsReadIntoItsOption() {
    for (Kind kind : KINDS) {
      LmOptions<?> defaults = kind.builder().get().build();
      for (OptionSpec<?> spec : defaults.specs()) {
        Object before = defaults.get(spec);
        assertEquals(spec.defaultValue(), before, kind.name() + ": " + spec.key() + " is built at its default");
        Object changed = readNonDefault(kind, spec, before);
        assertNotEquals(before, changed, kind.name() + ": " + spec.key() + " kept its default");
      }
    }
  }

  @Test
  void everyDeclaredKeyIsDocumented() throws IOException {
    for (Kind kind : KINDS) {
      String text = Files.readString(kind.documentation());
      for (OptionSpec<?> spec : kind.builder().get().specs()) {
        assertFalse(spec.doc().isBlank(), spec.key() + " has no documentation line");
        Pattern line = Pattern.compile("(?m)^\\s*(#\\s*)?" + Pattern.quote(spec.key()) + "\\s*=");
        assertTrue(line.matcher(text).find(), kind.name() + ": " + spec.key() + " is not documented in "
            + kind.documentation() + " (a 'key = default' line, commented or not, under its comment)");
      }
    }
  }

  /**
   * Every option constant (a public static {@link OptionSpec} of {@link LmOptions} or of a kind's
   * class) is in the kind's declared list, and no key is declared twice in one kind. Least
   * squares declares every driver option; classification the ones it takes.
   */
  @Test
  void everyOptionConstantIsDeclared() {
    Set<String> driver = optionKeys(LmOptions.class);
    assertEquals(LmOptions.DRIVER.stream().map(OptionSpec::key).collect(Collectors.toSet()), driver);
    for (Kind kind : KINDS) {
      List<String> declared = SolverConfig.keys(kind.builder().get().specs());
      assertEquals(declared.size(), new HashSet<>(declared).size(), kind.name() + ": a key declared twice");
      assertTrue(declared.containsAll(optionKeys(kind.type())), kind.name() + ": an option constant not declared");
    }
    assertTrue(SolverOptions.SPECS.stream().map(OptionSpec::key).toList().containsAll(driver));
  }

  /**
   * Options are values: no field of an options class can be changed (every instance field is
   * private and final), a copy through {@code toBuilder()} equals the original and changing the
   * copy's builder leaves the original alone; a bad value fails at {@code build()}, naming the
   * key, and so does an option of another kind.
   */
  @Test
  void optionsAreImmutableValuesCheckedWhenBuilt() {
    for (Class<?> type : List.of(LmOptions.class, SolverOptions.class, ClassifierOptions.class)) {
      for (Field f : type.getDeclaredFields()) {
        int m = f.getModifiers();
        assertTrue(Modifier.isStatic(m) || Modifier.isPrivate(m) && Modifier.isFinal(m),
            type.getSimpleName() + "." + f.getName() + " can be changed");
      }
    }
    SolverOptions a = SolverOptions.builder().lambda(1e-6).maxIterations(9).build();
    LmOptions.Builder<SolverOptions> b = a.toBuilder();
    assertEquals(a, b.build());
    SolverOptions changed = b.maxIterations(10).build();
    assertEquals(9, a.maxIterations());
    assertEquals(10, changed.maxIterations());
    assertNotEquals(a, changed);
    ClassifierOptions c = ClassifierOptions.builder().set(ClassifierOptions.THETA_RIDGE, 0.5).build();
    assertEquals(c, c.toBuilder().build());
    assertEquals(0.5, c.get(ClassifierOptions.THETA_RIDGE), 0.0);
    assertEquals(1e-4, c.lambda(), 0.0, "the classification default of a driver option");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SolverOptions.builder().cgMaxIterations(0).build());
    assertEquals("cg-max-iterations must be > 0, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ClassifierOptions.builder().lambda(0).build());
    assertEquals("lambda must be finite and > 0 for classification", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> SolverOptions.builder().set(ClassifierOptions.THETA_RIDGE, 0.5));
    assertEquals("theta-ridge is not an option of this kind", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> a.get(ClassifierOptions.STEP));
    assertEquals("step must be a ClassifierStep, got auto", e.getMessage());
  }

  /**
   * Options stay values through Java serialization: the copy equals the original, has the same
   * declarations and makes a builder of its kind (the kind resolves to its class's constant).
   */
  @Test
  void optionsSurviveSerialization() throws Exception {
    SolverOptions a = SolverOptions.builder().lambda(1e-6).set(SolverOptions.STEP, StepMethod.GRAM).build();
    SolverOptions a2 = roundTrip(a);
    assertEquals(a, a2);
    assertSame(a.specs(), a2.specs());
    assertEquals(7, a2.toBuilder().maxIterations(7).build().maxIterations());
    ClassifierOptions c = ClassifierOptions.builder().set(ClassifierOptions.CURVATURE_SAMPLE, 0.5).build();
    ClassifierOptions c2 = roundTrip(c);
    assertEquals(c, c2);
    assertSame(c.specs(), c2.specs());
    ClassifierOptions c3 = c2.toBuilder().set(ClassifierOptions.THETA_RIDGE, 0.25).build();
    assertEquals(0.25, c3.get(ClassifierOptions.THETA_RIDGE), 0.0);
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T o) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }

  @Test
  void undeclaredKeysAndBadValuesNameTheKey() {
    Config unknown = ConfigFactory.parseString("solver { tua = 1 }");
    ConfigError e = assertThrows(ConfigError.class, () -> SolverConfig.parse(unknown));
    assertEquals("solver.tua", e.key());
    Config bad = ConfigFactory.parseString("solver { cg-max-iterations = 0 }");
    e = assertThrows(ConfigError.class, () -> ClassifyConfig.solver(bad));
    assertEquals("solver.cg-max-iterations", e.key());
    assertTrue(e.getMessage().contains("must be > 0, got 0"), e.getMessage());
  }

  /**
   * Sets the key alone to the first candidate value that differs from the default and passes
   * validation, reads the section, and returns the option's value read.
   */
  private static Object readNonDefault(Kind kind, OptionSpec<?> spec,
      Object before) {
    // An option bounded by another (lambda-floor <= lambda) gets that one raised alongside.
    for (String companion : List.of("", "lambda = 1, ")) {
      for (String candidate : candidates(spec, before)) {
        Config c = ConfigFactory.parseString("solver { " + companion + spec.key() + " = " + candidate + " }");
        LmOptions<?> read;
        try {
          read = SolverConfig.read(c, "solver", kind.builder().get());
        } catch (ConfigError invalid) {
          continue; // e.g. lambda-floor above lambda: try the next value
        }
        Object v = read.get(spec);
        if (!v.equals(before)) {
          return v;
        }
      }
    }
    throw new AssertionError(kind.name() + ": no candidate value of " + spec.key() + " was read");
  }

  private static List<String> candidates(OptionSpec<?> spec, Object before) {
    List<String> out = new ArrayList<>();
    switch (spec.type()) {
      case INT -> out.addAll(List.of(String.valueOf((Integer) before + 1), "1", "7"));
      case REAL -> out.addAll(List.of("0.5", "2", "1e-3", "0"));
      case BOOLEAN -> out.add(String.valueOf(!(Boolean) before));
      case CHOICE -> {
        for (Object constant : before.getClass().getEnumConstants()) {
          out.add(OptionSpec.render(constant));
        }
      }
    }
    return out;
  }

  /** The keys of the public static option constants a class declares. */
  private static Set<String> optionKeys(Class<?> type) {
    Set<String> out = new HashSet<>();
    for (Field f : type.getDeclaredFields()) {
      int m = f.getModifiers();
      if (Modifier.isPublic(m) && Modifier.isStatic(m) && f.getType() == OptionSpec.class) {
        try {
          out.add(((OptionSpec<?>) f.get(null)).key());
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return out;
  }

  private static Path conf(String name) {
    Path p = Path.of("..", "conf", name);
    return Files.exists(p) ? p : Path.of("conf", name);
  }
}
