package dev.perfmon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed configurations in each of the four sources (agent arguments, {@code -Dperfmon.*}
 * system properties, {@code PERFMON_*} environment variables, the {@code agent.properties} file).
 * Every case asserts the one exact message it gives, and that two valid companion values given in
 * the same source ({@code max-operations=123}, {@code reset=interval}) still apply from it.
 */
class MalformedConfigurationTest {

  @TempDir Path dir;

  enum Source {
    ARG,
    PROP,
    ENV,
    FILE
  }

  // ---- One invalid value per row, tried in each of the four sources --------------------------

  private static final String DURATION_FORM =
      "a duration such as 250ms, 5s, 2m or a bare number of milliseconds, from ";

  /** key | value | expected form | default used. */
  private static final String[][] INVALID_VALUES = {
    {"interval", "fast", DURATION_FORM + "10ms to 100000h", "60s"},
    {"interval", "5ms", DURATION_FORM + "10ms to 100000h", "60s"},
    {"interval", "200000h", DURATION_FORM + "10ms to 100000h", "60s"},
    {"slow.threshold", "-1s", DURATION_FORM + "0 to 100000h", "1s"},
    {"very-slow.threshold", "5 sec", DURATION_FORM + "0 to 100000h", "5s"},
    {"handlers.timeout", "0", DURATION_FORM + "10ms to 100000h", "1s"},
    {"pattern.warn-after", "1e3", DURATION_FORM + "0 to 100000h", "30s"},
    {"memory.interval", "1ms", DURATION_FORM + "10ms to 100000h, or empty for unset", "(none)"},
    {"output.file", "", "a file path (not empty)", "perfmon-stats.jsonl"},
    {"output.file", "   ", "a file path (not empty)", "perfmon-stats.jsonl"},
    {
      "output.max-size",
      "big",
      "a size such as 512KB, 500MB or 2GB (binary units) or a bare number of bytes",
      "100MB"
    },
    {"output.max-files", "0", "an integer from 1 to 1000", "5"},
    {"output.histograms", "yes", "true or false", "false"},
    {"output.latest", "/", "a file path (not empty), or empty for unset", "(none)"},
    {"output", "http", "none, or a list of file, log separated by , or ;", "file"},
    {"enabled", "yes", "true or false", "true"},
    {"instrument.jdbc", "on", "true or false", "true"},
    {"jdbc.max-sql-length", "10", "an integer from 20 to 100000", "300"},
    {"coverage.max-listed", "many", "an integer from 0 to 100000", "50"},
    {"jdbc.name-mode", "table", "one of normalized, verb-table", "normalized"},
    {"log.level", "verbose", "one of error, warn, info, debug", "info"},
    {"budget.percentile", "95", "a number from 0 to 1", "0.95"},
    {"memory.warn.heap-ratio", "1.5", "a number from 0 to 1, or empty for unset", "(none)"},
    {
      "memory.warn.heap-used",
      "lots",
      "a size such as 512KB, 500MB or 2GB (binary units) or a bare number of bytes, or empty for unset",
      "(none)"
    },
  };

