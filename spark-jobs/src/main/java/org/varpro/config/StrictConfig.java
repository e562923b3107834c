package org.varpro.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Strict reading of HOCON: unknown keys are errors (a misspelt option must not be silently
 * ignored), and every error names the key and where it was set. All errors are
 * {@link ConfigError}s.
 */
public final class StrictConfig {
  private StrictConfig() {}

  /**
   * Fails when the object at {@code path} ("" for the root) has a key outside {@code allowed},
   * naming the first such key (in sorted order), where it was set, the closest allowed key and
   * the allowed keys. A missing path passes (use {@link #requireKeys} for required ones).
   */
  public static void requireOnly(Config config, String path, Collection<String> allowed) {
    ConfigObject object = object(config, path);
    if (object == null) {
      return;
    }
    for (String key : new TreeSet<>(object.keySet())) {
      if (!allowed.contains(key)) {
        StringBuilder msg = new StringBuilder("unknown key");
        String near = closest(key, allowed);
        if (near != null) {
          msg.append(" (did you mean '").append(near).append("'?)");
        }
        msg.append("; allowed here: ").append(String.join(", ", new TreeSet<>(allowed)))
            .append(where(object.get(key)));
        throw new ConfigError(join(path, key), msg.toString());
      }
    }
  }

  public static void requireOnly(Config config, String path, String... allowed) {
    requireOnly(config, path, Arrays.asList(allowed));
  }

  /** Fails when one of the keys is missing under {@code path}. */
  public static void requireKeys(Config config, String path, String... required) {
    for (String key : required) {
      String full = join(path, key);
      if (!config.hasPath(full)) {
        throw new ConfigError(full, "is required" + where(path.isEmpty() ? null : valueOrNull(config, path)));
      }
    }
  }

  /** The keys of the object at {@code path}, sorted; an error when it is not an object. */
  public static List<String> keys(Config config, String path) {
    ConfigObject object = object(config, path);
    return object == null ? List.of() : new ArrayList<>(new TreeSet<>(object.keySet()));
  }

  /** {@code parent.key} with {@code key} quoted when it needs to be. */
  public static String join(String parent, String key) {
    String k = ConfigUtil.joinPath(key);
    return parent == null || parent.isEmpty() ? k : parent + "." + k;
  }

  /** " [file: line]" for the value's origin, or "" when unknown. */
  public static String where(ConfigValue value) {
    if (value == null || value.origin() == null) {
      return "";
    }
    String d = value.origin().description();
    return d == null || d.isEmpty() ? "" : " [" + d + "]";
  }

  /** " [file: line]" for the value at {@code path}, or "". */
  public static String where(Config config, String path) {
    return where(valueOrNull(config, path));
  }

  private static ConfigValue valueOrNull(Config config, String path) {
    try {
      return config.hasPath(path) ? config.getValue(path) : null;
    } catch (ConfigException e) {
      return null;
    }
  }

  private static ConfigObject object(Config config, String path) {
    if (path == null || path.isEmpty()) {
      return config.root();
    }
    if (!config.hasPath(path)) {
      return null;
    }
    ConfigValue v = config.getValue(path);
    if (v.valueType() != ConfigValueType.OBJECT) {
      throw new ConfigError(path, "must be an object { … }, got " + describe(v) + where(v));
    }
    return (ConfigObject) v;
  }

  /**
   * The given keys of a section that are set, as text options (lists of names joined by commas,
   * which the names must not contain; objects and nulls are errors naming the key).
   */
  public static Map<String, String> textOptions(Config root, String section, Collection<String> keys) {
    Map<String, String> options = new LinkedHashMap<>();
    for (String key : keys(root, section)) {
      if (!keys.contains(key)) {
        continue;
      }
      String full = join(section, key);
      ConfigValue v = root.getValue(full);
      String text;
      if (v.valueType() == ConfigValueType.LIST) {
        List<String> items = getStringList(root, full);
        for (String item : items) {
          if (item.contains(",")) {
            throw new ConfigError(full, "column names must not contain commas, got '" + item + "'" + where(v));
          }
        }
        text = String.join(",", items);
      } else if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.NULL) {
        throw new ConfigError(full, "must be a string, number or boolean" + where(v));
      } else {
        text = String.valueOf(v.unwrapped());
      }
      options.put(key, text);
    }
    return options;
  }

  /** "a number", "a string", … for messages. */
  static String describe(ConfigValue v) {
    return switch (v.valueType()) {
      case OBJECT -> "an object";
      case LIST -> "a list";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case STRING -> "a string";
    };
  }

  public static String getString(Config config, String path) {
    try {
      return config.getString(path);
    } catch (ConfigException e) {
      throw wrap(path, e);
    }
  }

  public static double getDouble(Config config, String path) {
    try {
      double v = config.getDouble(path);
      if (!Double.isFinite(v)) {
        throw new ConfigError(path, "must be a finite number" + where(config, path));
      }
      return v;
    } catch (ConfigException e) {
      throw wrap(path, e);
    }
  }

  public static int getInt(Config config, String path) {
    try {
      return config.getInt(path);
    } catch (ConfigException e) {
      throw wrap(path, e);
    }
  }

  public static long getLong(Config config, String path) {
    try {
      return config.getLong(path);
    } catch (ConfigException e) {
      throw wrap(path, e);
    }
  }

  public static boolean getBoolean(Config config, String path) {
    try {
      return config.getBoolean(path);
    } catch (ConfigException e) {
      throw wrap(path, e);
    }
  }

  public static List<String> getStringList(Config config, String path) {
    try {
      return config.getStringList(path);
    } catch (ConfigException e) {
      throw wrap(path, e);
    }
  }

  public static List<Double> getDoubleList(Config config, String path) {
    try {
      return config.getDoubleList(path);
    } catch (ConfigException e) {
      throw wrap(path, e);
    }
  }

  /** A Typesafe Config exception as a {@link ConfigError} about {@code path}. */
  public static ConfigError wrap(String path, ConfigException e) {
    if (e instanceof ConfigException.Missing) {
      return new ConfigError(path, "is required", e);
    }
    return new ConfigError(path, e.getMessage(), e);
  }

  /** The allowed key closest to {@code key} by edit distance (at most 2, or 1/3 of its length), or null. */
  static String closest(String key, Collection<String> allowed) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String a : allowed) {
      int d = distance(key.toLowerCase(), a.toLowerCase());
      if (d < bestDistance) {
        bestDistance = d;
        best = a;
      }
    }
    return best != null && bestDistance <= Math.max(2, key.length() / 3) ? best : null;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** Identifiers usable as variable and constant names in expressions. */
  static boolean isIdentifier(String s) {
    return s.matches("[A-Za-z_][A-Za-z0-9_]*");
  }

  /** Sorted copy, for messages. */
  static Set<String> sorted(Collection<String> c) {
    return new TreeSet<>(c);
  }
}
