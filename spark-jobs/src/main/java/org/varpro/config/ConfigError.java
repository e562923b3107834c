package org.varpro.config;

/**
 * An invalid run configuration: the message starts with the offending key (e.g.
 * {@code pde.operator.d_q}) and, when known, ends with where it was set ({@code [heat.conf: 7]}).
 */
public class ConfigError extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public ConfigError(String key, String message) {
    super(key + ": " + message);
    this.key = key;
  }

  public ConfigError(String key, String message, Throwable cause) {
    super(key + ": " + message, cause);
    this.key = key;
  }

  /** The configuration key (path) the error is about. */
  public String key() {
    return key;
  }
}
