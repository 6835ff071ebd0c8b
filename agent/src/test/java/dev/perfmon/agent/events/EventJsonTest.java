package dev.perfmon.agent.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perfmon.api.BudgetViolation;
import dev.perfmon.api.MemoryWarning;
import dev.perfmon.api.Severity;
import dev.perfmon.api.SlowOperationEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventJsonTest {
  @Test
  void slowLineCarriesEverythingAboutTheCall() {
    Map<String, String> md = new LinkedHashMap<>();
    md.put("kind", "servlet");
    md.put("route", "/owners/{id}");
    md.put("path", "/owners/\"12\"\n");
    md.put("status", "200");
    SlowOperationEvent e =
        new SlowOperationEvent(
            "servlet.GET /owners/{id}",
            Duration.ofNanos(1_234_567_891L),
            Severity.VERY_SLOW,
            Duration.ofSeconds(1),
            Instant.parse("2026-01-02T03:04:05.678Z"),
            "http-nio-8080-exec-1",
            true,
            md);
    Map<String, Object> j = Json.object(EventJson.slowLine(e));
    assertThat(j)
        .containsEntry("type", "slow")
        .containsEntry("timestamp", "2026-01-02T03:04:05.678Z")
        .containsEntry("operation", "servlet.GET /owners/{id}")
        .containsEntry("duration", 1234.567891)
        .containsEntry("threshold", 1000.0)
        .containsEntry("severity", "very-slow")
        .containsEntry("error", true)
        .containsEntry("thread", "http-nio-8080-exec-1")
        .containsEntry("metadata", md);
    assertThat(List.copyOf(j.keySet())).startsWith("type", "timestamp", "operation");
  }

  @Test
  void budgetAndMemoryLines() {
    BudgetViolation v =
        new BudgetViolation("jdbc.SELECT 1", Duration.ofMillis(50), Duration.ofNanos(80_123_456), 0.95, 80.123456 / 50, Instant.EPOCH);
    Map<String, Object> b = Json.object(EventJson.budgetLine(v));
    assertThat(b)
        .containsEntry("type", "budget-violation")
        .containsEntry("operation", "jdbc.SELECT 1")
        .containsEntry("budget", 50.0)
        .containsEntry("actual", 80.123456)
        .containsEntry("percentile", 0.95)
        .containsEntry("severity", 1.602);

    long mb = 1024 * 1024;
    Map<String, Object> m =
        Json.object(EventJson.memoryLine(new MemoryWarning(Instant.EPOCH, MemoryWarning.Reason.HEAP_USED, 150 * mb, 256 * mb, 100.0 * mb)));
    assertThat(m)
        .containsEntry("type", "memory-warning")
        .containsEntry("reason", "heap-used")
        .containsEntry("heapUsed", 150.0)
        .containsEntry("heapMax", 256.0)
        .containsEntry("limit", 100.0);
    Map<String, Object> r =
        Json.object(EventJson.memoryLine(new MemoryWarning(Instant.EPOCH, MemoryWarning.Reason.HEAP_RATIO, 200 * mb, 256 * mb, 0.75)));
    assertThat(r).containsEntry("reason", "heap-ratio").containsEntry("limit", 0.75).containsEntry("ratio", 0.78125);
  }

  @Test
  void logMessages() {
    SlowOperationEvent e =
        new SlowOperationEvent("op", Duration.ofMillis(1500), Severity.SLOW, Duration.ofSeconds(1), Instant.EPOCH, "main", false, Map.of("sql", "SELECT ?\nFROM t"));
    assertThat(LogHandler.slowMessage(e)).isEqualTo("slow call: op took 1500 ms (slow threshold 1000 ms), thread main, sql=SELECT ? FROM t");
    BudgetViolation v = new BudgetViolation("op", Duration.ofMillis(50), Duration.ofMillis(80), 0.999, 1.6, Instant.EPOCH);
    assertThat(LogHandler.budgetMessage(v, Duration.ofSeconds(60)))
        .isEqualTo("budget exceeded: op p99.9 was 80.00 ms over the last 60000 ms, budget 50.00 ms (1.60x)");
  }

  @Test
  void execCommandSplitting() {
    assertThat(ExecHandler.split(" /bin/sh  -c 'cat >> \"out file\"' x")).containsExactly("/bin/sh", "-c", "cat >> \"out file\"", "x");
    assertThat(ExecHandler.split("a \"\" b")).containsExactly("a", "", "b");
    assertThatThrownBy(() -> ExecHandler.split("a 'b")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void execHandlerPipesTheEventToTheCommand(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("events.jsonl");
    ExecHandler exec = new ExecHandler(List.of("/bin/sh", "-c", "cat >> '" + out + "'"));
    exec.onSlowOperation(
        new SlowOperationEvent("op", Duration.ofMillis(1500), Severity.SLOW, Duration.ofSeconds(1), Instant.EPOCH, "main", false, Map.of()));
    exec.onMemoryWarning(new MemoryWarning(Instant.EPOCH, MemoryWarning.Reason.HEAP_RATIO, 9, 10, 0.8));
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(2);
    assertThat(Json.object((lines.get(0) + "\n").getBytes(StandardCharsets.UTF_8))).containsEntry("type", "slow").containsEntry("operation", "op");
    assertThat(Json.object((lines.get(1) + "\n").getBytes(StandardCharsets.UTF_8))).containsEntry("type", "memory-warning");

    ExecHandler failing = new ExecHandler(List.of("/bin/sh", "-c", "exit 3"));
    assertThatThrownBy(() -> failing.onMemoryWarning(new MemoryWarning(Instant.EPOCH, MemoryWarning.Reason.HEAP_RATIO, 9, 10, 0.8)))
        .hasMessageContaining("exited with status 3");
  }
}
