package dev.perfmon.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Every fixed configuration key, in declaration order, and the open-ended key families (a glob
 * after a prefix). Each declaration names the key's {@link KeyCategory} (its table in {@code
 * docs/configuration.md}) and the version it first appeared in.
 *
 * <p>Versions: the project has not been released yet (no tags; every commit's POM says {@code
 * 0.1.0-SNAPSHOT}), so every key to date appeared in 0.1.0, the first release, whatever day it was
 * added ({@code git log -S'"<key>"' -- Keys.java} gives that day). A key added after 0.1.0 is
 * released names the version in development when it is added.
 */
public final class Keys {
  private Keys() {}

  /** The first release: every key declared before it was released. */
  private static final String V0_1_0 = "0.1.0";

  private static final List<ConfigKey<?>> ALL = new ArrayList<>();
  private static final List<KeyFamily<?>> FAMILIES = new ArrayList<>();

  private static <T> KeyFamily<T> family(
      String since, String prefix, ValueType<T> type, String description, String example) {
    KeyFamily<T> f = new KeyFamily<>(prefix, type, description, example, since);
    FAMILIES.add(f);
    return f;
  }

  private static <T> ConfigKey<T> key(
      KeyCategory category, String since, String name, ValueType<T> type, T def, String description) {
    ConfigKey<T> k = new ConfigKey<>(name, type, def, description, category, since);
    ALL.add(k);
    return k;
  }

