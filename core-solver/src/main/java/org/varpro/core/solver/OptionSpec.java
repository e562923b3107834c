package org.varpro.core.solver;

import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One solver option, declared once: its configuration key, what it does, its type, its default,
 * how it is read from an options value and set on a builder, and the check a value must pass.
 * The builders start from the defaults, the configuration reader sets what a file gives, and
 * {@code build()} runs the checks; the tests that every key is read and documented work from
 * the same declarations.
 *
 * @param <O> the options class (immutable)
 * @param <B> its builder
 * @param key the kebab-case key of the {@code solver} section
 * @param doc one line on what the option does
 * @param type the value's type; enums are parsed by {@code parse}
 * @param defaultValue the value a new builder holds
 * @param check the condition a valid value satisfies (null: any value of the type)
 * @param requirement the condition in words, completing "KEY must ..." (e.g. "be >= 0")
 */
public record OptionSpec<O, B>(String key, String doc, Type type, Object defaultValue, Function<O, Object> get,
    BiConsumer<B, Object> set, Function<String, Object> parse, Predicate<Object> check, String requirement) {

  /** The value types a configuration can hold. */
  public enum Type {
    INT(Integer.class), REAL(Double.class), BOOLEAN(Boolean.class), CHOICE(Enum.class);

    private final Class<?> values;

    Type(Class<?> values) {
      this.values = values;
    }

    /** Whether {@code v} is a value of this type. */
    public boolean holds(Object v) {
      return values.isInstance(v);
    }
  }

  public OptionSpec {
    if (!type.holds(defaultValue)) {
      throw new IllegalArgumentException(key + ": default " + defaultValue + " is not a " + type);
    }
  }

  public static <O, B> OptionSpec<O, B> integer(String key, String doc, int defaultValue, Function<O, Integer> get,
      BiConsumer<B, Integer> set, Predicate<Integer> check, String requirement) {
    return new OptionSpec<>(key, doc, Type.INT, defaultValue, get::apply, (b, v) -> set.accept(b, (Integer) v),
        null, v -> check.test((Integer) v), requirement);
  }

  public static <O, B> OptionSpec<O, B> real(String key, String doc, double defaultValue, Function<O, Double> get,
      BiConsumer<B, Double> set, Predicate<Double> check, String requirement) {
    return new OptionSpec<>(key, doc, Type.REAL, defaultValue, get::apply, (b, v) -> set.accept(b, (Double) v),
        null, v -> check.test((Double) v), requirement);
  }

  public static <O, B> OptionSpec<O, B> bool(String key, String doc, boolean defaultValue, Function<O, Boolean> get,
      BiConsumer<B, Boolean> set) {
    return new OptionSpec<>(key, doc, Type.BOOLEAN, defaultValue, get::apply, (b, v) -> set.accept(b, (Boolean) v),
        null, null, null);
  }

  public static <O, B, E extends Enum<E>> OptionSpec<O, B> choice(String key, String doc, E defaultValue,
      Function<O, E> get, BiConsumer<B, E> set, Function<String, E> parse, Predicate<E> check, String requirement) {
    @SuppressWarnings("unchecked")
    Predicate<Object> c = check == null ? null : v -> check.test((E) v);
    @SuppressWarnings("unchecked")
    BiConsumer<B, Object> s = (b, v) -> set.accept(b, (E) v);
    return new OptionSpec<>(key, doc, Type.CHOICE, defaultValue, get::apply, s, parse::apply, c, requirement);
  }

  /** This option with another default (a kind's own default of a shared option). */
  public OptionSpec<O, B> withDefault(Object value) {
    return new OptionSpec<>(key, doc, type, value, get, set, parse, check, requirement);
  }

  /** The value in {@code o}. */
  public Object value(O o) {
    return get.apply(o);
  }

  /** Sets the value on the builder (checked when the builder builds). */
  public void assign(B b, Object value) {
    set.accept(b, value);
  }

  /** Throws "KEY must REQUIREMENT, got VALUE" when {@code o}'s value fails the check. */
  public void checkValue(O o) {
    Object v = get.apply(o);
    if (check != null && !check.test(v)) {
      throw new IllegalArgumentException(key + " must " + requirement + ", got " + render(v));
    }
  }

  /** The value as a configuration file writes it (enums in kebab-case). */
  public static String render(Object v) {
    return v instanceof Enum<?> e ? e.name().toLowerCase(Locale.ROOT).replace('_', '-') : String.valueOf(v);
  }
}
