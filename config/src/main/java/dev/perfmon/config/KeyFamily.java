package dev.perfmon.config;

import java.util.Objects;

/**
 * An open-ended family of keys: a fixed prefix followed by an operation glob, e.g. {@code
 * budget.jdbc.*=50ms}. The glob part is free text (see {@link Globs}), so these keys cannot be
 * listed in advance and cannot be set through environment variables, whose names cannot hold
 * {@code *} or {@code /}. Read them with {@link AgentConfig#prefixed(KeyFamily)}.
 *
 * @param <T> the parsed value type of every entry
 */
public final class KeyFamily<T> {
  private final String prefix;
  private final ValueType<T> type;
  private final String description;
  private final String example;
  private final String since;

  KeyFamily(
      String prefix,
      ValueType<T> type,
      String description,
      String example,
      String since) {
    if (!prefix.endsWith(".")) {
      throw new IllegalArgumentException("prefix must end with '.': " + prefix);
    }
    this.prefix = prefix;
    this.type = Objects.requireNonNull(type);
    this.description = Objects.requireNonNull(description);
    this.example = Objects.requireNonNull(example);
    this.since = Objects.requireNonNull(since);
  }

  /** The prefix including its trailing dot, e.g. {@code budget.}. */
  public String prefix() {
    return prefix;
  }

  /** The type every entry's value must have. */
  public ValueType<T> type() {
    return type;
  }

  public String description() {
    return description;
  }

  /** One complete example entry, {@code key=value}, for documentation. */
  public String example() {
    return example;
  }

  /** The version the family first appeared in. */
  public String since() {
    return since;
  }

  @Override
  public String toString() {
    return prefix + "<glob>";
  }
}
