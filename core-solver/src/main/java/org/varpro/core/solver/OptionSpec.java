package org.varpro.core.solver;

import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One solver option, declared once: its configuration key, what it does, its type, its default
 * and the check a value must pass. It is also the typed key of the option's value in an options
 * object ({@link LmOptions#get}) and its builder ({@link LmOptions.Builder#set}). The builders
 * start from the defaults, the configuration reader sets what a file gives, and
 * {@code build()} runs the checks; the tests that every key is read and documented work from
 * the same declarations.
 *
 * @param <T> the value's Java type
 * @param key the kebab-case key of the {@code solver} section
 * @param doc one line on what the option does
 * @param type the value's type in a configuration; enums are parsed by {@code parse}
 * @param defaultValue the value a new builder holds
 * @param parse a configuration word to an enum constant (choices only)
 * @param check the condition a valid value satisfies (null: any value of the type)
 * @param requirement the condition in words, completing "KEY must ..." (e.g. "be >= 0")
 */
public record OptionSpec<T>(String key, String doc, Type type, T defaultValue, Function<String, T> parse,
    Predicate<T> check, String requirement) {

  /** The value types a configuration can hold. */
  public enum Type {
    INT, REAL, BOOLEAN, CHOICE
  }

  public OptionSpec {
    if (!javaType(type, defaultValue).isInstance(defaultValue)) {
      throw new IllegalArgumentException(key + ": default " + defaultValue + " is not a " + type);
    }
  }

  public static OptionSpec<Integer> integer(String key, String doc, int defaultValue, Predicate<Integer> check,
      String requirement) {
    return new OptionSpec<>(key, doc, Type.INT, defaultValue, null, check, requirement);
  }

  public static OptionSpec<Double> real(String key, String doc, double defaultValue, Predicate<Double> check,
      String requirement) {
    return new OptionSpec<>(key, doc, Type.REAL, defaultValue, null, check, requirement);
  }

  public static OptionSpec<Boolean> bool(String key, String doc, boolean defaultValue) {
    return new OptionSpec<>(key, doc, Type.BOOLEAN, defaultValue, null, null, null);
  }

  public static <E extends Enum<E>> OptionSpec<E> choice(String key, String doc, E defaultValue,
      Function<String, E> parse, Predicate<E> check, String requirement) {
    return new OptionSpec<>(key, doc, Type.CHOICE, defaultValue, parse, check, requirement);
  }

  /** This option with another default (a kind's own default of a shared option). */
  public OptionSpec<T> withDefault(T value) {
    return new OptionSpec<>(key, doc, type, value, parse, check, requirement);
  }

  /**
   * {@code v} as this option's value.
   *
   * @throws IllegalArgumentException "KEY must be a TYPE, got V" when it is a value of another type
   */
  public T cast(Object v) {
    Class<?> t = javaType(type, defaultValue);
    if (!t.isInstance(v)) {
      throw new IllegalArgumentException(key + " must be a " + t.getSimpleName() + ", got " + render(v));
    }
    @SuppressWarnings("unchecked")
    T value = (T) v;
    return value;
  }

  /** Throws "KEY must REQUIREMENT, got VALUE" when {@code v} fails the check. */
  public void checkValue(T v) {
    if (check != null && !check.test(v)) {
      throw new IllegalArgumentException(key + " must " + requirement + ", got " + render(v));
    }
  }

  /** The value as a configuration file writes it (enums in kebab-case). */
  public static String render(Object v) {
    return v instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT).replace('_', '-') : String.valueOf(v);
  }

  /** The Java class of a value (a choice's own enum: two kinds may declare the same key with other enums). */
  private static Class<?> javaType(Type type, Object defaultValue) {
    return switch (type) {
      case INT -> Integer.class;
      case REAL -> Double.class;
      case BOOLEAN -> Boolean.class;
      case CHOICE -> defaultValue instanceof Enum<?> e ? e.getDeclaringClass() : Enum.class;
    };
  }
}
