package dev.perfmon.agent.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.agent.output.Output;
import dev.perfmon.bootstrap.PerfMon;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class MonitorTest {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Output out =
      new Output() {
        @Override
        public void write(byte[] line) {
          lines.add(new String(line, StandardCharsets.UTF_8));
        }

        @Override
        public String describe() {
          return "test";
        }

        @Override
        public void close() {}
      };

  @AfterEach
  void clear() {
    Recorders.clear();
  }

  private Monitor monitor(OperationRegistry registry) {
    return new Monitor(registry, List.of(out), Duration.ofHours(1), List.of(), false, false, LoggerFactory.getLogger("test"));
  }

  @Test
  void aMonitorThatContinuesFromAClosedOneKeepsIntervalFiguresAndUptime() throws Exception {
    OperationRegistry registry = new OperationRegistry(10, n -> {});
    int id = registry.idOf("op");
    Monitor first = monitor(registry);
    for (int i = 0; i < 10; i++) {
      PerfMon.recordNanos(id, 1_000, false);
    }
    assertThat(first.writeSnapshot().operations().get(0).interval().count()).isEqualTo(10);
    first.close(); // the reconfiguration's final snapshot of the old outputs
    Thread.sleep(20);
    for (int i = 0; i < 5; i++) {
      PerfMon.recordNanos(id, 1_000, false);
    }
    Monitor second = monitor(registry);
    second.continueFrom(first);
    Snapshot s = second.snapshot();
    assertThat(s.operations().get(0).cumulative().count()).isEqualTo(15);
    assertThat(s.operations().get(0).interval().count()).as("only the calls since the last snapshot").isEqualTo(5);
    assertThat(s.uptimeMs()).isGreaterThanOrEqualTo(20);
  }

  /** An output that loses every line while {@code failing} is set, and counts them. */
  private static final class LosingOutput implements Output {
    final List<String> written = new CopyOnWriteArrayList<>();
    volatile boolean failing;
    private final AtomicInteger lost = new AtomicInteger();

    @Override
    public void write(byte[] line) {
      if (failing) {
        lost.incrementAndGet();
      } else {
        written.add(new String(line, StandardCharsets.UTF_8));
      }
    }

    @Override
    public long lostLines() {
      return lost.get();
    }

    @Override
    public String describe() {
      return "losing";
    }

    @Override
    public void close() {}
  }

  @Test
  void lostLinesAreReportedInTheNextWrittenSnapshotAndSurviveAReconfiguration() {
    OperationRegistry registry = new OperationRegistry(10, n -> {});
    LosingOutput first = new LosingOutput();
    Monitor m1 = new Monitor(registry, List.of(first), Duration.ofHours(1), List.of(), false, false, LoggerFactory.getLogger("test"));
    m1.writeSnapshot();
    first.failing = true;
    m1.writeLine("{\"type\":\"slow\"}\n".getBytes(StandardCharsets.UTF_8));
    m1.writeSnapshot();
    first.failing = false;
    assertThat(m1.writeSnapshot().agent().lostLines()).isEqualTo(2);
    first.failing = true;
    m1.close(); // the final snapshot is lost too
    assertThat(first.written).hasSize(2);
    assertThat(first.written.get(0)).doesNotContain("lostLines");
    assertThat(first.written.get(1)).contains("\"lostLines\":2}");

    LosingOutput second = new LosingOutput();
    Monitor m2 = new Monitor(registry, List.of(second), Duration.ofHours(1), List.of(), false, false, LoggerFactory.getLogger("test"));
    m2.continueFrom(m1);
    assertThat(m2.writeSnapshot().agent().lostLines()).isEqualTo(3);
    m2.close();
  }

  @Test
  void tasksScheduledBeforeStartRunAfterItAndRepeatingTasksCanBeCancelled() throws Exception {
    Monitor m = monitor(new OperationRegistry(10, n -> {}));
    CountDownLatch once = new CountDownLatch(1);
    AtomicInteger repeats = new AtomicInteger();
    CountDownLatch three = new CountDownLatch(3);
    m.schedule(once::countDown, Duration.ofMillis(1));
    Monitor.Task t =
        m.scheduleAtFixedRate(
            () -> {
              repeats.incrementAndGet();
              three.countDown();
            },
            Duration.ofMillis(10));
    Thread.sleep(50);
    assertThat(once.getCount()).as("held until start").isEqualTo(1);
    assertThat(repeats.get()).isZero();
    m.start();
    assertThat(once.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(three.await(5, TimeUnit.SECONDS)).isTrue();
    t.cancel();
    Thread.sleep(30); // a run in progress may still finish
    int after = repeats.get();
    Thread.sleep(100);
    assertThat(repeats.get()).isEqualTo(after);
    m.close();
  }

  @Test
  void contributorsAddFieldsAndAreToldBeforeTheFinalSnapshot() {
    OperationRegistry registry = new OperationRegistry(10, n -> {});
    Monitor m = monitor(registry);
    List<String> calls = new CopyOnWriteArrayList<>();
    m.addContributor(
        new Monitor.SnapshotContributor() {
          @Override
          public SnapshotJson.Body contribute(Snapshot s) {
            calls.add("contribute");
            return g -> g.writeNumberField("extra", s.operations().size());
          }

          @Override
          public void beforeFinalSnapshot() {
            calls.add("before-final");
          }
        });
    PerfMon.recordNanos(registry.idOf("op"), 1000, false);
    m.writeSnapshot();
    assertThat(lines.get(0)).contains("\"agent\":{").endsWith(",\"extra\":1}\n");
    m.close();
    assertThat(calls).containsExactly("contribute", "before-final", "contribute");
    assertThat(lines).hasSize(2);
  }

  @Test
  void resetEachIntervalMakesTheTopLevelFiguresTheIntervalOnes() {
    OperationRegistry registry = new OperationRegistry(10, n -> {});
    Monitor m = monitor(registry);
    m.setResetEachInterval(true);
    int a = registry.idOf("a");
    int b = registry.idOf("b");
    PerfMon.recordNanos(a, 1000, false);
    PerfMon.recordNanos(a, 1000, true);
    PerfMon.recordNanos(b, 1000, false);
    Snapshot first = m.snapshot();
    assertThat(first.operations()).hasSize(2);
    PerfMon.recordNanos(a, 3000, false);
    Snapshot second = m.snapshot();
    assertThat(second.operations()).hasSize(1);
    Snapshot.Operation op = second.operations().get(0);
    assertThat(op.name()).isEqualTo("a");
    assertThat(op.cumulative().count()).isEqualTo(1);
    assertThat(op.cumulative().errors()).isZero();
    assertThat(op.cumulative().sumNanos()).isEqualTo(3000);
    assertThat(op.cumulative()).isSameAs(op.interval());
  }
}
