package dev.perfmon.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The resolved, immutable configuration of the agent: one value per known key (from the source of
 * highest precedence that had a valid value, else the default), plus the raw entries of the
 * open-ended key families such as {@code slow.threshold.<glob>} or {@code budget.<glob>}.
 *
 * <p>Built by {@link ConfigLoader}; thread-safe; never changes after construction.
 */
public final class AgentConfig {
  private final Map<String, Object> values;
  private final Map<String, String> raw;
  private final Map<String, String> sources;
  private final List<String> problems;

  AgentConfig(
      Map<String, Object> values,
      Map<String, String> raw,
      Map<String, String> sources,
      List<String> problems) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.raw = Collections.unmodifiableMap(new TreeMap<>(raw));
    this.sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    this.problems = List.copyOf(problems);
  }

  /** Only defaults; no sources read. */
  public static AgentConfig defaults() {
    return new AgentConfig(Map.of(), Map.of(), Map.of(), List.of());
  }

  /** The value of {@code key}: configured and valid, else its default. */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    Object v = values.get(key.name());
    return v != null ? (T) v : key.defaultValue();
  }

  /**
   * Every configured entry whose key starts with {@code prefix}, with the prefix removed, in key
   * order; e.g. {@code withPrefix("budget.")} gives {@code {"jdbc.*" -> "50ms"}}.
   */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      if (e.getKey().startsWith(prefix) && e.getKey().length() > prefix.length()) {
        out.put(e.getKey().substring(prefix.length()), e.getValue());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** All configured raw entries (key without the {@code perfmon.} prefix to text value). */
  public Map<String, String> raw() {
    return raw;
  }

  /** Where the value of a key came from ("agent argument", "system property", ...), or "default". */
  public String sourceOf(String key) {
    return sources.getOrDefault(key, "default");
  }

  /** The problems found while loading, one self-contained message each, in the order found. */
  public List<String> problems() {
    return problems;
  }
}
