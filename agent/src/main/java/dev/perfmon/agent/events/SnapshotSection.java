package dev.perfmon.agent.events;

import dev.perfmon.agent.monitor.Distribution;
import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.agent.monitor.Snapshot;
import dev.perfmon.agent.monitor.SnapshotJson;
import dev.perfmon.api.BudgetViolation;
import dev.perfmon.api.SlowOperationEvent;
import dev.perfmon.api.SnapshotView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reactions' part of each snapshot, on the snapshot thread: checks the latency budgets against
 * it (each violation also becomes an event), adds {@code slowOperations}, {@code budgetViolations}
 * and {@code droppedEvents}, and after the snapshot is written hands a {@link SnapshotView} to the
 * snapshot handlers.
 */
final class SnapshotSection implements Monitor.SnapshotContributor {
  private final BudgetCheck budgets;
  private final RecentSlowCalls recent;
  private final EventQueue events;
  private final Handlers handlers;
  // What the last snapshot listed, for the view handed out after it (snapshot thread only).
  private List<SlowOperationEvent> lastSlow = List.of();
  private List<BudgetViolation> lastViolations = List.of();

  SnapshotSection(BudgetCheck budgets, RecentSlowCalls recent, EventQueue events, Handlers handlers) {
    this.budgets = budgets;
    this.recent = recent;
    this.events = events;
    this.handlers = handlers;
  }

  @Override
  public SnapshotJson.Body contribute(Snapshot s) {
    RecentSlowCalls.Taken slow = recent.take();
    List<BudgetViolation> violations = budgets.check(s);
    Duration interval = Duration.ofMillis(s.intervalMs());
    for (BudgetViolation v : violations) {
      events.offer(new ReactionEvent.BudgetExceeded(v, interval));
    }
    lastSlow = slow.events();
    lastViolations = violations;
    long droppedNow = events.dropped();
    return new SnapshotJson.Body() { // not a lambda: see AgentRuntime
      @Override
      public void write(com.fasterxml.jackson.core.JsonGenerator g) throws java.io.IOException {
        g.writeArrayFieldStart("slowOperations");
        for (SlowOperationEvent e : slow.events()) {
          g.writeStartObject();
          EventJson.slowFields(g, e);
          g.writeEndObject();
        }
        g.writeEndArray();
        if (slow.omitted() > 0) {
          g.writeNumberField("slowOperationsOmitted", slow.omitted());
        }
        g.writeArrayFieldStart("budgetViolations");
        for (BudgetViolation v : violations) {
          g.writeStartObject();
          EventJson.budgetFields(g, v);
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("droppedEvents", droppedNow);
      }
    };
  }

  /** Writes what is still queued (slow calls just before the exit) before the final snapshot. */
  @Override
  public void beforeFinalSnapshot() {
    events.flush();
  }

  /** Tick listener: the snapshot just written, to the snapshot handlers. */
  void afterSnapshot(Snapshot s) {
    if (handlers.hasSnapshotHandlers()) {
      events.offer(new ReactionEvent.SnapshotTaken(view(s, lastSlow, lastViolations, events.dropped())));
    }
  }

  private static SnapshotView view(
      Snapshot s, List<SlowOperationEvent> slow, List<BudgetViolation> violations, long dropped) {
    List<SnapshotView.OperationStats> ops = new ArrayList<>(s.operations().size());
    for (Snapshot.Operation op : s.operations()) {
      ops.add(new SnapshotView.OperationStats(op.name(), figures(op.cumulative()), figures(op.interval()), op.metadata()));
    }
    long used = s.memory() == null ? -1 : s.memory().heapUsedBytes();
    long max = s.memory() == null || s.memory().heapMaxMb() < 0 ? -1 : Math.round(s.memory().heapMaxMb() * 1024 * 1024);
    return new SnapshotView(
        s.timestamp(),
        s.pid(),
        Duration.ofMillis(s.uptimeMs()),
        Duration.ofMillis(s.intervalMs()),
        ops,
        used,
        max,
        slow,
        violations,
        dropped);
  }

  private static SnapshotView.Figures figures(Distribution d) {
    Map<String, Duration> p = new LinkedHashMap<>();
    for (int i = 0; i < Distribution.PERCENTILE_NAMES.size(); i++) {
      p.put(Distribution.PERCENTILE_NAMES.get(i), Duration.ofNanos(Math.round(d.percentiles()[i])));
    }
    return new SnapshotView.Figures(
        d.count(),
        d.errors(),
        Duration.ofNanos(Math.round(d.avgNanos())),
        Duration.ofNanos(d.minNanos()),
        Duration.ofNanos(d.maxNanos()),
        p);
  }
}
