package dev.perfmon.it.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.core.CoreApp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each part of the agent made to fail on purpose with the test-only switch {@code
 * -Dperfmon.test.faults=<kind>} (see {@code dev.perfmon.bootstrap.Faults}): the application's
 * result and exit code are those of a run without the agent, the fault is logged once (its marker
 * appears on exactly one line of stderr), and the rest of the agent keeps working.
 */
class FaultInjectionIT {
  private static final String APP = "example.core.";

  static Stream<Arguments> faults() {
    List<Arguments> out = new ArrayList<>();
    for (Jdk jdk : Jdk.all()) {
      for (String kind : List.of("record", "snapshot", "json", "memory", "output", "handlers")) {
        out.add(Arguments.of(jdk, kind));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("faults")
  void theApplicationIsUnaffectedAndTheRestOfTheAgentWorks(Jdk jdk, String kind) throws Exception {
    Run without = run(jdk, null);
    Run with = run(jdk, kind);
    assertThat(with.code).as(with.describe).isEqualTo(without.code).isZero();
    assertThat(with.result).as("the application's own results").isEqualTo(without.result);

    String marker = "perfmon test fault: " + kind;
    long lines = with.stderr.lines().filter(l -> l.contains(marker)).count();
    assertThat(lines).as("the fault is logged once:\n%s", with.stderr).isEqualTo(1);
    assertThat(with.stderr).doesNotContain("Exception in thread");

    AgentOutput out = AgentOutput.read(with.dir.resolve("stats.jsonl"));
    List<JsonNode> file = out.lines();
    List<JsonNode> snapshots = out.snapshots();
    List<JsonNode> slow = out.ofType("slow");
    switch (kind) {
      case "record" -> {
        JsonNode last = snapshots.get(snapshots.size() - 1);
        assertThat(last.path("agent").path("suppressedErrors").asLong()).as("every woven call's recording failed, suppressed").isPositive();
        assertThat(last.path("memory").path("heapUsed").asDouble()).as("snapshots go on").isPositive();
      }
      case "snapshot", "json" -> {
        assertThat(snapshots).as("no snapshot can be made").isEmpty();
        assertThat(slow).as("slow-call events still written").isNotEmpty();
        assertThat(with.stderr).as("events still reach the log handler").contains("slow call: " + APP + "UserService.sleep50");
      }
      case "memory" -> {
        JsonNode last = snapshots.get(snapshots.size() - 1);
        assertThat(last.has("memory")).as("no memory section").isFalse();
        assertThat(last.path("operations").path(APP + "UserService.sleep50").path("count").asLong())
            .as("the operations' figures are still exact")
            .isEqualTo(6);
      }
      case "output" -> {
        assertThat(file).as("nothing reaches the file").isEmpty();
        assertThat(with.stderr).as("the log output still gets every snapshot").contains("{\"type\":\"snapshot\"");
      }
      case "handlers" -> {
        assertThat(slow).as("slow events still written to the file").isNotEmpty();
        assertThat(snapshots.get(snapshots.size() - 1).path("operations").path(APP + "UserService.sleep50").path("count").asLong())
            .isEqualTo(6);
      }
      default -> throw new IllegalArgumentException(kind);
    }
  }

  record Run(Path dir, int code, String result, String stderr, String describe) {}

  private static Run run(Jdk jdk, String fault) throws Exception {
    Path dir = ForkedJvm.workDir("fault-" + (fault == null ? "none" : fault) + "-" + jdk.name());
    ForkedJvm.Builder b = ForkedJvm.builder(jdk).mainClass(CoreApp.class).workDir(dir);
    if (fault != null) {
      b.jvmArg("-Dperfmon.test.faults=" + fault);
      b.agent(
          "methods=" + APP + "UserService;+" + APP + "Handler#handle,output=file;log,output.file=stats.jsonl,"
              + "interval=300ms,slow.threshold=30ms,very-slow.threshold=10s");
    }
    try (ForkedJvm.Running jvm = b.start()) {
      int code = jvm.waitForExit(Duration.ofSeconds(60));
      Matcher m = Pattern.compile("RESULT .*").matcher(jvm.stdout());
      return new Run(dir, code, m.find() ? m.group() : "(no RESULT line)", jvm.stderr(), jvm.describe());
    }
  }
}
