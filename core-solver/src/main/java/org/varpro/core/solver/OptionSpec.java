package org.varpro.core.solver;

import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One solver option, declared once: its configuration key, what it does, its type, how it is
 * read from and written to an options object, and the check a value must pass. The default is
 * the value a new options object holds. The configuration reader, the validation and the tests
 * that every key is read and documented all work from these declarations.
 *
 * @param <O> the options class
 * @param key the kebab-case key of the {@code solver} section
 * @param doc one line on what the option does
 * @param type the value's type; enums are parsed by {@code parse}
 * @param check the condition a valid value satisfies (null: any value of the type)
 * @param requirement the condition in words, completing "KEY must ..." (e.g. "be >= 0")
 */
public record OptionSpec<O>(String key, String doc, Type type, Function<O, Object> get, BiConsumer<O, Object> set,
    Function<String, Object> parse, Predicate<Object> check, String requirement) {

  /** The value types a configuration can hold. */
  public enum Type { INT, REAL, BOOLEAN, CHOICE }

  public static <O> OptionSpec<O> integer(String key, String doc, Function<O, Integer> get,
      BiConsumer<O, Integer> set, Predicate<Integer> check, String requirement) {
    return new OptionSpec<>(key, doc, Type.INT, get::apply, (o, v) -> set.accept(o, (Integer) v), null,
        v -> check.test((Integer) v), requirement);
  }

  public static <O> OptionSpec<O> real(String key, String doc, Function<O, Double> get,
      BiConsumer<O, Double> set, Predicate<Double> check, String requirement) {
    return new OptionSpec<>(key, doc, Type.REAL, get::apply, (o, v) -> set.accept(o, (Double) v), null,
        v -> check.test((Double) v), requirement);
  }

  public static <O> OptionSpec<O> bool(String key, String doc, Function<O, Boolean> get, BiConsumer<O, Boolean> set) {
    return new OptionSpec<>(key, doc, Type.BOOLEAN, get::apply, (o, v) -> set.accept(o, (Boolean) v), null,
        null, null);
  }

  public static <O, E extends Enum<E>> OptionSpec<O> choice(String key, String doc, Function<O, E> get,
      BiConsumer<O, E> set, Function<String, E> parse, Predicate<E> check, String requirement) {
    @SuppressWarnings("unchecked")
    Predicate<Object> c = check == null ? null : v -> check.test((E) v);
    @SuppressWarnings("unchecked")
    BiConsumer<O, Object> s = (o, v) -> set.accept(o, (E) v);
    return new OptionSpec<>(key, doc, Type.CHOICE, get::apply, s, parse::apply, c, requirement);
  }

  /** The value in {@code o}. */
  public Object value(O o) {
    return get.apply(o);
  }

  /** Sets the value in {@code o} (unchecked; {@link #checkValue} checks). */
  public void assign(O o, Object value) {
    set.accept(o, value);
  }

  /** Throws "KEY must REQUIREMENT, got VALUE" when the value fails the check. */
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
