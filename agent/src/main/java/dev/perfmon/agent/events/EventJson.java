package dev.perfmon.agent.events;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.perfmon.agent.monitor.SnapshotJson;
import dev.perfmon.api.BudgetViolation;
import dev.perfmon.api.MemoryWarning;
import dev.perfmon.api.SlowOperationEvent;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * JSON of events: the {@code {"type":"slow"}} and {@code {"type":"memory-warning"}} lines, the
 * entries of a snapshot's {@code slowOperations} and {@code budgetViolations}, and the exec
 * handler's standard input. Durations are milliseconds (plain decimals to the nanosecond), sizes
 * MB, as in snapshots. Stateless and thread-safe.
 */
final class EventJson {
  private static final double MB = 1024.0 * 1024.0;

  private EventJson() {}

  static byte[] slowLine(SlowOperationEvent e) {
    return SnapshotJson.line(
        g -> {
          g.writeStringField("type", "slow");
          slowFields(g, e);
        });
  }

  static byte[] budgetLine(BudgetViolation v) {
    return SnapshotJson.line(
        g -> {
          g.writeStringField("type", "budget-violation");
          g.writeStringField("timestamp", v.timestamp().toString());
          budgetFields(g, v);
        });
  }

  static byte[] memoryLine(MemoryWarning w) {
    return SnapshotJson.line(
        g -> {
          g.writeStringField("type", "memory-warning");
          memoryFields(g, w);
        });
  }

  /** The fields of a slow call (without {@code type}). */
  static void slowFields(JsonGenerator g, SlowOperationEvent e) throws IOException {
    g.writeStringField("timestamp", e.timestamp().toString());
    g.writeStringField("operation", e.operation());
    SnapshotJson.numberField(g, "duration", millis(e.duration()));
    SnapshotJson.numberField(g, "threshold", millis(e.threshold()));
    g.writeStringField("severity", e.severity().label());
    g.writeBooleanField("error", e.error());
    g.writeStringField("thread", e.thread());
    g.writeObjectFieldStart("metadata");
    for (Map.Entry<String, String> m : e.metadata().entrySet()) {
      g.writeStringField(m.getKey(), m.getValue());
    }
    g.writeEndObject();
  }

  /** {@code operation, budget, actual, percentile, severity}. */
  static void budgetFields(JsonGenerator g, BudgetViolation v) throws IOException {
    g.writeStringField("operation", v.operation());
    SnapshotJson.numberField(g, "budget", millis(v.budget()));
    SnapshotJson.numberField(g, "actual", millis(v.actual()));
    SnapshotJson.numberField(g, "percentile", SnapshotJson.round(v.percentile(), 6));
    SnapshotJson.numberField(g, "severity", SnapshotJson.round(v.severity(), 3));
  }

  static void memoryFields(JsonGenerator g, MemoryWarning w) throws IOException {
    g.writeStringField("timestamp", w.timestamp().toString());
    g.writeStringField("reason", w.reason().label());
    SnapshotJson.numberField(g, "heapUsed", SnapshotJson.round(w.heapUsedBytes() / MB, 3));
    if (w.heapMaxBytes() >= 0) {
      SnapshotJson.numberField(g, "heapMax", SnapshotJson.round(w.heapMaxBytes() / MB, 3));
    }
    if (w.reason() == MemoryWarning.Reason.HEAP_USED) {
      SnapshotJson.numberField(g, "limit", SnapshotJson.round(w.limit() / MB, 3));
    } else {
      SnapshotJson.numberField(g, "limit", SnapshotJson.round(w.limit(), 6));
      SnapshotJson.numberField(g, "ratio", SnapshotJson.round((double) w.heapUsedBytes() / w.heapMaxBytes(), 6));
    }
  }

  static String millis(Duration d) {
    return SnapshotJson.millis((double) d.toNanos());
  }
}
