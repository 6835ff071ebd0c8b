package dev.perfmon.it.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.events.EventsApp;
import java.nio.charset.StandardCharsets;
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
 * Slow calls, budgets and memory warnings in a real JVM under {@code -javaagent}, on every
 * configured JDK. The snapshot interval is long (60 s), so everything seen before the JVM exits was
 * written at once by the agent's events thread, not with a snapshot.
 */
class EventsIT {
  private static final String WORK = "example.events.EventsApp$Work";
  private static final String OWNERS = "api GET /owners/{id}";

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void slowCallsAreWrittenAtOnceAndBudgetsAreChecked(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("events-" + jdk.name());
    // A properties file, as users write it: the budget glob has spaces, escaped with '\ '.
    Files.writeString(
        dir.resolve("agent.properties"),
        String.join(
            "\n",
            "methods=" + WORK + "#slow;" + WORK + "#verySlow",
            "annotations=example.events.Timed",
            "interval=60s",
            "output.file=events.jsonl",
            "slow.threshold.example.events.*=100ms",
            "very-slow.threshold." + WORK + ".verySlow=200ms",
            "budget.api\\ GET\\ /owners/*=10ms",
            ""),
        StandardCharsets.UTF_8);
    Path file = dir.resolve("events.jsonl");
    try (ForkedJvm.Running app =
        ForkedJvm.builder(jdk).mainClass(EventsApp.class).workDir(dir).agent(null).args("slow", "4000").start()) {
      app.awaitStdout("slow-done", Duration.ofSeconds(30));
      long seenDone = System.nanoTime();
      AgentOutput early =
          AgentOutput.await(file, o -> !o.ofType("slow").isEmpty(), Duration.ofSeconds(3));
      long latencyMs = (System.nanoTime() - seenDone) / 1_000_000;
      assertThat(early.snapshots()).as("no snapshot yet: the slow line did not wait for one").isEmpty();
      assertThat(latencyMs).as("slow line written within a second of the call").isLessThan(1000);
      JsonNode slow = early.ofType("slow").get(0);
      assertThat(slow.get("operation").asText()).isEqualTo(WORK + ".slow");
      assertThat(slow.get("severity").asText()).isEqualTo("slow");
      assertThat(slow.get("duration").asDouble()).isGreaterThanOrEqualTo(150.0);
      assertThat(slow.get("threshold").asDouble()).isEqualTo(100.0);
      assertThat(slow.get("thread").asText()).isEqualTo("main");
      assertThat(slow.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
      assertThat(slowDoneMillis(app.stdout()) - java.time.Instant.parse(slow.get("timestamp").asText()).toEpochMilli())
          .as("the event's timestamp is the end of the call")
          .isBetween(-50L, 1000L);

      assertThat(app.waitForExit(Duration.ofSeconds(60))).as(app.describe()).isZero();
      assertThat(app.stdout()).contains("done");

      AgentOutput out = AgentOutput.read(file);
      List<JsonNode> lines = out.ofType("slow");
      assertThat(lines).extracting(n -> n.get("operation").asText()).containsExactly(WORK + ".slow", WORK + ".verySlow");
      assertThat(lines.get(1).get("severity").asText()).isEqualTo("very-slow");
      assertThat(lines.get(1).get("threshold").asDouble()).isEqualTo(200.0);

      assertThat(out.snapshots()).as("only the final snapshot").hasSize(1);
      JsonNode snapshot = out.lastSnapshot();
      List<String> listed = new ArrayList<>();
      snapshot.get("slowOperations").forEach(n -> listed.add(n.get("operation").asText() + " " + n.get("severity").asText()));
      assertThat(listed).containsExactly(WORK + ".slow slow", WORK + ".verySlow very-slow");
      assertThat(snapshot.get("droppedEvents").asLong()).isZero();

      JsonNode violations = snapshot.get("budgetViolations");
      assertThat(violations).hasSize(1);
      JsonNode v = violations.get(0);
      assertThat(v.get("operation").asText()).isEqualTo(OWNERS);
      assertThat(v.get("budget").asDouble()).isEqualTo(10.0);
      assertThat(v.get("percentile").asDouble()).isEqualTo(0.95);
      assertThat(v.get("actual").asDouble()).isGreaterThanOrEqualTo(30.0 * (1 - 0.0079));
      assertThat(v.get("severity").asDouble()).isCloseTo(v.get("actual").asDouble() / 10.0, org.assertj.core.data.Offset.offset(0.001));
      assertThat(out.operation(OWNERS).get("count").asLong()).isEqualTo(5);

      String stderr = app.stderr();
      assertThat(stderr).contains("[WARN] perfmon - slow call: " + WORK + ".slow took ");
      assertThat(stderr).contains("[ERROR] perfmon - very slow call: " + WORK + ".verySlow took ");
      assertThat(stderr).doesNotContain("Exception");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void heapWarningsAreRaisedOncePerCrossing(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("memory-" + jdk.name());
    try (ForkedJvm.Running app =
        ForkedJvm.builder(jdk)
            .mainClass(EventsApp.class)
            .workDir(dir)
            .agent("interval=60s,output.file=events.jsonl,memory.interval=100ms,memory.warn.heap-used=64MB,memory.warn.heap-ratio=0.3")
            .args("memory")
            .start()) {
      assertThat(app.waitForExit(Duration.ofSeconds(60))).as(app.describe()).isZero();
      AgentOutput out = AgentOutput.read(dir.resolve("events.jsonl"));
      List<JsonNode> warnings = out.ofType("memory-warning");
      List<String> reasons = new ArrayList<>();
      warnings.forEach(w -> reasons.add(w.get("reason").asText()));
      assertThat(reasons).as("one per limit, although the heap stayed above it for many readings").containsExactlyInAnyOrder("heap-used", "heap-ratio");
      for (JsonNode w : warnings) {
        assertThat(w.get("heapMax").asDouble()).isPositive();
        if (w.get("reason").asText().equals("heap-used")) {
          assertThat(w.get("heapUsed").asDouble()).isGreaterThanOrEqualTo(64.0);
          assertThat(w.get("limit").asDouble()).isEqualTo(64.0);
        } else {
          assertThat(w.get("ratio").asDouble()).isGreaterThanOrEqualTo(0.3);
          assertThat(w.get("heapUsed").asDouble() / w.get("heapMax").asDouble()).isGreaterThanOrEqualTo(0.3);
        }
      }
      assertThat(app.stderr()).contains("[WARN] perfmon - heap used ").contains("reached memory.warn.heap-used 64.0 MB");
    }
  }

  private static long slowDoneMillis(String stdout) {
    Matcher m = Pattern.compile("slow-done (\\d+)").matcher(stdout);
    if (!m.find()) {
      throw new AssertionError("no slow-done in " + stdout);
    }
    return Long.parseLong(m.group(1));
  }
}
