package dev.perfmon.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

  @TempDir Path dir;

  private AgentConfig load(String args, Map<String, String> props, Map<String, String> env) {
    return ConfigLoader.load(args, props, env, dir);
  }

  private Path write(String name, String content) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content, StandardCharsets.UTF_8);
    return p;
  }

  @Test
  void nothingConfiguredGivesTheDefaultsAndNoProblems() {
    AgentConfig c = load(null, Map.of(), Map.of());
    for (ConfigKey<?> k : Keys.all()) {
      assertThat((Object) c.get(k)).as(k.name()).isEqualTo(k.defaultValue());
      assertThat(c.sourceOf(k.name())).isEqualTo("default");
    }
    assertThat(c.problems()).isEmpty();
    assertThat(c.methodPatterns()).isEmpty();
    assertThat(c.summary()).isEqualTo("all defaults");
  }

  @Test
  void eachSourceOnItsOwn() throws IOException {
    assertThat(load("interval=5s", Map.of(), Map.of()).get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(5));
    assertThat(load(null, Map.of("perfmon.interval", "6s"), Map.of()).get(Keys.INTERVAL))
        .isEqualTo(Duration.ofSeconds(6));
    assertThat(load(null, Map.of(), Map.of("PERFMON_INTERVAL", "7s")).get(Keys.INTERVAL))
        .isEqualTo(Duration.ofSeconds(7));
    write("agent.properties", "interval=8s\n");
    AgentConfig fromFile = load(null, Map.of(), Map.of());
    assertThat(fromFile.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(8));
    assertThat(fromFile.sourceOf("interval")).isEqualTo("file " + dir.resolve("agent.properties"));
    assertThat(fromFile.problems()).isEmpty();
  }

  @Test
  void precedenceIsArgumentsThenPropertiesThenEnvironmentThenFileThenDefault() throws IOException {
    write(
        "agent.properties",
        "interval=8s\nmax-operations=40\noutput.file=file.jsonl\nlog.level=debug\njdbc.max-sql-length=99\n");
    Map<String, String> env =
        Map.of(
            "PERFMON_INTERVAL", "7s",
            "PERFMON_MAX_OPERATIONS", "30",
            "PERFMON_OUTPUT_FILE", "env.jsonl",
            "PERFMON_LOG_LEVEL", "warn");
    Map<String, String> props =
        Map.of("perfmon.interval", "6s", "perfmon.max-operations", "20", "perfmon.output.file", "prop.jsonl");
    AgentConfig c = load("interval=5s,max-operations=10", props, env);

    assertThat(c.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.sourceOf("interval")).isEqualTo("agent argument");
    assertThat(c.get(Keys.MAX_OPERATIONS)).isEqualTo(10);
    assertThat(c.get(Keys.OUTPUT_FILE)).isEqualTo("prop.jsonl");
    assertThat(c.sourceOf("output.file")).isEqualTo("system property perfmon.output.file");
    assertThat(c.get(Keys.LOG_LEVEL)).isEqualTo("warn");
    assertThat(c.sourceOf("log.level")).isEqualTo("environment variable PERFMON_LOG_LEVEL");
    assertThat(c.get(Keys.JDBC_MAX_SQL_LENGTH)).isEqualTo(99);
    assertThat(c.sourceOf("jdbc.max-sql-length")).isEqualTo("file " + dir.resolve("agent.properties"));
    assertThat(c.get(Keys.JDBC_NAME_MODE)).isEqualTo("normalized");
    assertThat(c.sourceOf("jdbc.name-mode")).isEqualTo("default");
    assertThat(c.problems()).isEmpty();
  }

  @Test
  void configFileNamedByEachSource() throws IOException {
    Path a = write("conf/a.properties", "interval=1s\n");
    Path b = write("conf/b.properties", "interval=2s\n");
    Path cFile = write("conf/c.properties", "interval=3s\n");
    write("agent.properties", "interval=4s\n");

    AgentConfig byArg =
        load("config=conf/a.properties", Map.of("perfmon.config", b.toString()), Map.of("PERFMON_CONFIG", cFile.toString()));
    assertThat(byArg.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(1));
    assertThat(byArg.get(Keys.CONFIG)).isEqualTo(a.toString());
    assertThat(byArg.sourceOf("config")).isEqualTo("agent argument");
    assertThat(byArg.sourceOf("interval")).isEqualTo("file " + a);

    AgentConfig byProp =
        load(null, Map.of("perfmon.config", b.toString()), Map.of("PERFMON_CONFIG", cFile.toString()));
    assertThat(byProp.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(2));
    assertThat(byProp.sourceOf("config")).isEqualTo("system property perfmon.config");

    AgentConfig byEnv = load(null, Map.of(), Map.of("PERFMON_CONFIG", "conf/c.properties"));
    assertThat(byEnv.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(3));
    assertThat(byEnv.get(Keys.CONFIG)).isEqualTo(cFile.toString());
    assertThat(byEnv.sourceOf("config")).isEqualTo("environment variable PERFMON_CONFIG");

    AgentConfig byDefault = load(null, Map.of(), Map.of());
    assertThat(byDefault.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(4));
    assertThat(byDefault.get(Keys.CONFIG)).isEqualTo(dir.resolve("agent.properties").toString());
    assertThat(byDefault.sourceOf("config")).isEqualTo("working directory");

    for (AgentConfig c : List.of(byArg, byProp, byEnv, byDefault)) {
      assertThat(c.problems()).isEmpty();
    }
  }

  @Test
  void noFileAndNoWorkingDirectoryIsFine() {
    AgentConfig c = ConfigLoader.load("interval=2s", Map.of(), Map.of(), null);
    assertThat(c.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.get(Keys.CONFIG)).isEmpty();
    assertThat(c.problems()).isEmpty();
  }

  @Test
  void missingNamedFileIsAProblemButTheRestApplies() throws IOException {
    write("agent.properties", "interval=4s\n"); // not a fallback for an explicitly named file
    AgentConfig c = load("config=missing.properties,interval=3s", Map.of(), Map.of());
    assertThat(c.problems())
        .containsExactly(
            "configuration file '"
                + dir.resolve("missing.properties")
                + "' named by key 'config' (from agent argument) does not exist; continuing without"
                + " a configuration file");
    assertThat(c.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.get(Keys.CONFIG)).isEmpty();
  }

  @Test
  void namedDirectoryIsAProblem() throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    AgentConfig c = load(null, Map.of("perfmon.config", "sub"), Map.of());
    assertThat(c.problems()).singleElement().asString().contains("named by key 'config' (from system property perfmon.config) is not a regular file");
  }

  @Test
  void aLineThatIsNotUtf8IsReportedWithItsNumberAndTheOtherLinesApply() throws IOException {
    Path p = dir.resolve("agent.properties");
    byte[] latin1 = "# caf\u00e9 settings\ninterval=5s\na=\u00c3(\noutput.file=out.jsonl\n" // C3 28: malformed
        .getBytes(StandardCharsets.ISO_8859_1);
    Files.write(p, latin1);
    AgentConfig c = load(null, Map.of(), Map.of());
    String label = "configuration file '" + p + "' line ";
    String tail = " ignored, the other lines apply (save the file as UTF-8; a byte-order mark is allowed)";
    assertThat(c.problems())
        .containsExactly(
            label + "1 is not valid UTF-8 (byte 0xE9); the comment is" + tail,
            label + "3 is not valid UTF-8 (byte 0xC3); the line is" + tail);
    assertThat(c.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.get(Keys.OUTPUT_FILE)).isEqualTo("out.jsonl");
    assertThat(c.get(Keys.CONFIG)).isEqualTo(p.toString());
  }

  @Test
  void aByteOrderMarkIsAcceptedAndKeysKeepTheirPropertiesMeaning() throws IOException {
    Path p = dir.resolve("agent.properties");
    byte[] text =
        ("interval=5s\r\n! comment \\\r\nmethods=com.example.A#x,\\\n    com.example.B#y\n"
                + "output.file=caf\u00e9.jsonl\rservlet.exclude\\u003d=/h")
            .getBytes(StandardCharsets.UTF_8);
    byte[] withBom = new byte[text.length + 3];
    withBom[0] = (byte) 0xEF;
    withBom[1] = (byte) 0xBB;
    withBom[2] = (byte) 0xBF;
    System.arraycopy(text, 0, withBom, 3, text.length);
    Files.write(p, withBom);
    AgentConfig c = load(null, Map.of(), Map.of());
    assertThat(c.problems())
        .containsExactly(
            "unknown key 'servlet.exclude=' (from file " + p + "): did you mean 'servlet.exclude'? ignored");
    assertThat(c.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.get(Keys.METHODS)).containsExactly("com.example.A#x", "com.example.B#y");
    assertThat(c.get(Keys.OUTPUT_FILE)).isEqualTo("caf\u00e9.jsonl");
  }

  @Test
  void aKeyOnSeveralLinesIsReportedAndTheLastValueIsUsed() throws IOException {
    Path p = write("agent.properties", "interval=5s\noutput.file=a.jsonl\ninterval=6s\n  interval : 7s\n");
    AgentConfig c = load(null, Map.of(), Map.of());
    assertThat(c.problems())
        .containsExactly(
            "key 'interval' is given more than once in configuration file '"
                + p
                + "' (lines 1, 3 and 4); the last value, on line 4, is used");
    assertThat(c.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(7));
    assertThat(c.get(Keys.OUTPUT_FILE)).isEqualTo("a.jsonl");
  }

  @Test
  void everyLineOfAFileLikePropertiesLoadReadsIt() throws IOException {
    // The per-line reading must give what Properties.load gives for a well-formed file.
    String text =
        "# comment \\\ninterval = 5s\n\tmax-operations:9\nmethods com.example.A#x;\\\n"
            + "  com.example.B#y\\\n\n\noutput.file=x\\ y.jsonl\r\n!x=y\n   \nlog.level=debug\\";
    write("agent.properties", text);
    java.util.Properties expected = new java.util.Properties();
    expected.load(new java.io.StringReader(text));
    AgentConfig c = load(null, Map.of(), Map.of());
    assertThat(c.problems()).isEmpty();
    for (String name : expected.stringPropertyNames()) {
      assertThat(c.raw()).containsKey(name);
      assertThat(c.raw().get(name)).as(name).isEqualTo(normalised(Keys.byName(name), expected.getProperty(name)));
    }
    assertThat(c.raw().keySet()).containsAll(expected.stringPropertyNames());
    assertThat(c.get(Keys.METHODS)).containsExactly("com.example.A#x", "com.example.B#y");
    assertThat(c.get(Keys.OUTPUT_FILE)).isEqualTo("x y.jsonl");
  }

  private static <T> String normalised(ConfigKey<T> key, String text) {
    return key.type().format(key.type().parse(text));
  }

  @Test
  void configKeyInsideTheFileIsIgnoredWithAMessage() throws IOException {
    write("agent.properties", "config=other.properties\n");
    AgentConfig c = load(null, Map.of(), Map.of());
    assertThat(c.problems())
        .containsExactly(
            "key 'config' (from file "
                + dir.resolve("agent.properties")
                + ") is ignored inside the configuration file; name the file with an agent argument,"
                + " system property or environment variable");
  }

  @Test
  void invalidValueGivesOneMessageAndTheDefaultEvenWhenALowerSourceIsValid() {
    AgentConfig c = load("interval=fast,max-operations=12", Map.of(), Map.of("PERFMON_INTERVAL", "7s"));
    assertThat(c.problems())
        .containsExactly(
            "invalid value 'fast' for key 'interval' (from agent argument): expected a duration such"
                + " as 250ms, 5s, 2m or a bare number of milliseconds, from 10ms to 100000h; using"
                + " default 60s");
    assertThat(c.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.sourceOf("interval")).isEqualTo("default");
    assertThat(c.get(Keys.MAX_OPERATIONS)).isEqualTo(12);
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "enabled             | yes    | true or false | true",
        "max-operations      | 0      | an integer from 1 to 60000 | 2000",
        "output              | http   | none, or a list of file, log separated by , or ; | file",
        "jdbc.name-mode      | table  | one of normalized, verb-table | normalized",
        "budget.percentile   | 95     | a number from 0 to 1 | 0.95",
        "memory.warn.heap-used | lots | a size such as 512KB, 500MB or 2GB (binary units) or a bare number of bytes, or empty for unset | (none)",
        "slow.threshold      | -1s    | a duration such as 250ms, 5s, 2m or a bare number of milliseconds, from 0 to 100000h | 1s",
        "slow.threshold      | 100001h | a duration such as 250ms, 5s, 2m or a bare number of milliseconds, from 0 to 100000h | 1s",
        "output.file         | ''     | a file path (not empty) | perfmon-stats.jsonl",
      })
  void invalidValueMessagesForEachType(String key, String value, String expected, String def) {
    AgentConfig c = load(null, Map.of("perfmon." + key, value), Map.of());
    assertThat(c.problems())
        .containsExactly(
            "invalid value '"
                + value
                + "' for key '"
                + key
                + "' (from system property perfmon."
                + key
                + "): expected "
                + expected
                + "; using default "
                + def);
  }

  @Test
  void newKeysParseToTheirTypes() {
    AgentConfig c =
        load(
            "slow.threshold=250ms,very-slow.threshold=2s,budget.percentile=0.99,reset=interval,"
                + "memory.interval=10s,memory.warn.heap-used=500MB,memory.warn.heap-ratio=0.9,"
                + "handlers=log;file,handlers.path=events.jsonl,handlers.timeout=500ms,"
                + "pattern.warn-after=1m,coverage.max-listed=5",
            Map.of(),
            Map.of());
    assertThat(c.problems()).isEmpty();
    assertThat(c.get(Keys.SLOW_THRESHOLD)).isEqualTo(Duration.ofMillis(250));
    assertThat(c.get(Keys.VERY_SLOW_THRESHOLD)).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.get(Keys.BUDGET_PERCENTILE)).isEqualTo(0.99);
    assertThat(c.get(Keys.RESET)).isEqualTo("interval");
    assertThat(c.get(Keys.MEMORY_INTERVAL)).contains(Duration.ofSeconds(10));
    assertThat(c.get(Keys.MEMORY_WARN_HEAP_USED)).contains(500L * 1024 * 1024);
    assertThat(c.get(Keys.MEMORY_WARN_HEAP_RATIO)).contains(0.9);
    assertThat(c.get(Keys.HANDLERS)).containsExactly("log", "file");
    assertThat(c.get(Keys.HANDLERS_PATH)).isEqualTo("events.jsonl");
    assertThat(c.get(Keys.HANDLERS_TIMEOUT)).isEqualTo(Duration.ofMillis(500));
    assertThat(c.get(Keys.PATTERN_WARN_AFTER)).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.get(Keys.COVERAGE_MAX_LISTED)).isEqualTo(5);

    AgentConfig d = AgentConfig.defaults();
    assertThat(d.get(Keys.MEMORY_INTERVAL)).isEqualTo(Optional.empty());
    assertThat(d.get(Keys.MEMORY_WARN_HEAP_RATIO)).isEmpty();
    assertThat(d.get(Keys.HANDLERS)).containsExactly("log");
  }

  @Test
  void anEmptyOptionalValueOverridesALowerOneWithUnset() throws IOException {
    write("agent.properties", "memory.warn.heap-ratio=0.8\n");
    AgentConfig c = load(null, Map.of("perfmon.memory.warn.heap-ratio", ""), Map.of());
    assertThat(c.get(Keys.MEMORY_WARN_HEAP_RATIO)).isEmpty();
    assertThat(c.problems()).isEmpty();
  }

  @Test
  void typosAreReportedWithASuggestionFromEverySource() throws IOException {
    write("agent.properties", "intervall=5s\n");
    AgentConfig c =
        load(
            "max_operations=5,Interval=2s",
            Map.of("perfmon.outputfile", "x.jsonl", "perfmon.perfmon.log.level", "debug"),
            Map.of("PERFMON_INTERVALL", "5s", "PERFMON_MAXOPERATIONS", "7"));
    String file = "file " + dir.resolve("agent.properties");
    assertThat(c.problems())
        .containsExactlyInAnyOrder(
            "unknown key 'max_operations' (from agent argument): did you mean 'max-operations'? ignored",
            "unknown key 'Interval' (from agent argument): did you mean 'interval'? ignored",
            "unknown key 'outputfile' (from system property perfmon.outputfile): did you mean 'output.file'? ignored",
            "unknown key 'perfmon.log.level' (from system property perfmon.perfmon.log.level): did you mean 'log.level'? ignored",
            "unknown environment variable PERFMON_INTERVALL: did you mean PERFMON_INTERVAL (key 'interval')? ignored",
            "unknown environment variable PERFMON_MAXOPERATIONS: did you mean PERFMON_MAX_OPERATIONS (key 'max-operations')? ignored",
            "unknown key 'intervall' (from " + file + "): did you mean 'interval'? ignored");
    assertThat(c.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.get(Keys.MAX_OPERATIONS)).isEqualTo(2000);
  }

  @Test
  void unrelatedUnknownKeysGetAPlainMessage() {
    AgentConfig c = load("colour=blue", Map.of("perfmon.zzz", "1"), Map.of("PERFMON_HOME", "/opt"));
    assertThat(c.problems())
        .containsExactly(
            "unknown environment variable PERFMON_HOME ignored; the known variables are listed in docs/configuration.md",
            "unknown key 'colour' (from agent argument) ignored; the known keys are listed in docs/configuration.md",
            "unknown key 'zzz' (from system property perfmon.zzz) ignored; the known keys are listed in docs/configuration.md");
  }

  @Test
  void theTransformerCpuSwitchIsKnownAsASystemPropertyOnly() {
    AgentConfig c =
        load("debug.transformerCpu=true", Map.of("perfmon.debug.transformerCpu", "true"), Map.of());
    assertThat(c.problems())
        .containsExactly(
            "unknown key 'debug.transformerCpu' (from agent argument) ignored; the known keys are listed in docs/configuration.md");
  }

  @Test
  void familyEntriesFromAllSourcesButEnvironment() throws IOException {
    write("agent.properties", "budget.jdbc.*=50ms\nslow.threshold./api/*=300ms\nsample.jdbc.*=0.5\n");
    AgentConfig c =
        load(
            "budget./api/orders*=200ms,sample.jdbc.*=0.1",
            Map.of("perfmon.very-slow.threshold.jdbc.*", "2s", "perfmon.budget.jdbc.*", "40ms"),
            Map.of("PERFMON_BUDGET_JDBC", "10ms"));
    assertThat(c.prefixed(Keys.BUDGETS))
        .containsExactly(Map.entry("/api/orders*", Duration.ofMillis(200)), Map.entry("jdbc.*", Duration.ofMillis(40)));
    assertThat(c.withPrefix("budget.")).containsExactly(Map.entry("/api/orders*", "200ms"), Map.entry("jdbc.*", "40ms"));
    assertThat(c.sourceOf("budget.jdbc.*")).isEqualTo("system property perfmon.budget.jdbc.*");
    assertThat(c.prefixed(Keys.SLOW_THRESHOLDS)).containsExactly(Map.entry("/api/*", Duration.ofMillis(300)));
    assertThat(c.prefixed(Keys.VERY_SLOW_THRESHOLDS)).containsExactly(Map.entry("jdbc.*", Duration.ofSeconds(2)));
    assertThat(c.prefixed(Keys.SAMPLES)).containsExactly(Map.entry("jdbc.*", 0.1));
    assertThat(c.problems())
        .containsExactly(
            "environment variable PERFMON_BUDGET_JDBC ignored: 'budget.<glob>' entries cannot be set"
                + " through the environment (a glob does not survive the renaming); use an agent"
                + " argument, a system property or the configuration file, e.g."
                + " budget./api/orders*=300ms");
  }

  @Test
  void budgetPercentileIsAKeyNotABudgetAndItsTyposAreNotBudgetsEither() {
    AgentConfig c = load("budget.percentile=0.5,budget.percentil=0.9,budget.=1s,sample.x=2", Map.of(), Map.of());
    assertThat(c.get(Keys.BUDGET_PERCENTILE)).isEqualTo(0.5);
    assertThat(c.withPrefix("budget.")).isEmpty();
    assertThat(c.problems())
        .containsExactly(
            "unknown key 'budget.percentil' (from agent argument): did you mean 'budget.percentile'? ignored",
            "key 'budget.' (from agent argument) has no operation glob after the prefix; expected e.g."
                + " budget./api/orders*=300ms; ignored",
            "invalid value '2' for key 'sample.x' (from agent argument): expected a number from 0 to 1;"
                + " entry ignored");
  }

  @Test
  void misspeltFamilyPrefixGetsASuggestion() {
    AgentConfig c = load("slow.treshold.jdbc.*=200ms", Map.of(), Map.of());
    assertThat(c.problems())
        .containsExactly(
            "unknown key 'slow.treshold.jdbc.*' (from agent argument): did you mean"
                + " 'slow.threshold.jdbc.*'? ignored");
  }

  @Test
  void agentArgumentsWithSeveralMethods() {
    AgentConfig c =
        load(
            "methods=com.example.Api#call(java.lang.String,int);com.example.Repo#find*=repo.find,"
                + "interval=5s,output=file,log",
            Map.of(),
            Map.of());
    assertThat(c.problems()).isEmpty();
    assertThat(c.get(Keys.METHODS))
        .containsExactly("com.example.Api#call(java.lang.String,int)", "com.example.Repo#find*=repo.find");
    assertThat(c.methodPatterns()).hasSize(2);
    assertThat(c.methodPatterns().get(0).parameterTypes()).containsExactly("java.lang.String", "int");
    assertThat(c.methodPatterns().get(1).operationName()).isEqualTo("repo.find");
    assertThat(c.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.get(Keys.OUTPUT)).containsExactly("file", "log");
  }

  @Test
  void bareItemsContinueTheListBeforeThem() {
    AgentConfig c = load("methods=com.example.A#x,com.example.B#y,+com.example.H,interval=5s", Map.of(), Map.of());
    assertThat(c.get(Keys.METHODS)).containsExactly("com.example.A#x", "com.example.B#y", "+com.example.H");
    assertThat(c.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.problems()).isEmpty();
  }

  @Test
  void quotedValuesKeepTheirCommas() {
    AgentConfig c =
        load("methods=\"com.example.A#x=op.x,com.example.B#y\",output.file='a,b.jsonl',servlet.exclude=/h", Map.of(), Map.of());
    assertThat(c.get(Keys.METHODS)).containsExactly("com.example.A#x=op.x", "com.example.B#y");
    assertThat(c.get(Keys.OUTPUT_FILE)).isEqualTo("a,b.jsonl");
    assertThat(c.get(Keys.SERVLET_EXCLUDE)).containsExactly("/h");
    assertThat(c.problems()).isEmpty();
  }

  @Test
  void apostropheInsideAValueIsNotAQuote() {
    AgentConfig c = load("output.file=bob's.jsonl,interval=5s", Map.of(), Map.of());
    assertThat(c.get(Keys.OUTPUT_FILE)).isEqualTo("bob's.jsonl");
    assertThat(c.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.problems()).isEmpty();
  }

  @Test
  void agentArgumentProblems() {
    List<String> problems = new ArrayList<>();
    Map<String, String> args =
        AgentArguments.parse("verbose,interval=1s,,=x,interval=2s,methods=\"a.B#c", problems);
    assertThat(args).containsExactly(Map.entry("interval", "2s"), Map.entry("methods", "\"a.B#c"));
    assertThat(problems)
        .containsExactly(
            "agent arguments: quote \" is not closed; the rest is read as one value",
            "agent argument 'verbose' is not key=value; ignored (separate list items with ';', e.g."
                + " methods=com.example.A#x;com.example.B#y)",
            "agent argument '=x' has no key before '='; ignored",
            "key 'interval' is given more than once in the agent arguments; the last value is used");
  }

  @Test
  void badMethodPatternsAreReportedWithTheirSourceAndTheOthersApply() throws IOException {
    write("agent.properties", "methods=com.example.Foo#, com.example.UserService#getUser, +com.*.Foo\n");
    AgentConfig c = load(null, Map.of(), Map.of());
    String file = "file " + dir.resolve("agent.properties");
    assertThat(c.methodPatterns()).extracting(MethodPattern::text).containsExactly("com.example.UserService#getUser");
    assertThat(c.problems())
        .containsExactly(
            "invalid method pattern 'com.example.Foo#' (key 'methods', from "
                + file
                + "): no method name after '#'; expected"
                + " [+|@]ClassName[#method[(ParamTypes)]][=operation.name], e.g."
                + " com.example.UserService#getUser or com.example.repo.*#find*; pattern ignored",
            "invalid method pattern '+com.*.Foo' (key 'methods', from "
                + file
                + "): a '+' (subtype) pattern needs an exact type name, without '*' or '?'; expected"
                + " [+|@]ClassName[#method[(ParamTypes)]][=operation.name], e.g."
                + " com.example.UserService#getUser or com.example.repo.*#find*; pattern ignored");
  }

  @Test
  void annotationNamesAreValidated() {
    AgentConfig c = load("annotations=com.example.Timed;@com.example.Traced;not valid;com.*", Map.of(), Map.of());
    assertThat(c.get(Keys.ANNOTATIONS)).containsExactly("com.example.Timed", "com.example.Traced");
    assertThat(c.problems())
        .containsExactly(
            "invalid annotation type 'not valid' (key 'annotations', from agent argument): expected a"
                + " fully qualified annotation type name such as com.example.Timed; ignored",
            "invalid annotation type 'com.*' (key 'annotations', from agent argument): expected a"
                + " fully qualified annotation type name such as com.example.Timed; ignored");
  }

  @Test
  void describeAndSummaryShowValuesWithSources() throws IOException {
    write("agent.properties", "budget.jdbc.*=50ms\n");
    AgentConfig c = load("interval=5s", Map.of(), Map.of("PERFMON_OUTPUT", "file,log"));
    String file = "file " + dir.resolve("agent.properties");
    assertThat(c.describe())
        .contains("interval=5s (agent argument)\n")
        .contains("output=file,log (environment variable PERFMON_OUTPUT)\n")
        .contains("max-operations=2000 (default)\n")
        .contains("memory.interval= (default)\n")
        .contains("config=" + dir.resolve("agent.properties") + " (working directory)\n")
        .endsWith("budget.jdbc.*=50ms (" + file + ")\n");
    assertThat(c.describe().split("\n")).hasSize(Keys.all().size() + 1);
    assertThat(c.entries())
        .hasSize(Keys.all().size() + 1)
        .containsEntry("interval", "5s (agent argument)")
        .containsEntry("budget.jdbc.*", "50ms (" + file + ")");
    assertThat(c.entries().keySet()).first().isEqualTo(Keys.all().get(0).name());
    assertThat(c.summary())
        .isEqualTo(
            "config="
                + dir.resolve("agent.properties")
                + " (working directory), interval=5s (agent argument), output=file,log (environment"
                + " variable PERFMON_OUTPUT), budget.jdbc.*=50ms ("
                + file
                + ")");
  }

  @Test
  void neverThrowsOnGarbage() {
    String[] inputs = {"=", ",,,", "(((", ")))", "\"", "'", "a=(b,c", "methods=(", "=,=,=", "\u0000=\u0000"};
    for (String in : inputs) {
      AgentConfig c = load(in, Map.of("perfmon.", "x"), Map.of("PERFMON_", "y"));
      assertThat(c).isNotNull();
      assertThat(c.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(60));
    }
  }

  @Test
  void keyNamesFollowTheConventionAndEnvironmentNamesAreUnique() {
    Set<String> env = new HashSet<>();
    for (ConfigKey<?> k : Keys.all()) {
      assertThat(k.name()).matches("[a-z][a-z0-9]*([.-][a-z0-9]+)*");
      assertThat(env.add(k.environmentVariable())).as(k.environmentVariable()).isTrue();
      assertThat(k.systemProperty()).isEqualTo("perfmon." + k.name());
    }
    assertThat(Keys.families()).extracting(KeyFamily::prefix).containsExactly("slow.threshold.", "very-slow.threshold.", "budget.", "sample.");
  }

  @Test
  void loadFromSystemReadsTheRealProcessWithoutProblemsForAnOrdinaryJvm() {
    AgentConfig c = ConfigLoader.loadFromSystem("interval=3s");
    assertThat(c.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.sourceOf("interval")).isEqualTo("agent argument");
  }

  @Test
  void aReAttachKeepsTheEarlierArgumentsAndReplacesOnlyTheKeysItNames() throws IOException {
    Path file = write("conf/app.properties", "slow.threshold=250ms\n");
    AgentConfig c =
        ConfigLoader.load(
            List.of("config=conf/app.properties,methods=com.example.A#x;com.example.B#y,output.file=/var/log/a.jsonl",
                "interval=5s,interval=6s"),
            "interval=1s,methods=com.example.C#z",
            Map.of(),
            Map.of(),
            dir);
    assertThat(c.get(Keys.INTERVAL)).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.get(Keys.OUTPUT_FILE)).isEqualTo("/var/log/a.jsonl");
    assertThat(c.get(Keys.CONFIG)).isEqualTo(file.toString());
    assertThat(c.get(Keys.SLOW_THRESHOLD)).isEqualTo(Duration.ofMillis(250));
    assertThat(c.methodPatterns()).hasSize(1);
    assertThat(c.raw().get("methods")).isEqualTo("com.example.C#z");
    assertThat(c.problems()).as("the earlier strings' grammar problems were reported when given").isEmpty();
  }
}
