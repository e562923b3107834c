package org.varpro.sweep;

import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * One configuration of a sweep: what a task runs and what identifies its row.
 *
 * @param index position in the sweep's enumeration (the row order of the table)
 * @param hash identity across reruns ({@link SweepConfig#hash}); equal configurations share it
 * @param values the effective value of each varied key ({@link SweepConfig#columns}): Long,
 *     Double or String, null when the configuration does not have the key
 * @param overrides the {@code key=value} settings layered on the base, as {@code train --set}
 * @param json the resolved configuration the task parses
 * @param timeLimit seconds the task may take (infinite: no limit)
 */
public record Configuration(int index, String hash, List<Object> values, List<String> overrides, String json,
    double timeLimit) implements Serializable {
  private static final long serialVersionUID = 1L;

  public Configuration {
    values = java.util.Collections.unmodifiableList(new ArrayList<>(values));
    overrides = List.copyOf(overrides);
  }

  /** A table cell for a configuration value: whole numbers as Long, other numbers as Double, else text. */
  static Object cell(ConfigValue v) {
    return switch (v.valueType()) {
      case NUMBER -> {
        Number n = (Number) v.unwrapped();
        yield n instanceof Integer || n instanceof Long ? (Object) n.longValue() : (Object) n.doubleValue();
      }
      case STRING -> v.unwrapped();
      case BOOLEAN -> String.valueOf(v.unwrapped());
      case NULL -> null;
      default -> v.render(ConfigRenderOptions.concise());
    };
  }

  /** "k=v k=v" for logs. */
  public String describe() {
    return String.join(" ", overrides);
  }
}
