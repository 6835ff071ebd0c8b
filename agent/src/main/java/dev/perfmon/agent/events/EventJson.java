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
    g.writeNumberField("duration", millis(e.duration()));
    g.writeNumberField("threshold", millis(e.threshold()));
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
    g.writeNumberField("budget", millis(v.budget()));
    g.writeNumberField("actual", millis(v.actual()));
    g.writeNumberField("percentile", round(v.percentile(), 6));
    g.writeNumberField("severity", round(v.severity(), 3));
  }

  static void memoryFields(JsonGenerator g, MemoryWarning w) throws IOException {
    g.writeStringField("timestamp", w.timestamp().toString());
    g.writeStringField("reason", w.reason().label());
    g.writeNumberField("heapUsed", round(w.heapUsedBytes() / MB, 3));
    if (w.heapMaxBytes() >= 0) {
      g.writeNumberField("heapMax", round(w.heapMaxBytes() / MB, 3));
    }
    if (w.reason() == MemoryWarning.Reason.HEAP_USED) {
      g.writeNumberField("limit", round(w.limit() / MB, 3));
    } else {
      g.writeNumberField("limit", round(w.limit(), 6));
      g.writeNumberField("ratio", round((double) w.heapUsedBytes() / w.heapMaxBytes(), 6));
    }
  }

  static java.math.BigDecimal millis(Duration d) {
    return SnapshotJson.millis((double) d.toNanos());
  }

  private static java.math.BigDecimal round(double v, int decimals) {
    java.math.BigDecimal d =
        java.math.BigDecimal.valueOf(Math.round(v * Math.pow(10, decimals)))
            .movePointLeft(decimals)
            .stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0) : d;
  }
}
