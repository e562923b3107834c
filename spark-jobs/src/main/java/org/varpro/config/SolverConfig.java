package org.varpro.config;

import com.typesafe.config.Config;
import java.util.List;
import org.varpro.core.solver.LmOptions;
import org.varpro.core.solver.OptionSpec;
import org.varpro.core.solver.SolverOptions;

/**
 * The {@code solver} section, read from the options' declarations ({@link OptionSpec}) into the
 * kind's builder and built (checked) once: every key optional with its declared default;
 * {@code time-budget} is in seconds (absent: no budget).
 */
public final class SolverConfig {
  /** The keys of a least-squares {@code solver} section, from the declarations. */
  public static final List<String> KEYS = keys(SolverOptions.SPECS);

  private SolverConfig() {}

  public static SolverOptions parse(Config root) {
    return read(root, "solver", SolverOptions.builder());
  }

  /** The declared keys, in order. */
  public static List<String> keys(List<OptionSpec<?>> specs) {
    return specs.stream().map(OptionSpec::key).toList();
  }

  /**
   * Sets on {@code builder} every declared option of its kind that the section sets (the others
   * keep their defaults), rejects keys that are not declared, and builds the options; each error
   * names {@code section.key} and its place in the file.
   */
  public static <O extends LmOptions<O>> O read(Config root, String section, LmOptions.Builder<O> builder) {
    if (root.hasPath(section)) {
      StrictConfig.requireOnly(root, section, keys(builder.specs()));
      for (OptionSpec<?> spec : builder.specs()) {
        String path = section + "." + spec.key();
        if (root.hasPath(path)) {
          readInto(builder, spec, root, path);
        }
      }
    }
    return built(root, section, builder);
  }

  /** Reads the value at {@code path} as the option's type and sets it on the builder. */
  private static <T> void readInto(LmOptions.Builder<?> builder, OptionSpec<T> spec, Config root, String path) {
    Object value = switch (spec.type()) {
      case INT -> StrictConfig.getInt(root, path);
      case REAL -> StrictConfig.getDouble(root, path);
      case BOOLEAN -> StrictConfig.getBoolean(root, path);
      case CHOICE -> ModelConfig.parseEnum(root, path, spec.parse());
    };
    builder.set(spec, spec.cast(value));
  }

  /**
   * Builds the options, whose checks name the option in kebab-case first ("lambda must be ..."),
   * turning a failure into a ConfigError naming {@code section.option} and its place.
   */
  private static <O extends LmOptions<O>> O built(Config root, String section, LmOptions.Builder<O> builder) {
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      String key = e.getMessage().split(" ")[0];
      throw new ConfigError(section + "." + key, e.getMessage().substring(key.length()).trim()
          + StrictConfig.where(root, section + "." + key), e);
    }
  }
}
