package dev.perfmon.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The resolved, immutable configuration of the agent: one value per known key (from the source of
 * highest precedence that had a value, or the default when that value was invalid or there was
 * none), the entries of the open-ended key families such as {@code slow.threshold.<glob>} or
 * {@code budget.<glob>}, the parsed method patterns, and every problem found while loading.
 *
 * <p>Built by {@link ConfigLoader}; thread-safe; never changes after construction. A new agent
 * configuration (re-attach) is a new instance.
 */
public final class AgentConfig {
  private final Map<String, Object> values;
  private final Map<String, String> raw;
  private final Map<String, String> sources;
  private final List<String> problems;
  private final List<MethodPattern> methodPatterns;

  AgentConfig(
      Map<String, Object> values,
      Map<String, String> raw,
      Map<String, String> sources,
      List<String> problems,
      List<MethodPattern> methodPatterns) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    this.raw = Collections.unmodifiableMap(new TreeMap<>(raw));
    this.sources = Collections.unmodifiableMap(new LinkedHashMap<>(sources));
    this.problems = List.copyOf(problems);
    this.methodPatterns = List.copyOf(methodPatterns);
  }

  /** Only defaults; no sources read. */
  public static AgentConfig defaults() {
    return new AgentConfig(Map.of(), Map.of(), Map.of(), List.of(), List.of());
  }

  /** The value of {@code key}: configured and valid, else its default. Never null. */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    Object v = values.get(key.name());
    return v != null ? (T) v : key.defaultValue();
  }

  /**
   * Every configured entry of an open-ended family whose key starts with {@code prefix}, with the
   * prefix removed, in key order; e.g. {@code withPrefix("budget.")} gives {@code {"jdbc.*" ->
   * "50ms"}}. Values are valid for the family's type (invalid entries were dropped and reported).
   * Fixed keys are never included ({@code budget.percentile} is not a budget).
   */
  public Map<String, String> withPrefix(String prefix) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : raw.entrySet()) {
      String k = e.getKey();
      if (k.startsWith(prefix) && k.length() > prefix.length() && Keys.byName(k) == null) {
        out.put(k.substring(prefix.length()), e.getValue());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The entries of {@code family}, parsed: operation glob to value, in glob order. E.g. {@code
   * prefixed(Keys.BUDGETS)} gives {@code {"jdbc.*" -> 50ms}}.
   */
  public <T> Map<String, T> prefixed(KeyFamily<T> family) {
    Map<String, T> out = new TreeMap<>();
    for (Map.Entry<String, String> e : withPrefix(family.prefix()).entrySet()) {
      out.put(e.getKey(), family.type().parse(e.getValue()));
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * The valid patterns of the {@code methods} key, in the order given (the malformed ones are
   * reported in {@link #problems()}).
   */
  public List<MethodPattern> methodPatterns() {
    return methodPatterns;
  }

  /**
   * All configured, valid entries as text (key without the {@code perfmon.} prefix), fixed keys and
   * family entries alike, in key order.
   */
  public Map<String, String> raw() {
    return raw;
  }

  /**
   * Where the value of a key or family entry came from: {@code agent argument}, {@code system
   * property perfmon.<key>}, {@code environment variable PERFMON_<KEY>}, {@code file <path>}, or
   * {@code default} (also when the configured value was invalid).
   */
  public String sourceOf(String key) {
    return sources.getOrDefault(key, "default");
  }

  /**
   * The problems found while loading, one self-contained message each, in the order found. The
   * agent logs each once as a warning; none of them stopped the rest of the configuration.
   */
  public List<String> problems() {
    return problems;
  }

  /**
   * The effective configuration, one {@code key=value (source)} line per fixed key in
   * documentation order, then the family entries; for the {@code status} command and debugging.
   */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, String> e : entries().entrySet()) {
      sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
    }
    return sb.toString();
  }

  /**
   * Every key with its effective value and source, {@code "value (source)"}: all known keys in
   * documentation order, then the family keys ({@code slow.threshold.<glob>}, ...) that were set.
   */
  public Map<String, String> entries() {
    Map<String, String> out = new LinkedHashMap<>();
    for (ConfigKey<?> k : Keys.all()) {
      out.put(k.name(), format(k) + " (" + sourceOf(k.name()) + ")");
    }
    for (Map.Entry<String, String> e : raw.entrySet()) {
      if (Keys.byName(e.getKey()) == null) {
        out.put(e.getKey(), e.getValue() + " (" + sourceOf(e.getKey()) + ")");
      }
    }
    return out;
  }

  /**
   * One line for the start-up log: only what differs from the defaults, each with its source,
   * e.g. {@code interval=5s (agent argument), methods=com.example.*#find* (file /app/agent.properties)};
   * {@code all defaults} when nothing was configured.
   */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    for (ConfigKey<?> k : Keys.all()) {
      if (!sourceOf(k.name()).equals("default")) {
        append(sb, k.name(), format(k), sourceOf(k.name()));
      }
    }
    for (Map.Entry<String, String> e : raw.entrySet()) {
      if (Keys.byName(e.getKey()) == null) {
        append(sb, e.getKey(), e.getValue(), sourceOf(e.getKey()));
      }
    }
    return sb.length() == 0 ? "all defaults" : sb.toString();
  }

  private static void append(StringBuilder sb, String key, String value, String source) {
    if (sb.length() > 0) {
      sb.append(", ");
    }
    sb.append(key).append('=').append(value).append(" (").append(source).append(')');
  }

  private <T> String format(ConfigKey<T> key) {
    return key.type().format(get(key));
  }
}
