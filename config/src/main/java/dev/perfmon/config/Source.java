package dev.perfmon.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One source of configuration entries: its kind (which fixes its precedence), where it came from,
 * the entries it holds (key as written in {@code agent.properties} to raw text) and the problems
 * found while reading it. Built once per load by the factories below and {@link ConfigFile}; the
 * entries are not copied, so a source is only read after it is built.
 */
final class Source {
  /** The kinds of source, highest precedence first. */
  enum Kind {
    AGENT_ARGUMENTS,
    SYSTEM_PROPERTIES,
    ENVIRONMENT,
    FILE
  }

  static final String PROPERTY_PREFIX = "perfmon.";
  static final String ENV_PREFIX = "PERFMON_";

  private final Kind kind;
  private final String fileLabel;
  private final Map<String, String> entries;
  private final List<String> problems;

  private Source(Kind kind, String fileLabel, Map<String, String> entries, List<String> problems) {
    this.kind = kind;
    this.fileLabel = fileLabel;
    this.entries = entries;
    this.problems = problems;
  }

  /**
   * The agent arguments: those of earlier attaches (oldest first) under {@code agentArgs}. Only
   * the problems of {@code agentArgs} are kept; the earlier ones were reported when given.
   */
  static Source agentArguments(List<String> earlierArgs, String agentArgs) {
    List<String> problems = new ArrayList<>();
    Map<String, String> args = new LinkedHashMap<>();
    for (String earlier : earlierArgs) {
      args.putAll(AgentArguments.parse(earlier, new ArrayList<>()));
    }
    args.putAll(AgentArguments.parse(agentArgs, problems));
    return new Source(Kind.AGENT_ARGUMENTS, null, args, problems);
  }

  /** The {@code perfmon.*} system properties, prefix removed. */
  static Source systemProperties(Map<String, String> systemProperties) {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(systemProperties).entrySet()) {
      if (e.getKey().startsWith(PROPERTY_PREFIX) && e.getValue() != null) {
        out.put(e.getKey().substring(PROPERTY_PREFIX.length()), e.getValue());
      }
    }
    return new Source(Kind.SYSTEM_PROPERTIES, null, out, List.of());
  }

  /** The {@code PERFMON_*} environment variables, mapped back to keys (see {@link EnvironmentNames}). */
  static Source environment(Map<String, String> environment) {
    List<String> problems = new ArrayList<>();
    return new Source(Kind.ENVIRONMENT, null, EnvironmentNames.keys(environment, problems), problems);
  }

  /** The configuration file's entries; {@code label} names it in messages ({@code file <path>}). */
  static Source file(String label, Map<String, String> entries, List<String> problems) {
    return new Source(Kind.FILE, label, entries, problems);
  }

  Kind kind() {
    return kind;
  }

  /** Where a key's value came from, as messages and {@code sourceOf} show it. */
  String label(String key) {
    return switch (kind) {
      case AGENT_ARGUMENTS -> ConfigLoader.AGENT_ARGUMENT;
      case SYSTEM_PROPERTIES -> "system property " + PROPERTY_PREFIX + key;
      case ENVIRONMENT -> "environment variable " + ConfigKey.envName(key);
      case FILE -> fileLabel;
    };
  }

  /** Key to raw text, in the source's order. */
  Map<String, String> entries() {
    return entries;
  }

  /** Problems found while reading this source, in the order found. */
  List<String> problems() {
    return Collections.unmodifiableList(problems);
  }
}
