package dev.perfmon.agent.events;

import dev.perfmon.agent.CapturingLogger;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.agent.output.Output;
import dev.perfmon.bootstrap.CallDetails;
import dev.perfmon.bootstrap.PerfMon;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.bootstrap.SlowCalls;
import dev.perfmon.config.AgentConfig;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ReactionsTest {
  private static final long MS = 1_000_000L;

  /** Keeps the lines written, parsed. */
  static final class Lines implements Output {
    final List<Map<String, Object>> lines = new CopyOnWriteArrayList<>();

    @Override
    public void write(byte[] line) {
      lines.add(Json.object(line));
    }

    @Override
    public String describe() {
      return "memory";
    }

    @Override
    public void close() {}

    List<Map<String, Object>> ofType(String type) {
      List<Map<String, Object>> out = new ArrayList<>();
      for (Map<String, Object> l : lines) {
        if (type.equals(l.get("type"))) {
          out.add(l);
        }
      }
      return out;
    }
  }

  private Reactions reactions;
  private Monitor monitor;

  @AfterEach
  void stop() {
    if (monitor != null) {
      monitor.close();
    }
    if (reactions != null) {
      reactions.close();
    }
    Recorders.clear();
  }

  private Lines start(String properties, OperationRegistry registry, CapturingLogger log) throws Exception {
    AgentConfig config = ThresholdsTest.config(properties);
    Lines out = new Lines();
    monitor = new Monitor(registry, List.of(out), Duration.ofHours(1), List.of(), false, false, log);
    reactions = Reactions.start(config, registry, monitor, log);
    monitor.start();
    return out;
  }

  @Test
  void slowCallsAreWrittenAtOnceLoggedAndListedInTheNextSnapshot() throws Exception {
    CapturingLogger log = new CapturingLogger();
    OperationRegistry registry = new OperationRegistry(100, n -> {});
    int before = registry.idOf("servlet.GET /owners/{id}"); // registered before start
    Lines out =
        start(
            """
            slow.threshold=10ms
            very-slow.threshold=50ms
            slow.threshold.fast.*=0
            very-slow.threshold.fast.*=0
            """,
            registry,
            log);
    registry.describe(before, "route", "/owners/{id}");
    int fast = registry.idOf("fast.op");
    assertThat(Recorders.get(before).slowThresholdNanos()).isEqualTo(10 * MS);
    assertThat(Recorders.get(fast).slowThresholdNanos()).as("both levels off").isEqualTo(Long.MAX_VALUE);

    CallDetails.put(before, new String[] {"path", "/owners/12", "status", "200"});
    PerfMon.recordNanos(before, 20 * MS, false);
    CallDetails.clear();
    PerfMon.recordNanos(before, 60 * MS, true);
    PerfMon.recordNanos(before, 9 * MS, false); // fast
    PerfMon.recordNanos(fast, 10_000 * MS, false); // thresholds off

    await(() -> out.ofType("slow").size() == 2);
    List<Map<String, Object>> slow = out.ofType("slow");
    assertThat(slow.get(0))
        .containsEntry("operation", "servlet.GET /owners/{id}")
        .containsEntry("duration", 20.0)
        .containsEntry("severity", "slow")
        .containsEntry("threshold", 10.0)
        .containsEntry("thread", Thread.currentThread().getName())
        .containsEntry("metadata", Map.of("route", "/owners/{id}", "path", "/owners/12", "status", "200"));
    assertThat(slow.get(1))
        .containsEntry("severity", "very-slow")
        .containsEntry("threshold", 50.0)
        .containsEntry("error", true)
        .containsEntry("metadata", Map.of("route", "/owners/{id}"));
    assertThat(out.ofType("snapshot")).as("written at once, not with a snapshot").isEmpty();

    await(() -> log.at("ERROR").size() == 1);
    assertThat(log.at("WARN")).anyMatch(l -> l.startsWith("slow call: servlet.GET /owners/{id} took 20.00 ms (slow threshold 10.00 ms), thread "));
    assertThat(log.at("ERROR").get(0)).startsWith("very slow call: servlet.GET /owners/{id} took 60.00 ms (very-slow threshold 50.00 ms), failed, thread ");

    monitor.writeSnapshot();
    Map<String, Object> snap = out.ofType("snapshot").get(0);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> listed = (List<Map<String, Object>>) snap.get("slowOperations");
    assertThat(listed).extracting(m -> m.get("severity")).containsExactly("slow", "very-slow");
    assertThat(snap).containsEntry("droppedEvents", 0.0).containsEntry("budgetViolations", List.of());

    monitor.writeSnapshot();
    assertThat(out.ofType("snapshot").get(1)).as("listed once").containsEntry("slowOperations", List.of());
  }

  @Test
  void budgetsAreCheckedAtEverySnapshotAndResetIntervalRestartsTheFigures() throws Exception {
    CapturingLogger log = new CapturingLogger();
    OperationRegistry registry = new OperationRegistry(100, n -> {});
    Lines out =
        start("budget.api\\ GET\\ /owners/*=5ms\nbudget.percentile=0.97\nreset=interval\nhandlers=\n", registry, log);
    int owners = registry.idOf("api GET /owners/{id}");
    int other = registry.idOf("api GET /vets");
    for (int i = 0; i < 100; i++) {
      PerfMon.recordNanos(owners, (i < 95 ? 1 : 8) * MS, false); // p95 = 1ms, p97 = 8ms
      PerfMon.recordNanos(other, 8 * MS, false);
    }
    monitor.writeSnapshot();
    Map<String, Object> first = out.ofType("snapshot").get(0);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> v = (List<Map<String, Object>>) first.get("budgetViolations");
    assertThat(v).hasSize(1);
    assertThat(v.get(0)).containsEntry("operation", "api GET /owners/{id}").containsEntry("budget", 5.0).containsEntry("percentile", 0.97);
    assertThat((Double) v.get(0).get("actual")).isBetween(8 * (1 - 0.0079), 8 * (1 + 0.0079));
    assertThat((Double) v.get(0).get("severity")).isBetween(1.58, 1.62);
    assertThat(log.lines()).as("handlers= turns the log handler off").noneMatch(l -> l.contains("budget exceeded"));

    PerfMon.recordNanos(owners, MS, false);
    monitor.writeSnapshot();
    Map<String, Object> second = out.ofType("snapshot").get(1);
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> ops = (Map<String, Map<String, Object>>) second.get("operations");
    assertThat(ops).as("reset=interval lists only operations called in the interval").containsOnlyKeys("api GET /owners/{id}");
    assertThat(ops.get("api GET /owners/{id}")).containsEntry("count", 1.0);
    @SuppressWarnings("unchecked")
    Map<String, Object> interval = (Map<String, Object>) ops.get("api GET /owners/{id}").get("interval");
    assertThat(interval).containsEntry("count", 1.0);
    assertThat(second).containsEntry("budgetViolations", List.of());
  }

  @Test
  void budgetViolationsAreLoggedAndCloseUndoesEverything() throws Exception {
    CapturingLogger log = new CapturingLogger();
    OperationRegistry registry = new OperationRegistry(100, n -> {});
    start("budget.op=1ms\nslow.threshold=5ms\n", registry, log);
    int op = registry.idOf("op");
    PerfMon.recordNanos(op, 2 * MS, false);
    monitor.writeSnapshot();
    await(() -> log.at("WARN").stream().anyMatch(l -> l.startsWith("budget exceeded: op p95 was 2.00 ms over the last ")));
    assertThat(SlowCalls.active()).isTrue();

    reactions.close();
    assertThat(SlowCalls.active()).isFalse();
    assertThat(Recorders.get(op).slowThresholdNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(Recorders.get(registry.idOf("new.op")).slowThresholdNanos())
        .as("no longer configured after close")
        .isEqualTo(Long.MAX_VALUE);
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("perfmon-events") && t.isAlive());
  }

  @Test
  void eventsBeyondTheQueueAreDroppedAndCountedWithoutBlocking() throws Exception {
    CapturingLogger log = new CapturingLogger();
    OperationRegistry registry = new OperationRegistry(100, n -> {});
    Lines out = start("slow.threshold=1ms\nhandlers=\n", registry, log);
    int op = registry.idOf("op");
    int n = EventQueue.CAPACITY * 4;
    for (int i = 0; i < n; i++) {
      PerfMon.recordNanos(op, 2 * MS, false);
    }
    await(() -> out.ofType("slow").size() + reactions.droppedEvents() == n);
    monitor.writeSnapshot();
    Map<String, Object> snap = out.ofType("snapshot").get(0);
    assertThat((Double) snap.get("droppedEvents")).isEqualTo((double) reactions.droppedEvents());
    @SuppressWarnings("unchecked")
    List<Object> listed = (List<Object>) snap.get("slowOperations");
    assertThat(listed).hasSize(RecentSlowCalls.MAX);
    assertThat(((Double) snap.get("slowOperationsOmitted")).longValue())
        .isEqualTo(out.ofType("slow").size() - RecentSlowCalls.MAX);
  }

  static void await(BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 10s");
      }
      Thread.sleep(10);
    }
  }
}
