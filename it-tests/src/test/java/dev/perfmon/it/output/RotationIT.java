package dev.perfmon.it.output;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.perfmon.it.support.AgentOutput;
import dev.perfmon.it.support.ForkedJvm;
import dev.perfmon.it.support.Jdk;
import example.output.RotationApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent's own rotation ({@code output.max-size}, {@code output.max-files}) under load: a
 * snapshot every 20 ms from the snapshot thread, a {@code slow} line for every call (slow.threshold
 * = 1ns) and {@code memory-warning} lines from the events thread, thousands of lines a second, the
 * file rotated dozens of times. Every line of every file must be whole JSON, no file larger than
 * max-size, and the counts must add up: the slow lines plus the events dropped at the queue are the
 * calls the application made, the snapshots' interval counts add up to the final count, and that
 * is the application's own count.
 */
class RotationIT {
  private static final String STEP = "example.output.RotationApp$Work.step";
  private static final long MAX_SIZE = 256 * 1024;

  static List<Jdk> jdks() {
    return Jdk.all();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jdks")
  void rotationUnderSnapshotAndEventWritersLosesAndSplitsNoLine(Jdk jdk) throws Exception {
    Path dir = ForkedJvm.workDir("rotation-" + jdk.name());
    Path file = dir.resolve("logs/perfmon.jsonl");
    String calls;
    try (ForkedJvm.Running app =
        ForkedJvm.builder(jdk)
            .mainClass(RotationApp.class)
            .workDir(dir)
            .agent(
                "methods=example.output.RotationApp$Work#step,interval=20ms,output.file="
                    + file
                    + ",output.max-size=256KB,output.max-files=1000,slow.threshold=1ns,"
                    + "very-slow.threshold=1h,handlers=none,memory.interval=20ms,"
                    + "memory.warn.heap-used=32MB")
            .args("2", "4000", "300")
            .start()) {
      assertThat(app.waitForExit(Duration.ofMinutes(2))).as(app.describe()).isZero();
      Matcher m = Pattern.compile("CALLS (\\d+)").matcher(app.stdout());
      assertThat(m.find()).as(app.describe()).isTrue();
      calls = m.group(1);
      assertThat(app.stderr()).doesNotContain("[WARN]").doesNotContain("[ERROR]");
    }
    long appCalls = Long.parseLong(calls);

    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.list(file.getParent())) {
      s.forEach(files::add);
    }
    // oldest first: the highest number first, the file itself last
    files.sort(
        (a, b) -> Integer.compare(index(b, file), index(a, file)));
    assertThat(files).as("rotated dozens of times").hasSizeGreaterThan(10);
    assertThat(files.get(files.size() - 1)).isEqualTo(file);

    long slowLines = 0;
    long memoryLines = 0;
    long intervalSum = 0;
    JsonNode last = null;
    for (Path f : files) {
      assertThat(Files.size(f)).as(f.toString()).isLessThanOrEqualTo(MAX_SIZE);
      AgentOutput out = AgentOutput.read(f); // fails on any line that is not one whole JSON object
      for (JsonNode line : out.lines()) {
        switch (line.path("type").asText()) {
          case "slow" -> slowLines++;
          case "memory-warning" -> memoryLines++;
          case "snapshot" -> {
            intervalSum += line.path("operations").path(STEP).path("interval").path("count").asLong();
            last = line;
          }
          default -> {}
        }
      }
    }
    assertThat(last).isNotNull();
    long finalCount = last.path("operations").path(STEP).path("count").asLong();
    long dropped = last.path("droppedEvents").asLong();
    assertThat(finalCount).as("the final snapshot counts every call").isEqualTo(appCalls);
    assertThat(intervalSum).as("no snapshot lost: interval counts add up to the total").isEqualTo(appCalls);
    assertThat(slowLines + dropped).as("slow lines + dropped events = calls").isEqualTo(appCalls);
    assertThat(slowLines).as("most events written").isGreaterThan(appCalls / 2);
    assertThat(memoryLines).as("memory warnings written from the events thread too").isPositive();
  }

  private static int index(Path p, Path file) {
    String name = p.getFileName().toString();
    String base = file.getFileName().toString();
    if (name.equals(base)) {
      return 0;
    }
    return Integer.parseInt(name.substring(base.length() + 1));
  }
}
