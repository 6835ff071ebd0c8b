package dev.perfmon.agent.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import dev.perfmon.agent.output.TestOutputs;

import dev.perfmon.agent.output.Output;
import dev.perfmon.bootstrap.PerfMon;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LiveStatsTest {
  private static final Output NONE =
      TestOutputs.NONE;

  private final OperationRegistry registry = new OperationRegistry(100, n -> {});
  private final Monitor monitor =
      new Monitor(registry, List.of(NONE), Duration.ofHours(1), List.of(), false, false, LoggerFactory.getLogger("test"));
  private final LiveStats live = new LiveStats(() -> monitor, false);

  @AfterEach
  void clear() {
    Recorders.clear();
  }

  @Test
  void readingsDoNotDisturbTheSnapshotsIntervalFigures() {
    int id = registry.idOf("api.orders");
    for (int i = 0; i < 10; i++) {
      PerfMon.recordNanos(id, 1_000_000, i == 0);
    }
    assertThat(monitor.writeSnapshot().operations().get(0).interval().count()).isEqualTo(10);
    for (int i = 0; i < 7; i++) {
      PerfMon.recordNanos(id, 3_000_000, false);
      Snapshot.Operation op = live.read(LiveStats.all()).snapshot().operations().get(0);
      assertThat(op.cumulative().count()).isEqualTo(11 + i);
      assertThat(op.interval().count()).isEqualTo(1 + i);
      assertThat(op.interval().errors()).isZero();
      assertThat(op.cumulative().errors()).isEqualTo(1);
    }
    Snapshot.Operation next = monitor.writeSnapshot().operations().get(0);
    assertThat(next.interval().count()).as("the snapshot still covers every call since the previous one").isEqualTo(7);
    assertThat(next.interval().percentile(0.5)).isBetween(2.97e6, 3.03e6);
    assertThat(next.cumulative().count()).isEqualTo(17);
  }

  @Test
  void aNewOperationIsReadFromTheStartWithoutBeingKept() {
    int id = registry.idOf("jdbc.select");
    PerfMon.recordNanos(id, 5_000, false);
    assertThat(live.read(LiveStats.all()).snapshot().operations().get(0).interval().count()).isEqualTo(1);
    assertThat(monitor.writeSnapshot().operations().get(0).interval().count()).isEqualTo(1);
  }

  @Test
  void scopeMatchesTheNameAndItsDottedChildrenOnly() {
    for (String n : List.of("api", "api.orders", "api.users.find", "apix", "jdbc.api", "other.api")) {
      PerfMon.recordNanos(registry.idOf(n), 1_000, false);
    }
    assertThat(live.read(LiveStats.scope("api")).snapshot().operations())
        .extracting(Snapshot.Operation::name)
        .containsExactly("api", "api.orders", "api.users.find");
    assertThat(live.read(LiveStats.scope("nothing")).snapshot().operations()).isEmpty();
    assertThat(live.read(LiveStats.operation("apix")).snapshot().operations())
        .extracting(Snapshot.Operation::name)
        .containsExactly("apix");
    assertThat(live.read(LiveStats.all()).snapshot().agent().operations()).isGreaterThanOrEqualTo(6);
  }

  @Test
  void histogramCountsAreCumulativeAndMatchAPlainCount() {
    int id = registry.idOf("op");
    long[] bounds = {1_000_000, 5_000_000, 25_000_000};
    long[] expected = new long[4];
    SplittableRandom r = new SplittableRandom(7);
    long sum = 0;
    for (int i = 0; i < 5_000; i++) {
      // away from the bounds by more than the recorder's bucket error
      long v = r.nextBoolean() ? r.nextLong(10_000, 900_000) : r.nextLong(1_100_000, 4_900_000);
      if (i % 10 == 0) {
        v = r.nextLong(5_100_000, 24_000_000);
      }
      if (i % 100 == 0) {
        v = 40_000_000;
      }
      PerfMon.recordNanos(id, v, false);
      sum += v;
      for (int b = 0; b < bounds.length; b++) {
        if (v <= bounds[b]) {
          expected[b]++;
        }
      }
      expected[3]++;
    }
    LiveStats.Reading reading = live.read(LiveStats.all(), bounds);
    assertThat(reading.histograms().get("op")).containsExactly(expected);
    assertThat(reading.snapshot().operations().get(0).cumulative().sumNanos()).isEqualTo(sum);
    // and again: the buffers were left clean
    assertThat(live.read(LiveStats.all(), bounds).histograms().get("op")).containsExactly(expected);
    assertThat(monitor.writeSnapshot().operations().get(0).interval().count()).isEqualTo(5_000);
  }
}
