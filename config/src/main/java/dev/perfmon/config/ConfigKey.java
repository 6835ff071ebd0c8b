package dev.perfmon.config;

import java.util.Objects;

/**
 * One configuration key: its name (as written in {@code agent.properties}), type, default,
 * description, category and the version that introduced it. The single definition of a key; everything else
 * (parsing, validation, documentation, environment names) is derived from it.
 *
 * @param <T> the parsed value type
 */
public final class ConfigKey<T> {
  private final String name;
  private final ValueType<T> type;
  private final T defaultValue;
  private final String description;
  private final KeyCategory category;
  private final String since;

  ConfigKey(
      String name,
      ValueType<T> type,
      T defaultValue,
      String description,
      KeyCategory category,
      String since) {
    this.name = Objects.requireNonNull(name);
    this.type = Objects.requireNonNull(type);
    this.defaultValue = defaultValue;
    this.description = Objects.requireNonNull(description);
    this.category = Objects.requireNonNull(category);
    this.since = Objects.requireNonNull(since);
  }

  /** The key as written in agent.properties and agent arguments, e.g. {@code output.file}. */
  public String name() {
    return name;
  }

  /** The system property name: {@code perfmon.} + name. */
  public String systemProperty() {
    return "perfmon." + name;
  }

  /** The environment variable name: {@code PERFMON_} + name upper-cased, '.' and '-' as '_'. */
  public String environmentVariable() {
    return envName(name);
  }

  static String envName(String key) {
    StringBuilder sb = new StringBuilder("PERFMON_");
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      sb.append(c == '.' || c == '-' ? '_' : Character.toUpperCase(c));
    }
    return sb.toString();
  }

  public ValueType<T> type() {
    return type;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** The group the key is documented in. */
  public KeyCategory category() {
    return category;
  }

  /** The version the key first appeared in, e.g. {@code 0.1.0}. */
  public String since() {
    return since;
  }

  @Override
  public String toString() {
    return name;
  }
}