  public static final ConfigKey<String> CONFIG =
      key(KeyCategory.GENERAL, V0_1_0, "config", Types.STRING, "", "Path of the properties file to read (relative paths are resolved against the working directory). Default: agent.properties in the working directory, when it exists. Not allowed inside the file itself.");
  public static final ConfigKey<Boolean> ENABLED =
      key(KeyCategory.GENERAL, V0_1_0, "enabled", Types.BOOLEAN, true, "Master switch. false: the agent installs nothing and writes nothing.");
  public static final ConfigKey<List<String>> METHODS =
      key(KeyCategory.TIMING, V0_1_0, "methods", Types.PATTERN_LIST, List.of(), "Method patterns to time: [+|@]ClassPattern[#methodPattern[(ParamTypes)]][=operation.name], e.g. com.example.repo.*#find* (see Method patterns below).");
  public static final ConfigKey<List<String>> ANNOTATIONS =
      key(KeyCategory.TIMING, V0_1_0, "annotations", Types.LIST, List.of(), "Annotation type names; every method carrying one is timed. A non-empty String value() names the operation.");
  public static final ConfigKey<Duration> INTERVAL =
      key(KeyCategory.OUTPUT, V0_1_0, "interval", Types.durationAtLeast(Duration.ofMillis(10)), Duration.ofSeconds(60), "Period between snapshots.");
  public static final ConfigKey<List<String>> OUTPUT =
      key(KeyCategory.OUTPUT, V0_1_0, "output", Types.subsetOf("file", "log"), List.of("file"), "Where snapshots go: file, log, file,log or none.");
  public static final ConfigKey<String> OUTPUT_FILE =
      key(KeyCategory.OUTPUT, V0_1_0, "output.file", Types.PATH, "perfmon-stats.jsonl", "JSON Lines file the agent appends to (relative to the working directory). A missing directory is created, and named in one INFO line.");
  public static final ConfigKey<Long> OUTPUT_MAX_SIZE =
      key(KeyCategory.OUTPUT, V0_1_0, "output.max-size", Types.SIZE, 100L * 1024 * 1024, "Rotation of output.file: before a line would make the file larger than this, the file is renamed to <file>.1 (older ones shift to .2, .3 ...) and a new one started. 0: never rotated by the agent (e.g. when logrotate does it).");
  public static final ConfigKey<Integer> OUTPUT_MAX_FILES =
      key(KeyCategory.OUTPUT, V0_1_0, "output.max-files", Types.intRange(1, 1000), 5, "Rotation of output.file: how many rotated files (<file>.1 ... <file>.N) are kept; the oldest beyond that is deleted.");
  public static final ConfigKey<Optional<String>> OUTPUT_LATEST =
      key(KeyCategory.OUTPUT, V0_1_0, "output.latest", Types.optional(Types.PATH), Optional.empty(), "A file that holds only the latest snapshot, pretty-printed, replaced atomically at every snapshot (for tools that only want now). Empty: none.");
  public static final ConfigKey<Boolean> OUTPUT_HISTOGRAMS =
      key(KeyCategory.OUTPUT, V0_1_0, "output.histograms", Types.BOOLEAN, false, "Each operation in a snapshot also carries its interval histogram (sparse bucket counts, mergeable across snapshots and JVMs; see docs/output-files.md).");
  public static final ConfigKey<Integer> MAX_OPERATIONS =
      key(KeyCategory.TIMING, V0_1_0, "max-operations", Types.intRange(1, 60_000), 2000, "Distinct operations tracked; further ones are counted under the operation 'other'.");
  public static final ConfigKey<Boolean> INSTRUMENT_SERVLET =
      key(KeyCategory.TIMING, V0_1_0, "instrument.servlet", Types.BOOLEAN, true, "Time every HTTP request served through the Servlet API (javax and jakarta).");
  public static final ConfigKey<Boolean> INSTRUMENT_JDBC =
      key(KeyCategory.TIMING, V0_1_0, "instrument.jdbc", Types.BOOLEAN, true, "Time every JDBC statement, commit, rollback and connection acquisition.");
  public static final ConfigKey<List<String>> SERVLET_EXCLUDE =
      key(KeyCategory.TIMING, V0_1_0, "servlet.exclude", Types.LIST, List.of(), "Request path globs that are not timed (e.g. /health,/metrics/*).");
  public static final ConfigKey<List<String>> SERVLET_NAME_RULES =
      key(KeyCategory.TIMING, V0_1_0, "servlet.name-rules", Types.LIST, List.of(), "Path glob to operation route rules, glob=>route, separated by , or ; (e.g. /api/users/*=>/api/users/{name}; in agent arguments use ; between rules).");
  public static final ConfigKey<Integer> JDBC_MAX_SQL_LENGTH =
      key(KeyCategory.TIMING, V0_1_0, "jdbc.max-sql-length", Types.intRange(20, 100_000), 300, "Normalised SQL longer than this is cut, with a marker.");
  public static final ConfigKey<String> JDBC_NAME_MODE =
      key(KeyCategory.TIMING, V0_1_0, "jdbc.name-mode", Types.oneOf("normalized", "verb-table"), "normalized", "normalized: jdbc.<normalised SQL>; verb-table: jdbc.<VERB> <table>.");
  public static final ConfigKey<String> LOG_LEVEL =
      key(KeyCategory.GENERAL, V0_1_0, "log.level", Types.oneOf("error", "warn", "info", "debug"), "info", "The agent's own log level (stderr, prefixed [perfmon]).");

  // ---- Slow calls, budgets and sampling ------------------------------------------------------

  public static final ConfigKey<Duration> SLOW_THRESHOLD =
      key(KeyCategory.SLOW_CALLS, V0_1_0, "slow.threshold", Types.DURATION, Duration.ofSeconds(1), "Slow-call detection: a call taking at least this long counts as slow (overridable per operation with slow.threshold.<glob>).");
  public static final ConfigKey<Duration> VERY_SLOW_THRESHOLD =
      key(KeyCategory.SLOW_CALLS, V0_1_0, "very-slow.threshold", Types.DURATION, Duration.ofSeconds(5), "Slow-call detection: a call taking at least this long counts as very slow (overridable per operation with very-slow.threshold.<glob>).");
  public static final ConfigKey<Double> BUDGET_PERCENTILE =
      key(KeyCategory.SLOW_CALLS, V0_1_0, "budget.percentile", Types.FRACTION, 0.95, "Latency budgets: the percentile of an operation's durations that is compared with its budget.<glob> value (0.95 = p95).");
  public static final ConfigKey<String> RESET =
      key(KeyCategory.SLOW_CALLS, V0_1_0, "reset", Types.oneOf("cumulative", "interval"), "cumulative", "What the statistics of a snapshot cover: cumulative = everything since the agent started; interval = only the calls since the previous snapshot.");

