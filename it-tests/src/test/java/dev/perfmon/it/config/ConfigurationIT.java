package dev.perfmon.it.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.config.LoopApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Configuration as a user meets it: every source in its precedence, periodic snapshots, bad values
 * that never stop the application, the max-operations cap, and the warning about patterns that
 * match nothing.
 */
class ConfigurationIT {
  private static final String WORK = "example.config.LoopApp$Work";

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  /** Runs {@code java -jar perfmon-agent.jar csv <file> <operation>}; returns the summed interval counts. */
  private static long csvIntervalSum(Jdk jdk, Path file, String operation, int snapshots) throws Exception {
    Process p =
        new ProcessBuilder(jdk.java().toString(), "-jar", ForkedJvm.agentJar().toString(), "csv", file.toString(), operation)
            .redirectErrorStream(true)
            .start();
    String text = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(text).isZero();
    List<String> rows = text.lines().skip(1).toList();
    assertThat(rows).as(text).hasSize(snapshots).allMatch(r -> r.split(",", -1)[2].equals(operation));
    long sum = 0;
    for (String r : rows) {
      sum += Long.parseLong(r.split(",", -1)[3]);
    }
    return sum;
  }

  private static long calls(ForkedJvm.Running jvm) {
    Matcher m = Pattern.compile("CALLS (\\d+)").matcher(jvm.stdout());
    assertThat(m.find()).as(jvm.describe()).isTrue();
    return Long.parseLong(m.group(1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void sourcesApplyInPrecedenceOrderAndSnapshotsArePeriodic(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("sources-" + jdk.name());
    // The file names an output that the system property overrides, and an interval that the agent
    // argument overrides; methods come from the environment only.
    Files.writeString(dir.resolve("agent.properties"), "interval=1m\noutput.file=from-file.jsonl\n");
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk)
            .mainClass(LoopApp.class)
            .workDir(dir)
            .agent("interval=300ms")
            .jvmArg("-Dperfmon.output.file=from-sysprop.jsonl")
            .env("PERFMON_OUTPUT_FILE", "from-env.jsonl")
            .env("PERFMON_METHODS", WORK + "#alpha," + WORK + "#beta=custom.beta")
            .args("3000")
            .start()) {
      assertThat(jvm.waitForExit(Duration.ofSeconds(60))).as(jvm.describe()).isZero();
      long calls = calls(jvm);
      assertThat(dir.resolve("from-file.jsonl")).doesNotExist();
      assertThat(dir.resolve("from-env.jsonl")).doesNotExist();
      AgentOutput out = AgentOutput.read(dir.resolve("from-sysprop.jsonl"));
      List<JsonNode> snapshots = out.snapshots();
      assertThat(snapshots.size()).as(out.text()).isGreaterThanOrEqualTo(3);

      long previous = 0;
      long intervalSum = 0;
      long recordedSum = 0;
      int withAlpha = 0;
      for (JsonNode s : snapshots) {
        JsonNode alpha = s.path("operations").path(WORK + ".alpha");
        withAlpha += alpha.isMissingNode() ? 0 : 1;
        long count = alpha.path("count").asLong(0);
        assertThat(count).isGreaterThanOrEqualTo(previous);
        intervalSum += alpha.path("interval").path("count").asLong(0);
        recordedSum += s.path("agent").path("callsRecorded").asLong();
        previous = count;
      }
      assertThat(previous).as("final snapshot at shutdown has every call").isEqualTo(calls);
      assertThat(intervalSum).as("interval counts add up to the total").isEqualTo(calls);
      // One csv row per snapshot that has the operation: a snapshot taken before the first call
      // (the first tick can come before main runs on a loaded machine) has none.
      assertThat(csvIntervalSum(jdk, dir.resolve("from-sysprop.jsonl"), WORK + ".alpha", withAlpha))
          .as("the CLI's csv export of the same file")
          .isEqualTo(calls);
      assertThat(out.operation("custom.beta").get("count").asLong()).isEqualTo(calls);
      assertThat(recordedSum).as("the agent's own call count covers both operations").isEqualTo(2 * calls);
      JsonNode self = out.lastSnapshot().get("agent");
      assertThat(self.get("costPerCallNs").asDouble()).as("calibrated on this machine").isBetween(1.0, 10_000.0);
      assertThat(self.get("overheadSharePerThread").asDouble()).isBetween(0.0, 1.0);
      assertThat(out.operation(WORK + ".gamma")).isNull();
      // 300ms, not the file's 1m; generous bounds: a starved snapshot thread on a loaded machine
      // was seen taking 1.7 s between two snapshots. The median of the scheduled snapshots'
      // intervals: the one after a late snapshot comes sooner (they are due at multiples of it).
      assertThat(out.medianScheduledIntervalMs()).as(out.text()).isBetween(200L, 5000L);
      assertThat(jvm.stderr()).doesNotContain("[WARN]").doesNotContain("[ERROR]");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void badValuesAreReportedOnceAndTheApplicationRunsWithDefaults(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("bad-" + jdk.name());
    Files.writeString(dir.resolve("agent.properties"), "intervall=5s\nmethods=" + WORK + "#alpha\n");
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk)
            .mainClass(LoopApp.class)
            .workDir(dir)
            .agent("interval=fast,max-operations=lots,output.file=out.jsonl")
            .args("200")
            .start()) {
      assertThat(jvm.waitForExit(Duration.ofSeconds(60))).as(jvm.describe()).isZero();
      long calls = calls(jvm);
      String err = jvm.stderr();
      assertThat(lines(err, "'fast'")).hasSize(1);
      assertThat(lines(err, "'fast'").get(0)).contains("interval").contains("agent argument").contains("250ms");
      assertThat(lines(err, "'lots'")).hasSize(1);
      assertThat(lines(err, "'lots'").get(0)).contains("max-operations").contains("integer");
      assertThat(lines(err, "intervall")).hasSize(1);
      assertThat(lines(err, "intervall").get(0)).contains("did you mean 'interval'");
      AgentOutput out = AgentOutput.read(dir.resolve("out.jsonl"));
      assertThat(out.operation(WORK + ".alpha").get("count").asLong()).isEqualTo(calls);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void operationsBeyondTheCapAreCountedUnderOther(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("cap-" + jdk.name());
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk)
            .mainClass(LoopApp.class)
            .workDir(dir)
            .agent("methods=" + WORK + ",max-operations=3,output.file=out.jsonl")
            .args("200")
            .start()) {
      assertThat(jvm.waitForExit(Duration.ofSeconds(60))).as(jvm.describe()).isZero();
      long calls = calls(jvm);
      AgentOutput out = AgentOutput.read(dir.resolve("out.jsonl"));
      List<String> names = out.operationNames();
      assertThat(names).hasSize(4).contains("other");
      long total = 0;
      for (String n : names) {
        total += out.operation(n).get("count").asLong();
      }
      assertThat(total).as("no call is lost beyond the cap").isEqualTo(6 * calls);
      assertThat(out.operation("other").get("count").asLong()).isEqualTo(3 * calls);
      assertThat(lines(jvm.stderr(), "max-operations")).hasSize(1);
      assertThat(out.lastSnapshot().get("agent").get("overflowed").asBoolean()).isTrue();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void coverageIsWrittenAndAPatternThatMatchesNothingIsNamed(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("coverage-" + jdk.name());
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk)
            .mainClass(LoopApp.class)
            .workDir(dir)
            // warn-after counts from the agent's start, before main has loaded Work: 500ms was
            // sometimes too short on a loaded machine, and #alpha, too, was reported as unmatched.
            .agent("methods=" + WORK + "#alpha;" + WORK + "#alfa,pattern.warn-after=3s,output.file=out.jsonl")
            .args("4500")
            .start()) {
      assertThat(jvm.waitForExit(Duration.ofSeconds(60))).as(jvm.describe()).isZero();
      List<String> warned = lines(jvm.stderr(), "matched no method");
      assertThat(warned).hasSize(1);
      assertThat(warned.get(0)).contains(WORK + "#alfa");
      AgentOutput out = AgentOutput.read(dir.resolve("out.jsonl"));
      JsonNode coverage = out.ofType("instrumentation").get(0);
      JsonNode first = coverage.get("patterns").get(0);
      assertThat(first.get("pattern").asText()).isEqualTo(WORK + "#alpha");
      assertThat(first.get("classes").asInt()).isEqualTo(1);
      assertThat(first.get("matched").get(0).asText()).isEqualTo(WORK + "#alpha");
      assertThat(coverage.get("patterns").get(1).get("methods").asInt()).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void samplingCountsEveryCallAndTimesAShare(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("sampling-" + jdk.name());
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk)
            .mainClass(LoopApp.class)
            .workDir(dir)
            .agent("methods=" + WORK + "#alpha;" + WORK + "#beta,sample." + WORK + ".alpha=0.1,output.file=out.jsonl")
            .args("1000")
            .start()) {
      assertThat(jvm.waitForExit(Duration.ofSeconds(60))).as(jvm.describe()).isZero();
      long calls = calls(jvm);
      AgentOutput out = AgentOutput.read(dir.resolve("out.jsonl"));
      JsonNode alpha = out.operation(WORK + ".alpha");
      assertThat(alpha.get("count").asLong()).as("every call counted").isEqualTo(calls);
      long timed = alpha.get("sampledCount").asLong();
      assertThat(timed).as("about 10%% of %d calls timed", calls).isBetween(calls / 20, calls / 5);
      assertThat(alpha.get("metadata").get("sampleRate").asText()).isEqualTo("0.1");
      JsonNode beta = out.operation(WORK + ".beta");
      assertThat(beta.get("count").asLong()).isEqualTo(calls);
      assertThat(beta.has("sampledCount")).as("not sampled").isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void disabledAgentWritesNothing(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("disabled-" + jdk.name());
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk)
            .mainClass(LoopApp.class)
            .workDir(dir)
            .agent("enabled=false,methods=" + WORK + ",output.file=out.jsonl")
            .args("100")
            .start()) {
      assertThat(jvm.waitForExit(Duration.ofSeconds(60))).as(jvm.describe()).isZero();
      assertThat(calls(jvm)).isPositive();
      assertThat(dir.resolve("out.jsonl")).doesNotExist();
    }
  }

  private static List<String> lines(String text, String needle) {
    List<String> out = new ArrayList<>();
    for (String l : text.lines().toList()) {
      if (l.contains(needle)) {
        out.add(l);
      }
    }
    return out;
  }
}