  static Stream<Arguments> invalidValues() {
    List<Arguments> out = new ArrayList<>();
    for (String[] row : INVALID_VALUES) {
      for (Source s : Source.values()) {
        out.add(Arguments.of(s, row[0], row[1], row[2], row[3]));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: {1}=''{2}''")
  @MethodSource("invalidValues")
  void invalidValueGivesOneMessageAndTheDefaultAndTheRestApplies(
      Source source, String key, String value, String expected, String def) throws IOException {
    AgentConfig c = load(source, List.of(Map.entry(key, value)), "");
    assertThat(c.problems())
        .containsExactly(
            "invalid value '"
                + value.trim()
                + "' for key '"
                + key
                + "' (from "
                + label(source, key)
                + "): expected "
                + expected
                + "; using default "
                + def);
    ConfigKey<?> k = Keys.byName(key);
    assertThat((Object) c.get(k)).isEqualTo(k.defaultValue());
    assertThat(c.sourceOf(key)).isEqualTo("default");
    assertCompanionsApplied(c, source);
  }

  // ---- Malformed input particular to one source ----------------------------------------------

  /**
   * source | entries or text | the one expected message. For ARG the text is appended to the
   * agent arguments; for PROP and ENV it is {@code name=value} lines; for FILE it is the file's
   * bytes, each char one byte (ISO-8859-1), so the char U+00E9 is the single byte 0xE9. In messages,
   * {@code {file}} stands for the file's path and {@code {dir}} for the working directory.
   */
  static Stream<Arguments> sourceSpecific() {
    String form = "; the known keys are listed in docs/configuration.md";
    String fileLine = "configuration file '{file}' line ";
    String utf8 = " ignored, the other lines apply (save the file as UTF-8; a byte-order mark is allowed)";
    return Stream.of(
        // Agent arguments: grammar, unknown keys, families, patterns
        Arguments.of(Source.ARG, "verbose",
            "agent argument 'verbose' is not key=value; ignored (separate list items with ';', e.g."
                + " methods=com.example.A#x;com.example.B#y)"),
        Arguments.of(Source.ARG, "=5s", "agent argument '=5s' has no key before '='; ignored"),
        Arguments.of(Source.ARG, "interval=1s,interval=2s",
            "key 'interval' is given more than once in the agent arguments; the last value is used"),
        Arguments.of(Source.ARG, "servlet.exclude=\"/health",
            "agent arguments: quote \" is not closed; the rest is read as one value"),
        Arguments.of(Source.ARG, "intervall=5s",
            "unknown key 'intervall' (from agent argument): did you mean 'interval'? ignored"),
        Arguments.of(Source.ARG, "colour=blue", "unknown key 'colour' (from agent argument) ignored" + form),
        Arguments.of(Source.ARG, "budget.=1s",
            "key 'budget.' (from agent argument) has no operation glob after the prefix; expected e.g."
                + " budget./api/orders*=300ms; ignored"),
        Arguments.of(Source.ARG, "sample.x=2",
            "invalid value '2' for key 'sample.x' (from agent argument): expected a number from 0 to 1;"
                + " entry ignored"),
        Arguments.of(Source.ARG, "methods=com.example.Foo#",
            "invalid method pattern 'com.example.Foo#' (key 'methods', from agent argument): no method"
                + " name after '#'; expected [+|@]ClassName[#method[(ParamTypes)]][=operation.name], e.g."
                + " com.example.UserService#getUser or com.example.repo.*#find*; pattern ignored"),
        Arguments.of(Source.ARG, "annotations=com.*",
            "invalid annotation type 'com.*' (key 'annotations', from agent argument): expected a fully"
                + " qualified annotation type name such as com.example.Timed; ignored"),
        Arguments.of(Source.ARG, "config=missing.properties",
            "configuration file '{dir}/missing.properties' named by key 'config' (from agent argument)"
                + " does not exist; continuing without a configuration file"),
        Arguments.of(Source.ARG, "very-slow.threshold=500ms",
            "very-slow.threshold=500ms (from agent argument) is below slow.threshold=1s (default): every"
                + " call from 500ms on is reported as very slow and none as slow; expected a very-slow"
                + " threshold above the slow one (or 0 to turn very-slow off); both values are used as"
                + " given"),
        // System properties
        Arguments.of(Source.PROP, "perfmon.outputfile=x.jsonl",
            "unknown key 'outputfile' (from system property perfmon.outputfile): did you mean"
                + " 'output.file'? ignored"),
        Arguments.of(Source.PROP, "perfmon.perfmon.log.level=debug",
            "unknown key 'perfmon.log.level' (from system property perfmon.perfmon.log.level): did you"
                + " mean 'log.level'? ignored"),
        Arguments.of(Source.PROP, "perfmon.zzz=1", "unknown key 'zzz' (from system property perfmon.zzz) ignored" + form),
        Arguments.of(Source.PROP, "perfmon.budget.jdbc.*=fast",
            "invalid value 'fast' for key 'budget.jdbc.*' (from system property perfmon.budget.jdbc.*):"
                + " expected " + DURATION_FORM + "0 to 100000h; entry ignored"),
        Arguments.of(Source.PROP, "perfmon.slow.treshold.jdbc.*=200ms",
            "unknown key 'slow.treshold.jdbc.*' (from system property perfmon.slow.treshold.jdbc.*): did"
                + " you mean 'slow.threshold.jdbc.*'? ignored"),
        Arguments.of(Source.PROP, "perfmon.config=sub",
            "configuration file '{dir}/sub' named by key 'config' (from system property perfmon.config)"
                + " is not a regular file; continuing without a configuration file"),
        Arguments.of(Source.PROP, "perfmon.very-slow.threshold.jdbc.*=100ms\nperfmon.slow.threshold.jdbc.*=200ms",
            "very-slow.threshold.jdbc.*=100ms (from system property perfmon.very-slow.threshold.jdbc.*) is"
                + " below slow.threshold.jdbc.*=200ms (from system property perfmon.slow.threshold.jdbc.*):"
                + " every call from 100ms on is reported as very slow and none as slow; expected a"
                + " very-slow threshold above the slow one (or 0 to turn very-slow off); both values are"
                + " used as given"),
        // Environment variables
        Arguments.of(Source.ENV, "PERFMON_INTERVALL=5s",
            "unknown environment variable PERFMON_INTERVALL: did you mean PERFMON_INTERVAL (key"
                + " 'interval')? ignored"),
        Arguments.of(Source.ENV, "PERFMON_MAXOPERATIONS=7",
            "unknown environment variable PERFMON_MAXOPERATIONS: did you mean PERFMON_MAX_OPERATIONS (key"
                + " 'max-operations')? ignored"),
        Arguments.of(Source.ENV, "PERFMON_HOME=/opt",
            "unknown environment variable PERFMON_HOME ignored; the known variables are listed in"
                + " docs/configuration.md"),
        Arguments.of(Source.ENV, "PERFMON_BUDGET_JDBC=10ms",
            "environment variable PERFMON_BUDGET_JDBC ignored: 'budget.<glob>' entries cannot be set"
                + " through the environment (a glob does not survive the renaming); use an agent"
                + " argument, a system property or the configuration file, e.g."
                + " budget./api/orders*=300ms"),
        Arguments.of(Source.ENV, "PERFMON_CONFIG=nowhere/agent.properties",
            "configuration file '{dir}/nowhere/agent.properties' named by key 'config' (from environment"
                + " variable PERFMON_CONFIG) does not exist; continuing without a configuration file"),
        Arguments.of(Source.ENV, "PERFMON_SLOW_THRESHOLD=10s",
            "very-slow.threshold=5s (default) is below slow.threshold=10s (from environment variable"
                + " PERFMON_SLOW_THRESHOLD): every call from 5s on is reported as very slow and none as"
                + " slow; expected a very-slow threshold above the slow one (or 0 to turn very-slow off);"
                + " both values are used as given"),
        // The file: encoding, escapes, duplicates, keys that do not belong there
        Arguments.of(Source.FILE, "servlet.exclude=/caf\u00e9\n",
            fileLine + "3 is not valid UTF-8 (byte 0xE9); the line is" + utf8),
        Arguments.of(Source.FILE, "# r\u00e9sum\u00e9 of the settings\n",
            fileLine + "3 is not valid UTF-8 (byte 0xE9); the comment is" + utf8),
        Arguments.of(Source.FILE, "methods=com.example.A#x,\\\n   com.example.\u00c9#y\n",
            fileLine + "4 is not valid UTF-8 (byte 0xC9); the entry on lines 3 to 4 is" + utf8),
        Arguments.of(Source.FILE, "output.file=\u00ff\u00fe.jsonl\r\n",
            fileLine + "3 is not valid UTF-8 (byte 0xFF); the line is" + utf8),
        Arguments.of(Source.FILE, "output.file=a\\u00zz.jsonl\n",
            fileLine + "3: Malformed \\uxxxx encoding; the line is ignored, the other lines apply"),
        Arguments.of(Source.FILE, "interval=5s\nmax-operations=123\n",
            "key 'max-operations' is given more than once in configuration file '{file}' (lines 1 and 4);"
                + " the last value, on line 4, is used"),
        Arguments.of(Source.FILE, "interval=5s\ninterval = 7s\n",
            "key 'interval' is given more than once in configuration file '{file}' (lines 3 and 4); the"
                + " last value, on line 4, is used"),
        Arguments.of(Source.FILE, "config=other.properties\n",
            "key 'config' (from file {file}) is ignored inside the configuration file; name the file"
                + " with an agent argument, system property or environment variable"),
        Arguments.of(Source.FILE, "intervall=5s\n",
            "unknown key 'intervall' (from file {file}): did you mean 'interval'? ignored"),
        Arguments.of(Source.FILE, "very-slow.threshold=2s\nslow.threshold=3s\n",
            "very-slow.threshold=2s (from file {file}) is below slow.threshold=3s (from file {file}):"
                + " every call from 2s on is reported as very slow and none as slow; expected a"
                + " very-slow threshold above the slow one (or 0 to turn very-slow off); both values are"
                + " used as given"),
        Arguments.of(Source.FILE, "budget.jdbc.*=soon\n",
            "invalid value 'soon' for key 'budget.jdbc.*' (from file {file}): expected " + DURATION_FORM
                + "0 to 100000h; entry ignored"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("sourceSpecific")
  void sourceSpecificProblemGivesOneMessageAndTheRestApplies(Source source, String text, String message)
      throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    List<Map.Entry<String, String>> entries = new ArrayList<>();
    String fileText = "";
    if (source == Source.FILE) {
      fileText = text;
    } else if (source == Source.ARG) {
      entries.add(Map.entry("", text));
    } else {
      for (String line : text.split("\n", -1)) {
        int eq = line.indexOf('=');
        entries.add(Map.entry(line.substring(0, eq), line.substring(eq + 1)));
      }
    }
    AgentConfig c = loadRaw(source, entries, fileText);
    assertThat(c.problems())
        .containsExactly(
            message
                .replace("{file}", dir.resolve("agent.properties").toString())
                .replace("{dir}", dir.toString()));
    assertCompanionsApplied(c, source);
  }

  // ---- Helpers -------------------------------------------------------------------------------

  /** Loads with the companions and the given key=value entries in {@code source}. */
  private AgentConfig load(Source source, List<Map.Entry<String, String>> entries, String fileText)
      throws IOException {
    List<Map.Entry<String, String>> named = new ArrayList<>();
    for (Map.Entry<String, String> e : entries) {
      String name =
          switch (source) {
            case ARG -> e.getKey();
            case PROP -> "perfmon." + e.getKey();
            case ENV -> ConfigKey.envName(e.getKey());
            case FILE -> e.getKey();
          };
      named.add(Map.entry(name, e.getValue()));
    }
    if (source == Source.FILE) {
      StringBuilder sb = new StringBuilder(fileText);
      for (Map.Entry<String, String> e : entries) {
        sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
      }
      return loadRaw(source, List.of(), sb.toString());
    }
    if (source == Source.ARG) {
      StringBuilder sb = new StringBuilder();
      for (Map.Entry<String, String> e : named) {
        sb.append(sb.length() == 0 ? "" : ",").append(e.getKey()).append('=').append(e.getValue());
      }
      return loadRaw(source, List.of(Map.entry("", sb.toString())), "");
    }
    return loadRaw(source, named, "");
  }

  /**
   * Loads with the companions first and then {@code entries} as named in that source (for ARG one
   * entry whose value is the argument text), and for FILE the companions followed by {@code
   * fileText}, each char one byte.
   */
  private AgentConfig loadRaw(Source source, List<Map.Entry<String, String>> entries, String fileText)
      throws IOException {
    String args = null;
    Map<String, String> props = new LinkedHashMap<>();
    Map<String, String> env = new LinkedHashMap<>();
    switch (source) {
      case ARG -> {
        args = "max-operations=123,reset=interval";
        for (Map.Entry<String, String> e : entries) {
          args += "," + e.getValue();
        }
      }
      case PROP -> {
        props.put("perfmon.max-operations", "123");
        props.put("perfmon.reset", "interval");
        entries.forEach(e -> props.put(e.getKey(), e.getValue()));
      }
      case ENV -> {
        env.put("PERFMON_MAX_OPERATIONS", "123");
        env.put("PERFMON_RESET", "interval");
        entries.forEach(e -> env.put(e.getKey(), e.getValue()));
      }
      case FILE ->
          Files.write(
              dir.resolve("agent.properties"),
              ("max-operations=123\nreset=interval\n" + fileText).getBytes(StandardCharsets.ISO_8859_1));
    }
    return ConfigLoader.load(args, props, env, dir);
  }

  private String label(Source source, String key) {
    return switch (source) {
      case ARG -> "agent argument";
      case PROP -> "system property perfmon." + key;
      case ENV -> "environment variable " + ConfigKey.envName(key);
      case FILE -> "file " + dir.resolve("agent.properties");
    };
  }

  private void assertCompanionsApplied(AgentConfig c, Source source) {
    assertThat(c.get(Keys.MAX_OPERATIONS)).as("max-operations").isEqualTo(123);
    assertThat(c.sourceOf("max-operations")).isEqualTo(label(source, "max-operations"));
    assertThat(c.get(Keys.RESET)).as("reset").isEqualTo("interval");
    assertThat(c.sourceOf("reset")).isEqualTo(label(source, "reset"));
  }
}
