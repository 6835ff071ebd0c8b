package dev.perfmon.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Every fixed configuration key, in documentation order. Open-ended key families (a glob after a
 * prefix) are listed in {@link #PREFIXES}.
 */
public final class Keys {
  private Keys() {}

  private static final List<ConfigKey<?>> ALL = new ArrayList<>();

  private static <T> ConfigKey<T> key(String name, ValueType<T> type, T def, String description) {
    ConfigKey<T> k = new ConfigKey<>(name, type, def, description, "0.1.0");
    ALL.add(k);
    return k;
  }

  public static final ConfigKey<String> CONFIG =
      key("config", Types.STRING, "", "Path of the properties file to read. Default: agent.properties in the working directory, when it exists.");
  public static final ConfigKey<Boolean> ENABLED =
      key("enabled", Types.BOOLEAN, true, "Master switch. false: the agent installs nothing and writes nothing.");
  public static final ConfigKey<List<String>> METHODS =
      key("methods", Types.LIST, List.of(), "Method patterns to time, comma-separated (grammar in the README).");
  public static final ConfigKey<List<String>> ANNOTATIONS =
      key("annotations", Types.LIST, List.of(), "Annotation type names; every method carrying one is timed. A non-empty String value() names the operation.");
  public static final ConfigKey<Duration> INTERVAL =
      key("interval", Types.DURATION, Duration.ofSeconds(60), "Period between snapshots.");
  public static final ConfigKey<List<String>> OUTPUT =
      key("output", Types.subsetOf("file", "log"), List.of("file"), "Where snapshots go: file, log, file,log or none.");
  public static final ConfigKey<String> OUTPUT_FILE =
      key("output.file", Types.STRING, "perfmon-stats.jsonl", "JSON Lines file the agent appends to (relative to the working directory).");
  public static final ConfigKey<Integer> MAX_OPERATIONS =
      key("max-operations", Types.intRange(1, 60_000), 2000, "Distinct operations tracked; further ones are counted under the operation 'other'.");
  public static final ConfigKey<Boolean> INSTRUMENT_SERVLET =
      key("instrument.servlet", Types.BOOLEAN, true, "Time every HTTP request served through the Servlet API (javax and jakarta).");
  public static final ConfigKey<Boolean> INSTRUMENT_JDBC =
      key("instrument.jdbc", Types.BOOLEAN, true, "Time every JDBC statement, commit, rollback and connection acquisition.");
  public static final ConfigKey<List<String>> SERVLET_EXCLUDE =
      key("servlet.exclude", Types.LIST, List.of(), "Request path globs that are not timed (e.g. /health,/metrics/*).");
  public static final ConfigKey<List<String>> SERVLET_NAME_RULES =
      key("servlet.name-rules", Types.LIST, List.of(), "Path glob to operation route rules, glob=>route, comma-separated (e.g. /api/users/*=>/api/users/{name}).");
  public static final ConfigKey<Integer> JDBC_MAX_SQL_LENGTH =
      key("jdbc.max-sql-length", Types.intRange(20, 100_000), 300, "Normalised SQL longer than this is cut, with a marker.");
  public static final ConfigKey<String> JDBC_NAME_MODE =
      key("jdbc.name-mode", Types.oneOf("normalized", "verb-table"), "normalized", "normalized: jdbc.<normalised SQL>; verb-table: jdbc.<VERB> <table>.");
  public static final ConfigKey<String> LOG_LEVEL =
      key("log.level", Types.oneOf("error", "warn", "info", "debug"), "info", "The agent's own log level (stderr, prefixed [perfmon]).");

  /** Prefixes of open-ended key families: the rest of the key is an operation glob. */
  public static final List<String> PREFIXES = List.of();

  /** Every fixed key, in documentation order. */
  public static List<ConfigKey<?>> all() {
    return Collections.unmodifiableList(ALL);
  }

  /** The key of that name, or null. */
  public static ConfigKey<?> byName(String name) {
    for (ConfigKey<?> k : ALL) {
      if (k.name().equals(name)) {
        return k;
      }
    }
    return null;
  }
}