  // ---- Memory -------------------------------------------------------------------------------

  public static final ConfigKey<Optional<Duration>> MEMORY_INTERVAL =
      key(KeyCategory.MEMORY, V0_1_0, "memory.interval", Types.optional(Types.durationAtLeast(Duration.ofMillis(10))), Optional.empty(), "Memory readings: period between heap readings. Empty: the same as interval.");
  public static final ConfigKey<Optional<Long>> MEMORY_WARN_HEAP_USED =
      key(KeyCategory.MEMORY, V0_1_0, "memory.warn.heap-used", Types.optional(Types.SIZE), Optional.empty(), "Memory readings: warn when the used heap exceeds this size (e.g. 500MB). Empty: no warning on the absolute size.");
  public static final ConfigKey<Optional<Double>> MEMORY_WARN_HEAP_RATIO =
      key(KeyCategory.MEMORY, V0_1_0, "memory.warn.heap-ratio", Types.optional(Types.FRACTION), Optional.empty(), "Memory readings: warn when used heap / maximum heap exceeds this fraction (e.g. 0.9). Empty: no warning on the ratio.");

  // ---- Event handlers -----------------------------------------------------------------------

  public static final ConfigKey<List<String>> HANDLERS =
      key(KeyCategory.HANDLERS, V0_1_0, "handlers", Types.LIST, List.of("log"), "Event handlers: the built-in handlers that receive slow-call, budget and memory events: log (WARN/ERROR lines in the agent's log) and exec (runs handlers.exec.command per event). Empty: none. Custom handlers from handlers.path are added to these.");
  public static final ConfigKey<String> HANDLERS_PATH =
      key(KeyCategory.HANDLERS, V0_1_0, "handlers.path", Types.STRING, "", "Event handlers: class path of custom handler jars (or directories), separated by the platform path separator (: on Linux and macOS), relative to the working directory. Handlers are found with ServiceLoader (dev.perfmon.api.*Handler) in a class loader of their own.");
  public static final ConfigKey<String> HANDLERS_EXEC_COMMAND =
      key(KeyCategory.HANDLERS, V0_1_0, "handlers.exec.command", Types.STRING, "", "Event handlers: the command the exec handler runs for each event, with the event as one JSON line on standard input: a program and its arguments separated by spaces (\"...\" or '...' quote an argument; no shell).");
  public static final ConfigKey<Duration> HANDLERS_TIMEOUT =
      key(KeyCategory.HANDLERS, V0_1_0, "handlers.timeout", Types.durationAtLeast(Duration.ofMillis(10)), Duration.ofSeconds(1), "Event handlers: the longest one handler may take per event before it is abandoned. There is no way to turn the limit off: 0 is rejected like any value below 10ms.");

  // ---- Method-pattern coverage --------------------------------------------------------------

  public static final ConfigKey<Duration> PATTERN_WARN_AFTER =
      key(KeyCategory.COVERAGE, V0_1_0, "pattern.warn-after", Types.DURATION, Duration.ofSeconds(30), "Method-pattern coverage: a pattern in methods that has matched no method this long after start-up (or by the JVM's exit, if sooner) is reported with a WARN, with the $ form when a nested class was written with a dot.");
  public static final ConfigKey<Integer> COVERAGE_MAX_LISTED =
      key(KeyCategory.COVERAGE, V0_1_0, "coverage.max-listed", Types.intRange(0, 100_000), 50, "Method-pattern coverage: how many matched methods are listed per pattern in the coverage report.");

  // ---- Live numbers over HTTP and JMX -----------------------------------------------------

