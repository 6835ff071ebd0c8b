package dev.perfmon.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the agent wrote as one {@code {"type":"snapshot"}} line, as immutable objects.
 *
 * @param timestamp when the snapshot was taken
 * @param pid the monitored process
 * @param uptime time since the agent started
 * @param interval time since the previous snapshot
 * @param operations the operations with at least one call (in {@code reset=interval} mode: in the
 *     interval)
 * @param heapUsedBytes used heap, or -1 when memory readings are off
 * @param heapMaxBytes maximum heap, or -1 when unknown
 * @param slowOperations slow calls seen since the previous snapshot (a bounded list)
 * @param budgetViolations budgets exceeded over this interval
 * @param droppedEvents events the agent could not process since it started because they came
 *     faster than it could handle them
 */
public record SnapshotView(
    Instant timestamp,
    long pid,
    Duration uptime,
    Duration interval,
    List<OperationStats> operations,
    long heapUsedBytes,
    long heapMaxBytes,
    List<SlowOperationEvent> slowOperations,
    List<BudgetViolation> budgetViolations,
    long droppedEvents) {

  public SnapshotView {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(uptime, "uptime");
    Objects.requireNonNull(interval, "interval");
    operations = List.copyOf(operations);
    slowOperations = List.copyOf(slowOperations);
    budgetViolations = List.copyOf(budgetViolations);
  }

  /** The operation of that name, or null. */
  public OperationStats operation(String name) {
    for (OperationStats o : operations) {
      if (o.name().equals(name)) {
        return o;
      }
    }
    return null;
  }

  /**
   * One operation's figures.
   *
   * @param total the snapshot's top-level figures (cumulative since start, or the interval's in
   *     {@code reset=interval} mode)
   * @param interval the calls since the previous snapshot
   * @param metadata descriptive facts from the instrumentation (e.g. {@code kind}, {@code sql})
   */
  public record OperationStats(
      String name, Figures total, Figures interval, Map<String, String> metadata) {
    public OperationStats {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(total, "total");
      Objects.requireNonNull(interval, "interval");
      metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }
  }

  /**
   * Statistics of a set of calls.
   *
   * @param percentiles {@code p50}, {@code p90}, {@code p95}, {@code p99} and {@code p999}
   */
  public record Figures(
      long count,
      long errorCount,
      Duration average,
      Duration min,
      Duration max,
      Map<String, Duration> percentiles) {
    public Figures {
      Objects.requireNonNull(average, "average");
      Objects.requireNonNull(min, "min");
      Objects.requireNonNull(max, "max");
      percentiles = Map.copyOf(percentiles);
    }

    public long successCount() {
      return count - errorCount;
    }
  }
}
