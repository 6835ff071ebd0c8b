package dev.perfmon.agent.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import dev.perfmon.agent.output.TestOutputs;

import dev.perfmon.agent.output.Output;
import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.PerfMon;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class MonitorTest {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Output out =
      TestOutputs.collecting(lines);

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

  /**
   * The counters the sources keep per operation: in the order first given, a key given twice
   * summed, their interval figures the change since the previous snapshot (a key new in this one
   * counted from 0), written to the line in that order.
   */
  @Test
  void countersAreSummedPerKeyInTheirOrderAndTheirIntervalIsTheChange() {
    OperationRegistry registry = new OperationRegistry(10, n -> {});
    int a = registry.idOf("a");
    int b = registry.idOf("b");
    long[] status = {0};
    Monitor.CounterSource first =
        (id, sink) -> {
          if (id == a) {
            sink.accept("status2xx", status[0]);
            if (status[0] > 10) {
              sink.accept("status5xx", 2);
            }
          }
        };
    Monitor.CounterSource second = (id, sink) -> sink.accept(id == a ? "status2xx" : "other", 1);
    Monitor m =
        new Monitor(registry, List.of(out), Duration.ofHours(1), List.of(first, second), false, false, LoggerFactory.getLogger("test"));
    PerfMon.recordNanos(a, 1_000, false);
    PerfMon.recordNanos(b, 1_000, false);
    status[0] = 5;
    Snapshot s1 = m.writeSnapshot();
    assertThat(s1.operations().get(0).extra()).containsExactly(Map.entry("status2xx", 6L));
    assertThat(s1.operations().get(0).intervalExtra()).containsExactly(Map.entry("status2xx", 6L));
    assertThat(s1.operations().get(1).extra()).containsExactly(Map.entry("other", 1L));
    assertThat(lines.get(lines.size() - 1)).contains("\"status2xx\":6,\"interval\":{").contains("\"other\":1");
    status[0] = 40;
    Snapshot s2 = m.snapshot();
    Snapshot.Operation op = s2.operations().get(0);
    assertThat(op.extra()).containsExactly(Map.entry("status2xx", 41L), Map.entry("status5xx", 2L));
    assertThat(op.intervalExtra()).containsExactly(Map.entry("status2xx", 35L), Map.entry("status5xx", 2L));
    assertThat(op.extra().get("status5xx")).isEqualTo(2L);
    assertThat(op.extra().get("none")).isNull();
    assertThat(s2.operations().get(1).intervalExtra()).containsExactly(Map.entry("other", 0L));
    m.close();
  }

  /**
   * A snapshot reads its operations in batches (state touched, totals read, changed pages touched,
   * then each read finished): with more operations than a batch, some idle, every operation's
   * figures are still its own, as a fresh reader of its recorder computes them.
   */
  @Test
  void operationsReadInBatchesHaveTheirOwnFigures() {
    OperationRegistry registry = new OperationRegistry(200, n -> {});
    Monitor m = monitor(registry);
    int n = 150;
    int[] ids = new int[n];
    for (int i = 0; i < n; i++) {
      ids[i] = registry.idOf("op" + i);
    }
    SplittableRandom random = new SplittableRandom(9);
    long[] calls = new long[n];
    for (int round = 0; round < 4; round++) {
      long[] interval = new long[n];
      for (int i = 0; i < n; i++) {
        if ((i + round) % 3 == 0) {
          continue; // idle in this interval
        }
        int k = 1 + random.nextInt(5);
        for (int c = 0; c < k; c++) {
          PerfMon.recordNanos(ids[i], (long) Math.exp(8 + i % 7 + random.nextDouble() * 3), false);
        }
        interval[i] = k;
        calls[i] += k;
      }
      Snapshot s = m.writeSnapshot();
      Map<String, Snapshot.Operation> byName = new java.util.HashMap<>();
      for (Snapshot.Operation op : s.operations()) {
        byName.put(op.name(), op);
      }
      for (int i = 0; i < n; i++) {
        Snapshot.Operation op = byName.get("op" + i);
        if (calls[i] == 0) {
          assertThat(op).isNull();
          continue;
        }
        assertThat(op.interval().count()).as("op%d round %d", i, round).isEqualTo(interval[i]);
        assertThat(op.cumulative().count()).isEqualTo(calls[i]);
        Distribution fresh = new StatsReader(registry.find("op" + i)).read().cumulative();
        assertThat(op.cumulative().percentiles()).as("op%d round %d", i, round).containsExactly(fresh.percentiles());
      }
    }
    m.close();
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

  private static final long MS = 1_000_000L;

  @Test
  void aScheduledSnapshotThatStartsLateSaysByHowMuchAndHowManyIntervalsItSkipped() throws Exception {
    OperationRegistry registry = new OperationRegistry(10, n -> {});
    int id = registry.idOf("op");
    AtomicLong clock = new AtomicLong(5_000 * MS);
    Monitor m =
        new Monitor(registry, List.of(out), Duration.ofSeconds(1), List.of(), false, false,
            LoggerFactory.getLogger("test"), clock::get);
    assertThat(m.lateThresholdNanos()).isEqualTo(500 * MS);

    // Due at 6,000 ms; started 400 ms after it: within the threshold, not late.
    clock.set(6_400 * MS);
    PerfMon.recordNanos(id, 1_000, false);
    m.runScheduled();
    Map<String, String> first = SnapshotJsonTest.flatten(lines.get(0));
    assertThat(first).doesNotContainKeys("agent.late.byMs", "agent.late.skippedIntervals");
    assertThat(first).containsEntry("intervalMs", "1400");

    // Next due at 7,000 ms (not 7,400: due times stay on the grid); started at 7,750: late.
    clock.set(7_750 * MS);
    m.runScheduled();
    Map<String, String> second = SnapshotJsonTest.flatten(lines.get(1));
    assertThat(second)
        .containsEntry("agent.late.byMs", "750")
        .containsEntry("agent.late.skippedIntervals", "0")
        .containsEntry("intervalMs", "1350");

    // Next due at 8,000 ms; the thread starved until 11,250: the snapshots due at 9,000, 10,000
    // and 11,000 were never started, this one covers their intervals and says so.
    for (int i = 0; i < 7; i++) {
      PerfMon.recordNanos(id, 2_000, i == 0);
    }
    clock.set(11_250 * MS);
    m.runScheduled();
    Map<String, String> third = SnapshotJsonTest.flatten(lines.get(2));
    assertThat(third)
        .containsEntry("agent.late.byMs", "3250")
        .containsEntry("agent.late.skippedIntervals", "3")
        .containsEntry("intervalMs", "3500")
        .containsEntry("operations.op.interval.count", "7")
        .containsEntry("operations.op.interval.errorCount", "1")
        .containsEntry("operations.op.count", "8");

    // Back on the grid: due at 12,000 ms, started 100 ms after it.
    clock.set(12_100 * MS);
    m.runScheduled();
    Map<String, String> fourth = SnapshotJsonTest.flatten(lines.get(3));
    assertThat(fourth).doesNotContainKeys("agent.late.byMs").containsEntry("intervalMs", "850");

    // Snapshots not run by the schedule (the final one, reconfiguration) are never late.
    clock.set(20_000 * MS);
    m.close();
    assertThat(SnapshotJsonTest.flatten(lines.get(4))).doesNotContainKeys("agent.late.byMs");
  }

  @Test
  void aShortIntervalIsLateAfterHalfOfIt() {
    AtomicLong clock = new AtomicLong();
    Monitor m =
        new Monitor(new OperationRegistry(10, n -> {}), List.of(out), Duration.ofMillis(100), List.of(),
            false, false, LoggerFactory.getLogger("test"), clock::get);
    assertThat(m.lateThresholdNanos()).isEqualTo(50 * MS);
    clock.set(151 * MS); // due at 100 ms
    m.runScheduled();
    assertThat(lines.get(0)).contains("\"late\":{\"byMs\":51,\"skippedIntervals\":0}");
    clock.set(349 * MS); // due at 200 ms: 149 ms late, one interval (300 ms) skipped
    m.runScheduled();
    assertThat(lines.get(1)).contains("\"late\":{\"byMs\":149,\"skippedIntervals\":1}");
  }

  @Test
  void aSnapshotOfTenThousandOperationsHasExactCountsAndIntervals() throws Exception {
    int n = 10_000;
    OperationRegistry registry = new OperationRegistry(n + 1, x -> {});
    int[] ids = new int[n];
    SplittableRandom random = new SplittableRandom(11);
    long[] calls = new long[n];
    long[] errors = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] = registry.idOf("com.example.Service" + (i / 20) + "#method" + i);
    }
    Monitor m =
        new Monitor(registry, List.of(out), Duration.ofHours(1), List.of(), true, false,
            LoggerFactory.getLogger("test"));
    for (int round = 0; round < 2; round++) {
      long[] intervalCalls = new long[n];
      long[] intervalErrors = new long[n];
      for (int i = 0; i < n; i++) {
        // Round 0: every operation; round 1: every third one (the others have an empty interval).
        int k = round == 0 || i % 3 == 0 ? 1 + (i % 7) : 0;
        for (int c = 0; c < k; c++) {
          boolean error = (i + c) % 5 == 0;
          // Durations from 30 ns to about 10 s: every page of the histogram layout is used by some.
          PerfMon.recordNanos(ids[i], (long) Math.exp(3.4 + random.nextDouble() * 19.6), error);
          intervalCalls[i]++;
          intervalErrors[i] += error ? 1 : 0;
        }
        calls[i] += intervalCalls[i];
        errors[i] += intervalErrors[i];
      }
      m.writeSnapshot();
      Map<String, String> f = SnapshotJsonTest.flatten(lines.get(round));
      // Compared as whole maps (one assertion instead of 40,000: a failure lists every mismatch).
      Map<String, String> expected = new java.util.HashMap<>();
      Map<String, String> actual = new java.util.HashMap<>();
      List<String> percentileProblems = new java.util.ArrayList<>();
      long sum = 0;
      for (int i = 0; i < n; i++) {
        String op = "operations.com.example.Service" + (i / 20) + "#method" + i + ".";
        expected.put(op + "count", Long.toString(calls[i]));
        expected.put(op + "errorCount", Long.toString(errors[i]));
        expected.put(op + "interval.count", Long.toString(intervalCalls[i]));
        expected.put(op + "interval.errorCount", Long.toString(intervalErrors[i]));
        for (String k : new String[] {"count", "errorCount", "interval.count", "interval.errorCount"}) {
          actual.put(op + k, f.get(op + k));
        }
        double min = Double.parseDouble(f.get(op + "minDuration"));
        double max = Double.parseDouble(f.get(op + "maxDuration"));
        double p50 = Double.parseDouble(f.get(op + "p50"));
        double p999 = Double.parseDouble(f.get(op + "p999"));
        if (p50 < min || p50 > p999 || p999 > max || p999 < max * (1 - Buckets.RELATIVE_ERROR) - 1e-6) {
          percentileProblems.add(op + " min " + min + " p50 " + p50 + " p999 " + p999 + " max " + max);
        }
        sum += intervalCalls[i];
      }
      assertThat(actual).isEqualTo(expected);
      assertThat(percentileProblems).isEmpty();
      assertThat(f).containsEntry("agent.operations", Integer.toString(n + 1)); // and the overflow one
      assertThat(f).containsEntry("agent.callsRecorded", Long.toString(sum));
    }
  }
}