  public static final ConfigKey<Optional<Integer>> HTTP_PORT =
      key(KeyCategory.LIVE, V0_1_0, "http.port", Types.OPTIONAL_PORT, Optional.empty(), "HTTP endpoint (/stats, /metrics, dashboard at /): the TCP port to serve on; 0 picks a free port (the port bound is logged and shown by status). Empty: no endpoint.");
  public static final ConfigKey<String> HTTP_HOST =
      key(KeyCategory.LIVE, V0_1_0, "http.host", Types.HOST, "127.0.0.1", "HTTP endpoint: the address to bind to. Loopback by default; another address without http.token logs a WARN.");
  public static final ConfigKey<String> HTTP_TOKEN =
      key(KeyCategory.LIVE, V0_1_0, "http.token", Types.SECRET, "", "HTTP endpoint: when set, every path answers 401 unless the request carries Authorization: Bearer <token>. Never logged or shown.");
  public static final ConfigKey<List<String>> METRICS_BUCKETS =
      key(KeyCategory.LIVE, V0_1_0, "metrics.buckets", Types.ASCENDING_DURATIONS, List.of("100us", "250us", "500us", "1ms", "2500us", "5ms", "10ms", "25ms", "50ms", "100ms", "250ms", "500ms", "1s", "2500ms", "5s", "10s", "30s", "60s"), "HTTP endpoint: the upper bounds (le) of the perfmon_operation_duration_seconds histogram buckets in /metrics; keep them the same in every JVM so that histogram_quantile over many JVMs is right.");
  public static final ConfigKey<Boolean> JMX =
      key(KeyCategory.LIVE, V0_1_0, "jmx", Types.BOOLEAN, true, "JMX: register each operation as an MXBean dev.perfmon:type=Operation,name=<operation> (on the snapshot thread, at most max-operations of them).");

  // ---- Open-ended families: a prefix followed by an operation glob ---------------------------

  /** {@code slow.threshold.<glob>=<duration>}: per-operation override of {@link #SLOW_THRESHOLD}. */
  public static final KeyFamily<Duration> SLOW_THRESHOLDS =
      family(V0_1_0, "slow.threshold.", Types.DURATION, "Slow-call threshold for the operations the glob matches (overrides slow.threshold).", "slow.threshold.jdbc.*=200ms");
  /** {@code very-slow.threshold.<glob>=<duration>}: per-operation {@link #VERY_SLOW_THRESHOLD}. */
  public static final KeyFamily<Duration> VERY_SLOW_THRESHOLDS =
      family(V0_1_0, "very-slow.threshold.", Types.DURATION, "Very-slow threshold for the operations the glob matches (overrides very-slow.threshold).", "very-slow.threshold.jdbc.*=1s");
  /** {@code budget.<glob>=<duration>}: latency budget of the operations the glob matches. */
  public static final KeyFamily<Duration> BUDGETS =
      family(V0_1_0, "budget.", Types.DURATION, "Latency budget: the budget.percentile of the matched operations' durations should stay below this.", "budget./api/orders*=300ms");
  /** {@code sample.<glob>=<fraction>}: sampling rate of the operations the glob matches. */
  public static final KeyFamily<Double> SAMPLES =
      family(V0_1_0, "sample.", Types.FRACTION, "Sampling: the fraction of calls of the matched method operations (from methods or annotations) that are timed; the others are only counted (1 = all).", "sample.com.example.Cache.get=0.1");

  /** Every open-ended key family, in documentation order. */
  public static List<KeyFamily<?>> families() {
    return Collections.unmodifiableList(FAMILIES);
  }

  /**
   * The family whose prefix {@code key} starts with, or null. A fixed key wins over a family: {@code
   * budget.percentile} is the key {@link #BUDGET_PERCENTILE}, not a budget for the glob {@code
   * percentile}.
   */
  public static KeyFamily<?> familyOf(String key) {
    if (byName(key) != null) {
      return null;
    }
    for (KeyFamily<?> f : FAMILIES) {
      if (key.startsWith(f.prefix())) {
        return f;
      }
    }
    return null;
  }

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
