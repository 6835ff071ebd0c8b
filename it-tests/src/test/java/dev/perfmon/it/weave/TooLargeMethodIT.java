package dev.perfmon.it.weave;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.weave.OversizedApp;
import example.weave.OversizedClass;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A class with one method too large to instrument (its code fits the JVM's 65,535-byte limit, its
 * code with the timing advice does not) and one ordinary method, both selected by one pattern.
 * The ordinary method must be timed, the huge one must run unchanged, and the coverage line must
 * say which was woven and which was skipped, with one WARN naming the skipped method. Before the
 * fix, Byte Buddy rejected the whole class: nothing was timed, yet coverage listed both methods.
 */
class TooLargeMethodIT {
  private static final String PATTERN = OversizedClass.NAME;
  private static final int SMALL_CALLS = 1_234;
  private static final int HUGE_CALLS = 7;

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void theOrdinaryMethodIsTimedAndTheTooLargeOneIsReportedAsSkipped(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("too-large-" + jdk.name());
    Path classes = OversizedClass.writeTo(dir.resolve("classes"));
    try (ForkedJvm.Running jvm =
        ForkedJvm.builder(jdk)
            .mainClass(OversizedApp.class)
            .classpath(classes)
            .workDir(dir)
            .agent("methods=" + PATTERN + ",output.file=out.jsonl")
            .args(Integer.toString(SMALL_CALLS), Integer.toString(HUGE_CALLS), "1500")
            .start()) {
      assertThat(jvm.waitForExit(Duration.ofSeconds(60))).as(jvm.describe()).isZero();

      // The huge method ran its original code: x + 16,382 for the last x (HUGE_CALLS - 1).
      long expectedHuge = HUGE_CALLS - 1 + OversizedClass.HUGE_INCREMENTS;
      long expectedSmallSum = (long) SMALL_CALLS * (SMALL_CALLS + 1) / 2;
      assertThat(jvm.stdout())
          .as(jvm.describe())
          .contains("SMALL " + SMALL_CALLS + " sum=" + expectedSmallSum + " HUGE " + HUGE_CALLS + " last=" + expectedHuge);

      AgentOutput out = AgentOutput.read(dir.resolve("out.jsonl"));
      JsonNode small = out.operation(OversizedClass.NAME + ".small");
      assertThat(small).as("the ordinary method is timed: %s", out).isNotNull();
      assertThat(small.get("count").asLong()).isEqualTo(SMALL_CALLS);
      assertThat(small.get("errorCount").asLong()).isZero();
      assertThat(out.operation(OversizedClass.NAME + ".huge")).as("the huge method is not timed").isNull();

      List<JsonNode> coverage = out.ofType("instrumentation");
      assertThat(coverage).as(out.toString()).isNotEmpty();
      for (JsonNode line : coverage) {
        assertThat(line.toString()).as("huge is never listed as matched").doesNotContain("Oversized#huge\"");
      }
      JsonNode entry = coverage.get(coverage.size() - 1).get("patterns").get(0);
      assertThat(entry.get("pattern").asText()).isEqualTo(PATTERN);
      assertThat(entry.get("classes").asInt()).isEqualTo(1);
      assertThat(entry.get("methods").asInt()).as(entry.toString()).isEqualTo(1);
      assertThat(texts(entry.get("matched"))).containsExactly(OversizedClass.NAME + "#small");
      JsonNode skipped = entry.get("skipped");
      assertThat(skipped).as(entry.toString()).isNotNull();
      assertThat(skipped.size()).as(entry.toString()).isEqualTo(1);
      assertThat(skipped.get(0).get("method").asText()).isEqualTo(OversizedClass.NAME + "#huge(long)");
      assertThat(skipped.get(0).get("reason").asText()).isEqualTo("method too large to instrument");
      // What the class writer computed for the woven method: over the limit, and below twice the
      // original (the advice's own code plus, at most, one more byte per instruction).
      assertThat(skipped.get(0).get("wovenCodeBytes").asInt()).isBetween(65_536, 2 * OversizedClass.HUGE_CODE_BYTES);

      List<String> warnings = lines(jvm.stderr(), "[WARN]");
      assertThat(warnings).as(jvm.stderr()).hasSize(1);
      assertThat(warnings.get(0)).contains(OversizedClass.NAME + "#huge(long)", "too large to instrument");
      assertThat(jvm.stderr()).doesNotContain("could not instrument").doesNotContain("[ERROR]");
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : array) {
      out.add(n.asText());
    }
    return out;
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
