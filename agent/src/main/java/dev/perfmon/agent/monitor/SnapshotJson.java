package dev.perfmon.agent.monitor;

import dev.perfmon.bootstrap.AgentErrors;
import dev.perfmon.bootstrap.Faults;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.SerializedString;
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
    return line(body, 4096);
  }

  /** As {@link #line(Body)}, with a buffer of {@code sizeHint} bytes to start with. */
  static byte[] line(Body body, int sizeHint) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(256, sizeHint));
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
    return snapshot(s, extras, 4096);
  }

  /**
   * As {@link #snapshot(Snapshot, java.util.List)}, with an output buffer of {@code sizeHint}
   * bytes to start with (e.g. the previous line's length: saves the copies of a growing buffer).
   */
  static byte[] snapshot(Snapshot s, java.util.List<Body> extras, int sizeHint) {
    Faults.check(Faults.JSON);
    return line(
        g -> {
          writeSnapshot(g, s);
          for (Body b : extras) {
            b.write(g);
          }
        },
        sizeHint);
  }

  static void writeSnapshot(JsonGenerator g, Snapshot s) throws IOException {
    char[] buf = new char[NUMBER_CHARS];
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
      writeDistribution(g, op.cumulative(), op.extra(), buf);
      g.writeObjectFieldStart("interval");
      writeDistribution(g, op.interval(), op.intervalExtra(), buf);
      long[] h = op.histogram();
      if (h != null && h.length > 0) {
        g.writeFieldName(HISTOGRAM);
        g.writeArray(h, 0, h.length);
      }
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
    if (!a.suppressedByModule().isEmpty()) {
      g.writeObjectFieldStart("suppressedByModule");
      for (String module : SUPPRESSED_MODULES) {
        Long n = a.suppressedByModule().get(module);
        if (n != null) {
          g.writeNumberField(module, n);
        }
      }
      g.writeEndObject();
    }
    g.writeNumberField("snapshotMs", round(a.snapshotMillis(), 3));
    g.writeNumberField("footprintBytes", a.footprintBytes());
    if (a.matchingBytes() >= 0) {
      g.writeNumberField("retainedBytes", a.footprintBytes() + a.matchingBytes());
    }
    g.writeNumberField("callsRecorded", a.callsRecorded());
    if (a.costPerCallNanos() > 0) {
      g.writeNumberField("costPerCallNs", round(a.costPerCallNanos(), 1));
      g.writeNumberField("estimatedOverheadMs", round(a.estimatedOverheadMillis(), 3));
      g.writeNumberField("overheadSharePerThread", round(a.overheadSharePerThread(), 6));
    }
    if (a.lostLines() > 0) {
      g.writeNumberField("lostLines", a.lostLines());
    }
    if (a.late()) {
      g.writeObjectFieldStart("late");
      g.writeNumberField("byMs", round(a.lateMillis(), 3));
      g.writeNumberField("skippedIntervals", a.skippedIntervals());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  static void writeDistribution(JsonGenerator g, Distribution d, Map<String, Long> extra)
      throws IOException {
    writeDistribution(g, d, extra, new char[NUMBER_CHARS]);
  }

  /** As {@link #writeDistribution(JsonGenerator, Distribution, Map)}, formatting into {@code buf}. */
  static void writeDistribution(
      JsonGenerator g, Distribution d, Map<String, Long> extra, char[] buf) throws IOException {
    g.writeFieldName(COUNT);
    g.writeNumber(d.count());
    g.writeFieldName(SUCCESS_COUNT);
    g.writeNumber(d.successes());
    g.writeFieldName(ERROR_COUNT);
    g.writeNumber(d.errors());
    if (d.sampled() != d.count()) {
      g.writeNumberField("sampledCount", d.sampled());
    }
    writeMillis(g, AVG_DURATION, d.avgNanos(), buf);
    writeMillis(g, MIN_DURATION, (double) d.minNanos(), buf);
    writeMillis(g, MAX_DURATION, (double) d.maxNanos(), buf);
    double[] p = d.percentiles();
    for (int i = 0; i < p.length; i++) {
      writeMillis(g, PERCENTILE_FIELDS[i], p[i], buf);
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

  /** Characters of the longest number {@link #writeScaled} writes ("-" 19 digits "." and a "0"). */
  private static final int NUMBER_CHARS = 24;

  /** The modules of {@code agent.suppressedByModule}, in the order written. */
  private static final String[] SUPPRESSED_MODULES = suppressedModules();

  private static String[] suppressedModules() {
    String[] names = new String[AgentErrors.MODULES];
    for (int m = 0; m < names.length; m++) {
      names[m] = AgentErrors.moduleName(m);
    }
    return names;
  }

  // The field names of every operation, encoded once.
  private static final SerializedString COUNT = new SerializedString("count");
  private static final SerializedString HISTOGRAM = new SerializedString("histogram");
  private static final SerializedString SUCCESS_COUNT = new SerializedString("successCount");
  private static final SerializedString ERROR_COUNT = new SerializedString("errorCount");
  private static final SerializedString AVG_DURATION = new SerializedString("avgDuration");
  private static final SerializedString MIN_DURATION = new SerializedString("minDuration");
  private static final SerializedString MAX_DURATION = new SerializedString("maxDuration");
  private static final SerializedString[] PERCENTILE_FIELDS =
      Distribution.PERCENTILE_NAMES.stream().map(SerializedString::new).toArray(SerializedString[]::new);

  /** A field of nanoseconds written as milliseconds, exactly as {@link #millis} renders them. */
  static void writeMillis(JsonGenerator g, SerializedString name, double nanos, char[] buf)
      throws IOException {
    g.writeFieldName(name);
    writeScaled(g, Math.round(nanos), 6, buf);
  }

  /**
   * Writes {@code units / 10^decimals} (decimals 0..6) as a plain decimal without trailing zeros,
   * the text {@code BigDecimal.valueOf(units).movePointLeft(decimals)} gives after {@link #plain},
   * formatted into {@code buf} without allocating.
   */
  static void writeScaled(JsonGenerator g, long units, int decimals, char[] buf)
      throws IOException {
    if (units == Long.MIN_VALUE) {
      g.writeNumber(plain(BigDecimal.valueOf(units).movePointLeft(decimals)));
      return;
    }
    boolean negative = units < 0;
    long v = negative ? -units : units;
    int d = decimals;
    while (d > 0 && v % 10 == 0) {
      v /= 10;
      d--;
    }
    int pos = buf.length;
    for (int i = 0; i < d; i++) {
      buf[--pos] = (char) ('0' + v % 10);
      v /= 10;
    }
    if (d > 0) {
      buf[--pos] = '.';
    }
    do {
      buf[--pos] = (char) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
    if (negative) {
      buf[--pos] = '-';
    }
    g.writeNumber(buf, pos, buf.length - pos);
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
