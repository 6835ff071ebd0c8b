package dev.perfmon.agent.monitor;

import dev.perfmon.bootstrap.Faults;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.math.BigDecimal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes snapshots and events as single JSON lines with jackson-core's streaming generator.
 * Durations are milliseconds rounded to the nanosecond (six decimals). Every method returns one
 * complete line including the trailing newline, so an output writes it with one call.
 *
 * <p>Thread-safe (no shared mutable state besides the immutable factory).
 */
public final class SnapshotJson {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

  private SnapshotJson() {}

  /** A writer of one JSON object line. */
  public interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  /** Renders one object written by {@code body} as a line. */
  public static byte[] line(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  public static byte[] snapshot(Snapshot s) {
    return line(g -> writeSnapshot(g, s));
  }

  /** A snapshot line with further top-level fields written by {@code extras} after the rest. */
  public static byte[] snapshot(Snapshot s, java.util.List<Body> extras) {
    Faults.check(Faults.JSON);
    return line(
        g -> {
          writeSnapshot(g, s);
          for (Body b : extras) {
            b.write(g);
          }
        });
  }

  static void writeSnapshot(JsonGenerator g, Snapshot s) throws IOException {
    g.writeStringField("type", "snapshot");
    g.writeStringField("timestamp", s.timestamp().toString());
    g.writeNumberField("pid", s.pid());
    g.writeNumberField("uptimeMs", s.uptimeMs());
    g.writeNumberField("intervalMs", s.intervalMs());
    if (s.partial()) {
      g.writeBooleanField("partial", true);
    }
    g.writeObjectFieldStart("operations");
    for (Snapshot.Operation op : s.operations()) {
      g.writeObjectFieldStart(op.name());
      writeDistribution(g, op.cumulative(), op.extra());
      g.writeObjectFieldStart("interval");
      writeDistribution(g, op.interval(), op.intervalExtra());
      g.writeEndObject();
      if (!op.metadata().isEmpty()) {
        g.writeObjectFieldStart("metadata");
        for (Map.Entry<String, String> e : op.metadata().entrySet()) {
          g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    g.writeEndObject();
    if (s.memory() != null) {
      writeMemory(g, s.memory());
    }
    Snapshot.Self a = s.agent();
    g.writeObjectFieldStart("agent");
    g.writeNumberField("operations", a.operations());
    g.writeNumberField("maxOperations", a.maxOperations());
    g.writeBooleanField("overflowed", a.overflowed());
    g.writeNumberField("suppressedErrors", a.suppressedErrors());
    g.writeNumberField("snapshotMs", round(a.snapshotMillis(), 3));
    g.writeNumberField("footprintBytes", a.footprintBytes());
    g.writeNumberField("callsRecorded", a.callsRecorded());
    if (a.costPerCallNanos() > 0) {
      g.writeNumberField("costPerCallNs", round(a.costPerCallNanos(), 1));
      g.writeNumberField("estimatedOverheadMs", round(a.estimatedOverheadMillis(), 3));
      g.writeNumberField("overheadSharePerThread", round(a.overheadSharePerThread(), 6));
    }
    if (a.lostLines() > 0) {
      g.writeNumberField("lostLines", a.lostLines());
    }
    g.writeEndObject();
  }

  static void writeDistribution(JsonGenerator g, Distribution d, Map<String, Long> extra)
      throws IOException {
    g.writeNumberField("count", d.count());
    g.writeNumberField("successCount", d.successes());
    g.writeNumberField("errorCount", d.errors());
    if (d.sampled() != d.count()) {
      g.writeNumberField("sampledCount", d.sampled());
    }
    g.writeNumberField("avgDuration", millis(d.avgNanos()));
    g.writeNumberField("minDuration", millis((double) d.minNanos()));
    g.writeNumberField("maxDuration", millis((double) d.maxNanos()));
    for (int i = 0; i < Distribution.PERCENTILE_NAMES.size(); i++) {
      g.writeNumberField(Distribution.PERCENTILE_NAMES.get(i), millis(d.percentiles()[i]));
    }
    for (Map.Entry<String, Long> e : extra.entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
  }

  static void writeMemory(JsonGenerator g, MemorySampler.Reading m) throws IOException {
    g.writeObjectFieldStart("memory");
    g.writeNumberField("heapUsed", round(m.heapUsedMb(), 3));
    g.writeNumberField("heapCommitted", round(m.heapCommittedMb(), 3));
    if (m.heapMaxMb() >= 0) {
      g.writeNumberField("heapMax", round(m.heapMaxMb(), 3));
    }
    g.writeNumberField("nonHeapUsed", round(m.nonHeapUsedMb(), 3));
    if (m.rssMb() >= 0) {
      g.writeNumberField("rss", round(m.rssMb(), 3));
    }
    g.writeObjectFieldStart("gc");
    for (Map.Entry<String, long[]> e : m.gc().entrySet()) {
      g.writeObjectFieldStart(e.getKey());
      g.writeNumberField("count", e.getValue()[0]);
      g.writeNumberField("timeMs", e.getValue()[1]);
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeNumberField("threads", m.threads());
    if (m.processCpuLoad() >= 0) {
      g.writeNumberField("processCpuLoad", round(m.processCpuLoad(), 4));
    }
    g.writeEndObject();
  }

  /**
   * Nanoseconds to milliseconds, kept to the nanosecond and written as a plain decimal
   * ({@code 0.00008}, never {@code 8.0E-5}).
   */
  public static BigDecimal millis(double nanos) {
    return plain(BigDecimal.valueOf(Math.round(nanos)).movePointLeft(6));
  }

  static BigDecimal round(double v, int decimals) {
    return plain(BigDecimal.valueOf(Math.round(v * Math.pow(10, decimals))).movePointLeft(decimals));
  }

  private static BigDecimal plain(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    return s.scale() < 0 ? s.setScale(0) : s;
  }
}
