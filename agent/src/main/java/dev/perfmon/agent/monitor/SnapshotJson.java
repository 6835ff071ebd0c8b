package dev.perfmon.agent.monitor;

import dev.perfmon.bootstrap.AgentErrors;
import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.Faults;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes snapshots and events as single JSON lines with jackson-core's streaming generator, except
 * a snapshot's operations, which are written straight into the line's buffer ({@link JsonBytes})
 * with their names encoded once ({@link Names}): the same bytes, at a fraction of the cost, for
 * what is nearly all of a snapshot's line. Durations are milliseconds rounded to the nanosecond
 * (six decimals). Every method returns one complete line including the trailing newline, so an
 * output writes it with one call.
 *
 * <p>Thread-safe (no shared mutable state besides the immutable factory), except that a {@link
 * Names} belongs to one thread.
 */
public final class SnapshotJson {
  /**
   * The agent's JSON factory for what it writes in a monitored JVM. Its buffers are recycled
   * through a pool of its own, not Jackson's default thread-local one, which would leave a buffer
   * (an agent class) in the thread-local map of every thread that wrote JSON, such as the attach
   * thread that writes a detach's final snapshot: that would keep the agent's class loader
   * reachable after the detach.
   */
  public static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
          .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.newConcurrentDequePool())
          .build();

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
    return snapshot(s, java.util.List.of(), 4096, null);
  }

  /** A snapshot line with further top-level fields written by {@code extras} after the rest. */
  public static byte[] snapshot(Snapshot s, java.util.List<Body> extras) {
    return snapshot(s, extras, 4096, null);
  }

  /**
   * As {@link #snapshot(Snapshot, java.util.List)}, with an output buffer of {@code sizeHint}
   * bytes to start with (e.g. the previous line's length: saves the copies of a growing buffer)
   * and the operations' names encoded once in {@code names} (null: encoded for this line only).
   */
  static byte[] snapshot(Snapshot s, java.util.List<Body> extras, int sizeHint, Names names) {
    Faults.check(Faults.JSON);
    JsonBytes out = names == null ? new JsonBytes(sizeHint) : names.buffer(sizeHint);
    try (JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8)) {
      g.writeStartObject();
      writeSnapshot(g, out, s, names == null ? new Names() : names);
      for (Body b : extras) {
        b.write(g);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toLine();
  }

  /**
   * The JSON names of operations and of their extra counters, encoded once ({@code "name":} with
   * its quotes and escapes): names never change, and a snapshot writes each one at every
   * snapshot; the same for metadata keys and values. Owned by one snapshot writer (not
   * thread-safe); each table forgets everything when it holds {@link #LIMIT} entries (the names
   * of operations of a registry replaced by a reconfiguration, metadata values that vary).
   */
  static final class Names {
    static final int LIMIT = 1 << 17;
    private final java.util.HashMap<String, byte[]> operations = new java.util.HashMap<>();
    private final java.util.HashMap<String, byte[]> fields = new java.util.HashMap<>();
    private final java.util.HashMap<String, byte[]> strings = new java.util.HashMap<>();

    /**
     * The text of the latest duration written per histogram bucket ({@link #millis}): a
     * percentile is its bucket's midpoint unless clamped, so most are written again and again.
     */
    private final long[] millisNanos = new long[Buckets.BUCKETS];
    private final byte[][] millisText = new byte[Buckets.BUCKETS][];

    /** The buffer the lines are written into, reused from line to line (its bytes are copied out). */
    private JsonBytes buffer;

    /** {@link #buffer}, emptied for a line of about {@code size} bytes. */
    JsonBytes buffer(int size) {
      if (buffer == null) {
        buffer = new JsonBytes(size);
      } else {
        buffer.reset(size);
      }
      return buffer;
    }

    /** Appends {@code nanos} as {@link JsonBytes#millis} does, its text kept per bucket. */
    void millis(JsonBytes out, double nanos) {
      long n = Math.round(nanos);
      if (n < 0) {
        out.millis(nanos);
        return;
      }
      int b = Buckets.index(n);
      byte[] text = millisText[b];
      if (text == null || millisNanos[b] != n) {
        JsonBytes one = new JsonBytes(0);
        one.millis(nanos);
        text = one.toText();
        millisText[b] = text;
        millisNanos[b] = n;
      }
      out.raw(text);
    }

    /** {@code "text"}: a metadata key or value. */
    byte[] string(String text) {
      byte[] b = strings.get(text);
      if (b == null) {
        if (strings.size() >= LIMIT) {
          strings.clear();
        }
        b = JsonBytes.quoted(text);
        strings.put(text, b);
      }
      return b;
    }

    /**
     * The names of the operations of the previous line by position, and their bytes: a snapshot
     * lists the operations in the same order every time (by id), so the name at a position is
     * nearly always the same string as last time, told by one comparison of references instead
     * of a hash look-up.
     */
    private String[] lastNames = new String[0];

    private byte[][] lastBytes = new byte[0][];

    /**
     * As {@link #operation(String)}, for the operation at {@code position} in the line. The same
     * string object as last time has the same bytes; another string, even an equal one, is looked
     * up.
     */
    @SuppressWarnings("ReferenceEquality") // identity first: equals would read both strings
    byte[] operation(int position, String name) {
      if (position < lastNames.length && lastNames[position] == name) {
        return lastBytes[position];
      }
      byte[] b = operation(name);
      if (position >= lastNames.length) {
        int n = Math.max(position + 1, 2 * lastNames.length);
        lastNames = java.util.Arrays.copyOf(lastNames, n);
        lastBytes = java.util.Arrays.copyOf(lastBytes, n);
      }
      lastNames[position] = name;
      lastBytes[position] = b;
      return b;
    }

    /** The bytes of the quoted {@code name}, a colon and an opening brace: an operation's object. */
    byte[] operation(String name) {
      byte[] b = operations.get(name);
      if (b == null) {
        if (operations.size() >= LIMIT) {
          operations.clear();
        }
        byte[] f = JsonBytes.fieldName(name, false);
        b = java.util.Arrays.copyOf(f, f.length + 1);
        b[f.length] = '{';
        operations.put(name, b);
      }
      return b;
    }

    /** {@code ,"name":} for a counter field after another field. */
    byte[] field(String name) {
      byte[] b = fields.get(name);
      if (b == null) {
        if (fields.size() >= LIMIT) {
          fields.clear();
        }
        b = JsonBytes.fieldName(name, true);
        fields.put(name, b);
      }
      return b;
    }
  }

  /** The whole snapshot but the contributors' fields; the operations written by {@link #writeOperations}. */
  static void writeSnapshot(JsonGenerator g, JsonBytes out, Snapshot s, Names names)
      throws IOException {
    g.writeStringField("type", "snapshot");
    g.writeStringField("timestamp", s.timestamp().toString());
    g.writeNumberField("pid", s.pid());
    g.writeNumberField("uptimeMs", s.uptimeMs());
    g.writeNumberField("intervalMs", s.intervalMs());
    if (s.partial()) {
      g.writeBooleanField("partial", true);
    }
    g.writeObjectFieldStart("operations");
    // The operations' members go straight into the line's buffer, after what the generator has
    // buffered so far; the generator then closes the object (it checks no member count).
    g.flush();
    writeOperations(out, s.operations(), names);
    g.writeEndObject();
    if (s.memory() != null) {
      writeMemory(g, s.memory());
    }
    writeAgent(g, s.agent());
  }

  /** The members of {@code "operations"}: one object per operation, separated by commas. */
  static void writeOperations(JsonBytes out, java.util.List<Snapshot.Operation> ops, Names names) {
    int position = 0;
    for (Snapshot.Operation op : ops) {
      if (position > 0) {
        out.raw(',');
      }
      out.raw(names.operation(position++, op.name()));
      writeDistribution(out, op.cumulative(), op.extra(), names);
      out.raw(INTERVAL);
      writeDistribution(out, op.interval(), op.intervalExtra(), names);
      long[] h = op.histogram();
      if (h != null && h.length > 0) {
        out.raw(HISTOGRAM);
        for (int i = 0; i < h.length; i++) {
          if (i > 0) {
            out.raw(',');
          }
          out.number(h[i]);
        }
        out.raw(']');
      }
      out.raw('}');
      if (!op.metadata().isEmpty()) {
        out.raw(METADATA);
        boolean firstEntry = true;
        for (Map.Entry<String, String> e : op.metadata().entrySet()) {
          if (!firstEntry) {
            out.raw(',');
          }
          firstEntry = false;
          out.raw(names.string(e.getKey()));
          out.raw(':');
          out.raw(e.getValue() == null ? NULL : names.string(e.getValue()));
        }
        out.raw('}');
      }
      out.raw('}');
    }
  }

  private static void writeAgent(JsonGenerator g, Snapshot.Self a) throws IOException {
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
    numberField(g, "snapshotMs", round(a.snapshotMillis(), 3));
    g.writeNumberField("footprintBytes", a.footprintBytes());
    if (a.matchingBytes() >= 0) {
      g.writeNumberField("retainedBytes", a.footprintBytes() + a.matchingBytes());
    }
    if (a.transformerClasses() > 0) {
      g.writeObjectFieldStart("transformer");
      g.writeNumberField("classes", a.transformerClasses());
      numberField(g, "ms", round(a.transformerNanos() / 1e6, 1));
      g.writeEndObject();
    }
    g.writeNumberField("callsRecorded", a.callsRecorded());
    if (a.costPerCallNanos() > 0) {
      numberField(g, "costPerCallNs", round(a.costPerCallNanos(), 1));
      numberField(g, "estimatedOverheadMs", round(a.estimatedOverheadMillis(), 3));
      numberField(g, "overheadSharePerThread", round(a.overheadSharePerThread(), 6));
    }
    if (a.lostLines() > 0) {
      g.writeNumberField("lostLines", a.lostLines());
    }
    if (a.late()) {
      g.writeObjectFieldStart("late");
      numberField(g, "byMs", round(a.lateMillis(), 3));
      g.writeNumberField("skippedIntervals", a.skippedIntervals());
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  /** The members of one distribution's object (from its first, without a leading comma). */
  static void writeDistribution(JsonBytes out, Distribution d, Map<String, Long> extra, Names names) {
    // Room for the fixed field names and the values: the names are then copied unchecked.
    out.ensure(DISTRIBUTION_BYTES);
    out.put(COUNT);
    out.number(d.count());
    out.put(SUCCESS_COUNT);
    out.number(d.successes());
    out.put(ERROR_COUNT);
    out.number(d.errors());
    if (d.sampled() != d.count()) {
      out.put(SAMPLED_COUNT);
      out.number(d.sampled());
    }
    out.put(AVG_DURATION);
    out.millis(d.avgNanos());
    out.put(MIN_DURATION);
    out.millis(d.minNanos());
    out.put(MAX_DURATION);
    out.millis(d.maxNanos());
    double[] p = d.percentiles();
    for (int i = 0; i < p.length; i++) {
      out.put(PERCENTILE_FIELDS[i]);
      names.millis(out, p[i]);
    }
    if (extra instanceof Counters c) {
      for (int i = 0; i < c.keys.length; i++) {
        out.raw(names.field(c.keys[i]));
        out.number(c.values[i]);
      }
    } else if (!extra.isEmpty()) {
      for (Map.Entry<String, Long> e : extra.entrySet()) {
        out.raw(names.field(e.getKey()));
        out.number(e.getValue());
      }
    }
  }

  static void writeMemory(JsonGenerator g, MemorySampler.Reading m) throws IOException {
    g.writeObjectFieldStart("memory");
    numberField(g, "heapUsed", round(m.heapUsedMb(), 3));
    numberField(g, "heapCommitted", round(m.heapCommittedMb(), 3));
    if (m.heapMaxMb() >= 0) {
      numberField(g, "heapMax", round(m.heapMaxMb(), 3));
    }
    numberField(g, "nonHeapUsed", round(m.nonHeapUsedMb(), 3));
    if (m.rssMb() >= 0) {
      numberField(g, "rss", round(m.rssMb(), 3));
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
      numberField(g, "processCpuLoad", round(m.processCpuLoad(), 4));
    }
    g.writeEndObject();
  }

  /** The modules of {@code agent.suppressedByModule}, in the order written. */
  private static final String[] SUPPRESSED_MODULES = suppressedModules();

  private static String[] suppressedModules() {
    String[] names = new String[AgentErrors.MODULES];
    for (int m = 0; m < names.length; m++) {
      names[m] = AgentErrors.moduleName(m);
    }
    return names;
  }

  // The field names of every operation, encoded once, each with the comma before it but the first.
  private static final byte[] COUNT = JsonBytes.fieldName("count", false);
  private static final byte[] SUCCESS_COUNT = JsonBytes.fieldName("successCount", true);
  private static final byte[] ERROR_COUNT = JsonBytes.fieldName("errorCount", true);
  private static final byte[] SAMPLED_COUNT = JsonBytes.fieldName("sampledCount", true);
  private static final byte[] AVG_DURATION = JsonBytes.fieldName("avgDuration", true);
  private static final byte[] MIN_DURATION = JsonBytes.fieldName("minDuration", true);
  private static final byte[] MAX_DURATION = JsonBytes.fieldName("maxDuration", true);
  private static final byte[][] PERCENTILE_FIELDS = percentileFields();
  /**
   * At least the bytes of a distribution's fixed fields: their names, and at most 21 bytes per
   * value (a sign, 19 digits and a decimal point).
   */
  private static final int DISTRIBUTION_BYTES =
      COUNT.length + SUCCESS_COUNT.length + ERROR_COUNT.length + SAMPLED_COUNT.length
          + AVG_DURATION.length + MIN_DURATION.length + MAX_DURATION.length
          + totalLength(PERCENTILE_FIELDS)
          + 21 * (7 + PERCENTILE_FIELDS.length);
  private static final byte[] INTERVAL = ascii(",\"interval\":{");
  private static final byte[] HISTOGRAM = ascii(",\"histogram\":[");
  private static final byte[] METADATA = ascii(",\"metadata\":{");
  private static final byte[] NULL = ascii("null");

  // Loops, not streams and lambdas: this runs at the first snapshot (see AgentRuntime).
  private static byte[][] percentileFields() {
    byte[][] fields = new byte[Distribution.PERCENTILE_NAMES.size()][];
    for (int i = 0; i < fields.length; i++) {
      fields[i] = JsonBytes.fieldName(Distribution.PERCENTILE_NAMES.get(i), true);
    }
    return fields;
  }

  private static int totalLength(byte[][] arrays) {
    int n = 0;
    for (byte[] a : arrays) {
      n += a.length;
    }
    return n;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  /**
   * Nanoseconds to milliseconds, kept to the nanosecond and written as a plain decimal
   * ({@code 0.00008}, never {@code 8.0E-5}).
   */
  public static String millis(double nanos) {
    return JsonBytes.decimal(Math.round(nanos), 6);
  }

  /** {@code v} rounded to {@code decimals} (0 to 6) places, as a plain decimal without trailing zeros. */
  public static String round(double v, int decimals) {
    return JsonBytes.decimal(Math.round(v * JsonBytes.POW10[decimals]), decimals);
  }

  /** {@code name: text}, text a number from {@link #millis} or {@link #round}, unquoted. */
  public static void numberField(JsonGenerator g, String name, String text) throws IOException {
    g.writeFieldName(name);
    g.writeNumber(text);
  }
}
