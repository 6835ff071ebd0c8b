package dev.perfmon.agent.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.agent.monitor.Distribution;
import dev.perfmon.agent.monitor.Snapshot;
import dev.perfmon.api.BudgetViolation;
import dev.perfmon.api.MemoryWarning;
import dev.perfmon.bootstrap.Buckets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class BudgetAndMemoryTest {
  private static final long MS = 1_000_000L;

  /** 100 calls: {@code slowCalls} of them take {@code slowMs}, the rest 1 ms. */
  private static Distribution calls(int slowCalls, long slowMs, double... extra) {
    long[] counts = new long[Buckets.BUCKETS];
    long sum = 0;
    for (int i = 0; i < 100; i++) {
      long v = i < 100 - slowCalls ? MS : slowMs * MS;
      counts[Buckets.index(v)]++;
      sum += v;
    }
    return Distribution.of(counts, 0, sum, MS, slowCalls > 0 ? slowMs * MS : MS, extra);
  }

  private static Snapshot snapshot(Snapshot.Operation... ops) {
    return new Snapshot(
        Instant.parse("2026-01-01T00:00:00Z"), 1, 1000, 1000, false, List.of(ops), null,
        new Snapshot.Self(ops.length, 2000, false, 0, 0, 0, 0, -1, -1, -1, 0, 0, 0, java.util.Map.of(), -1, 0, 0));
  }

  private static Snapshot.Operation op(String name, Distribution interval) {
    return new Snapshot.Operation(name, interval, interval, Map.of(), Map.of(), Map.of());
  }

  @Test
  void p95AboveTheBudgetIsAViolationWithSeverityActualOverBudget() {
    Map<String, Duration> budgets = new TreeMap<>();
    budgets.put("servlet.GET /owners/*", Duration.ofMillis(50));
    budgets.put("jdbc.*", Duration.ofMillis(500));
    BudgetCheck check = new BudgetCheck(budgets, 0.95);
    Snapshot s =
        snapshot(
            op("servlet.GET /owners/{id}", calls(10, 80)), // p95 = 80ms > 50ms
            op("servlet.GET /vets", calls(10, 80)), // no budget
            op("jdbc.SELECT 1", calls(10, 80)), // 80 < 500
            op("servlet.GET /owners/new", calls(4, 80))); // p95 = 1ms
    List<BudgetViolation> v = check.check(s);
    assertThat(v).hasSize(1);
    BudgetViolation owners = v.get(0);
    assertThat(owners.operation()).isEqualTo("servlet.GET /owners/{id}");
    assertThat(owners.budget()).isEqualTo(Duration.ofMillis(50));
    assertThat(owners.actual().toNanos()).isCloseTo(80 * MS, org.assertj.core.data.Percentage.withPercentage(Buckets.RELATIVE_ERROR * 100));
    assertThat(owners.severity()).isCloseTo(1.6, org.assertj.core.data.Offset.offset(0.02));
    assertThat(owners.percentile()).isEqualTo(0.95);
    assertThat(owners.timestamp()).isEqualTo(s.timestamp());
  }

  /**
   * The budget is resolved once per operation and position; an operation at a position that held
   * another one in the previous snapshot is resolved again (no stale budget by position).
   */
  @Test
  void budgetsFollowTheOperationWhenPositionsChange() {
    BudgetCheck check = new BudgetCheck(Map.of("a", Duration.ofMillis(50), "b", Duration.ofMillis(500)), 0.95);
    assertThat(check.check(snapshot(op("a", calls(10, 80)), op("b", calls(10, 80))))).extracting(BudgetViolation::operation).containsExactly("a");
    assertThat(check.check(snapshot(op("a", calls(10, 80)), op("b", calls(10, 80))))).extracting(BudgetViolation::operation).containsExactly("a");
    assertThat(check.check(snapshot(op("b", calls(10, 80)), op("a", calls(10, 80)), op("c", calls(10, 80)))))
        .extracting(BudgetViolation::operation)
        .containsExactly("a");
    assertThat(check.check(snapshot(op("c", calls(10, 80)))) ).isEmpty();
  }

  @Test
  void anotherPercentileUsesTheRequestedExtraValue() {
    BudgetCheck p97 = new BudgetCheck(Map.of("op", Duration.ofMillis(50)), 0.97);
    // 4 slow calls of 100: p95 is 1ms, p97 is 80ms.
    assertThat(p97.check(snapshot(op("op", calls(4, 80, 0.97))))).hasSize(1);
    BudgetCheck p95 = new BudgetCheck(Map.of("op", Duration.ofMillis(50)), 0.95);
    assertThat(p95.check(snapshot(op("op", calls(4, 80, 0.97))))).isEmpty();
  }

  @Test
  void operationsWithoutCallsInTheIntervalAndZeroBudgetsAreNotChecked() {
    BudgetCheck check = new BudgetCheck(Map.of("*", Duration.ZERO, "op", Duration.ofMillis(1)), 0.95);
    Distribution empty = Distribution.of(new long[Buckets.BUCKETS], 0, 0, Long.MAX_VALUE, Long.MIN_VALUE);
    assertThat(check.check(snapshot(op("op", empty), op("other", calls(50, 80))))).isEmpty();
  }

  @Test
  void heapWarningsHaveHysteresis() {
    long mb = 1024 * 1024;
    MemoryWatch w = new MemoryWatch(100 * mb, 0);
    List<MemoryWarning> all = new ArrayList<>();
    long[] readings = {50, 99, 100, 150, 95, 91, 120, 89, 99, 101, 40};
    List<Integer> warnedAt = new ArrayList<>();
    for (int i = 0; i < readings.length; i++) {
      List<MemoryWarning> ws = w.check(readings[i] * mb, 256 * mb, Instant.EPOCH);
      if (!ws.isEmpty()) {
        warnedAt.add(i);
      }
      all.addAll(ws);
    }
    // warns at 100; stays quiet while above 90% of the limit (95, 91, 120); re-arms at 89; warns at 101.
    assertThat(warnedAt).containsExactly(2, 9);
    assertThat(all.get(0).reason()).isEqualTo(MemoryWarning.Reason.HEAP_USED);
    assertThat(all.get(0).heapUsedBytes()).isEqualTo(100 * mb);
    assertThat(all.get(0).limit()).isEqualTo(100.0 * mb);
  }

  @Test
  void heapRatioWarnsOncePerCrossingAndNeedsAMaximum() {
    MemoryWatch w = new MemoryWatch(0, 0.8);
    assertThat(w.check(900, -1, Instant.EPOCH)).as("no maximum: no ratio").isEmpty();
    assertThat(w.check(800, 1000, Instant.EPOCH)).hasSize(1);
    assertThat(w.check(990, 1000, Instant.EPOCH)).isEmpty();
    assertThat(w.check(730, 1000, Instant.EPOCH)).as("0.73 > 0.72: not re-armed").isEmpty();
    assertThat(w.check(950, 1000, Instant.EPOCH)).isEmpty();
    assertThat(w.check(700, 1000, Instant.EPOCH)).isEmpty();
    List<MemoryWarning> again = w.check(850, 1000, Instant.EPOCH);
    assertThat(again).hasSize(1);
    assertThat(again.get(0).reason()).isEqualTo(MemoryWarning.Reason.HEAP_RATIO);
    assertThat(new MemoryWatch(0, 0).active()).isFalse();
  }
}
