package io.pipewatch.collector.settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Reads one section of the configuration into typed values, turning every bad value into an {@link
 * InvalidSettingException} that names the full key. Each module's settings record is built with one
 * of these:
 *
 * <pre>{@code
 * SettingsReader in = SettingsReader.of(config, "pipewatch.collector");
 * Duration flush = in.positiveDuration("flush-interval");
 * }</pre>
 */
public final class SettingsReader {
  private final Config config;
  private final String prefix;

  private SettingsReader(Config config, String prefix) {
    this.config = config;
    this.prefix = prefix;
  }

  /**
   * A reader of {@code section} of {@code root}; the section must exist (reference.conf has it).
   */
  public static SettingsReader of(Config root, String section) {
    if (!root.hasPath(section)) {
      throw new InvalidSettingException(section, "a configuration section", null);
    }
    return new SettingsReader(root.getConfig(section), section + ".");
  }

  /** A reader of a nested section, keeping full key names in errors. */
  public SettingsReader section(String path) {
    require(path);
    try {
      return new SettingsReader(config.getConfig(path), prefix + path + ".");
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw new InvalidSettingException(key(path), "a section { ... }", raw(path));
    }
  }

  public String key(String path) {
    return prefix + path;
  }

  public boolean has(String path) {
    return config.hasPath(path);
  }

  public Config config() {
    return config;
  }

  public String string(String path) {
    require(path);
    try {
      return config.getString(path);
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw new InvalidSettingException(key(path), "a string", raw(path));
    }
  }

  public String nonBlankString(String path) {
    String value = string(path);
    if (value.isBlank()) {
      throw new InvalidSettingException(key(path), "a non-empty string", value);
    }
    return value;
  }

  public boolean bool(String path) {
    require(path);
    try {
      return config.getBoolean(path);
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw new InvalidSettingException(key(path), "true or false", raw(path));
    }
  }

  public int intInRange(String path, int min, int max) {
    require(path);
    int value;
    try {
      value = config.getInt(path);
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw new InvalidSettingException(
          key(path), "a whole number from " + min + " to " + max, raw(path));
    }
    if (value < min || value > max) {
      throw new InvalidSettingException(
          key(path), "a whole number from " + min + " to " + max, value);
    }
    return value;
  }

  public int positiveInt(String path) {
    return intInRange(path, 1, Integer.MAX_VALUE);
  }

  /** A TCP port; 0 means "any free port". */
  public int port(String path) {
    return intInRange(path, 0, 65535);
  }

  public double doubleInRange(String path, double min, double max) {
    require(path);
    double value;
    try {
      value = config.getDouble(path);
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw new InvalidSettingException(
          key(path), "a number from " + min + " to " + max, raw(path));
    }
    if (!(value >= min && value <= max)) {
      throw new InvalidSettingException(key(path), "a number from " + min + " to " + max, value);
    }
    return value;
  }

  public Duration positiveDuration(String path) {
    require(path);
    Duration value;
    try {
      value = config.getDuration(path);
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw new InvalidSettingException(
          key(path), "a positive duration such as 100ms, 5s or 1m", raw(path));
    }
    if (value.isZero() || value.isNegative()) {
      throw new InvalidSettingException(
          key(path), "a positive duration such as 100ms, 5s or 1m", raw(path));
    }
    return value;
  }

  public <E extends Enum<E>> E enumValue(String path, Class<E> type) {
    String value = string(path).trim();
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value.replace('-', '_'))) {
        return constant;
      }
    }
    throw new InvalidSettingException(key(path), "one of " + names(type), value);
  }

  public List<String> stringList(String path) {
    require(path);
    try {
      return List.copyOf(config.getStringList(path));
    } catch (ConfigException.WrongType | ConfigException.BadValue e) {
      throw new InvalidSettingException(key(path), "a list of strings [\"a\", \"b\"]", raw(path));
    }
  }

  private void require(String path) {
    if (!config.hasPath(path)) {
      throw new InvalidSettingException(key(path), "a value (none is set)", null);
    }
  }

  private Object raw(String path) {
    ConfigValue value = config.getValue(path);
    return value.unwrapped();
  }

  private static <E extends Enum<E>> String names(Class<E> type) {
    StringBuilder out = new StringBuilder();
    for (E constant : type.getEnumConstants()) {
      if (out.length() > 0) {
        out.append(", ");
      }
      out.append(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    return out.toString();
  }
}
