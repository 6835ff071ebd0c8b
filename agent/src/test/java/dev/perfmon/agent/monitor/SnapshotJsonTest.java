package dev.perfmon.agent.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.perfmon.bootstrap.Buckets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotJsonTest {

  private static Distribution dist(long... nanos) {
    long[] counts = new long[Buckets.BUCKETS];
    long sum = 0;
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long n : nanos) {
      counts[Buckets.index(n)]++;
      sum += n;
      min = Math.min(min, n);
      max = Math.max(max, n);
    }
    return Distribution.of(counts, 1, sum, min, max);
  }

  @Test
  void snapshotIsOneCompleteLineWithTheDocumentedFields() throws IOException {
    Distribution d = dist(80, 1_840_000, 38_200_000);
    Snapshot s =
        new Snapshot(
            Instant.parse("2026-11-27T10:15:00.123Z"),
            4711,
            60012,
            60000,
            true,
            List.of(new Snapshot.Operation("svc \"quoted\"\nname", d, d, Map.of("status5xx", 2L), Map.of("status5xx", 1L), Map.of("kind", "method"))),
            new MemorySampler.Reading(123.4, 256, 4096, 61.2, 310.5, Map.of("G1 Young Generation", new long[] {12, 85}), 34, 0.12, 1L),
            new Snapshot.Self(3, 2000, false, 0, 1.5, 4096, 1_000_000, 45.0, 45.0, 0.00075, 7, 0, 0, java.util.Map.of(), 200_000, 13_500, 540_123_456L));
    byte[] line = SnapshotJson.snapshot(s);
    String text = new String(line, StandardCharsets.UTF_8);

    assertThat(text).endsWith("\n");
    assertThat(text.indexOf('\n')).isEqualTo(text.length() - 1);
    assertThat(text).doesNotContain("E-").doesNotContain("E+");

    Map<String, String> fields = flatten(text);
    assertThat(fields)
        .containsEntry("type", "snapshot")
        .containsEntry("timestamp", "2026-11-27T10:15:00.123Z")
        .containsEntry("pid", "4711")
        .containsEntry("uptimeMs", "60012")
        .containsEntry("intervalMs", "60000")
        .containsEntry("partial", "true");
    String op = "operations.svc \"quoted\"\nname.";
    assertThat(fields)
        .containsEntry(op + "count", "3")
        .containsEntry(op + "successCount", "2")
        .containsEntry(op + "errorCount", "1")
        .containsEntry(op + "minDuration", "0.00008")
        .containsEntry(op + "maxDuration", "38.2")
        .containsEntry(op + "status5xx", "2")
        .containsEntry(op + "interval.status5xx", "1")
        .containsEntry(op + "metadata.kind", "method")
        .containsKeys(op + "avgDuration", op + "p50", op + "p90", op + "p95", op + "p99", op + "p999", op + "interval.p99");
    assertThat(Double.parseDouble(fields.get(op + "avgDuration"))).isCloseTo(13.346693, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(fields)
        .containsEntry("memory.heapUsed", "123.4")
        .containsEntry("memory.heapMax", "4096")
        .containsEntry("memory.rss", "310.5")
        .containsEntry("memory.gc.G1 Young Generation.count", "12")
        .containsEntry("memory.gc.G1 Young Generation.timeMs", "85")
        .containsEntry("memory.threads", "34")
        .containsEntry("memory.processCpuLoad", "0.12")
        .containsEntry("agent.operations", "3")
        .containsEntry("agent.callsRecorded", "1000000")
        .containsEntry("agent.costPerCallNs", "45")
        .containsEntry("agent.estimatedOverheadMs", "45")
        .containsEntry("agent.overheadSharePerThread", "0.00075")
        .containsEntry("agent.lostLines", "7")
        .containsEntry("agent.footprintBytes", "4096")
        .containsEntry("agent.retainedBytes", "204096")
        .containsEntry("agent.transformer.classes", "13500")
        .containsEntry("agent.transformer.ms", "540.1");
  }

  @Test
  void unknownReadingsAreOmitted() throws IOException {
    Snapshot s =
        new Snapshot(Instant.EPOCH, 1, 1, 1, false, List.of(),
            new MemorySampler.Reading(1, 1, -1, 1, -1, Map.of(), 1, -1, 1L),
            new Snapshot.Self(0, 1, false, 0, 0, 0, 0, -1, -1, -1, 0, 0, 0, java.util.Map.of(), -1, 0, 0));
    Map<String, String> fields = flatten(new String(SnapshotJson.snapshot(s), StandardCharsets.UTF_8));
    assertThat(fields)
        .doesNotContainKeys(
            "partial", "memory.rss", "memory.heapMax", "memory.processCpuLoad", "agent.costPerCallNs", "agent.lostLines",
            "agent.retainedBytes", "agent.transformer.classes")
        .containsEntry("agent.callsRecorded", "0");
  }

  @Test
  void roundedNumbersAreWrittenAsBigDecimalWroteThem() {
    java.util.Random r = new java.util.Random(42);
    double[] fixed = {0, -0.0, 1, -1, 0.5, 0.0005, 99.9, 1e-7, 123456.789, -3.14159, 1e15, Double.NaN};
    for (int i = 0; i < 20_000; i++) {
      double v = i < fixed.length ? fixed[i] : (r.nextDouble() - 0.3) * Math.pow(10, r.nextInt(12) - 4);
      for (int d = 0; d <= 6; d++) {
        java.math.BigDecimal b =
            java.math.BigDecimal.valueOf(Math.round(v * Math.pow(10, d))).movePointLeft(d).stripTrailingZeros();
        String expected = (b.scale() < 0 ? b.setScale(0) : b).toPlainString();
        assertThat(SnapshotJson.round(v, d)).as("%s to %d places", v, d).isEqualTo(expected);
      }
    }
  }

  @Test
  void millisecondsAreWrittenAsPlainDecimalsToTheNanosecond() {
    assertThat(SnapshotJson.millis(1)).isEqualTo("0.000001");
    assertThat(SnapshotJson.millis(1_840_000)).isEqualTo("1.84");
    assertThat(SnapshotJson.millis(60_000_000_000L)).isEqualTo("60000");
    assertThat(SnapshotJson.millis(12.6)).isEqualTo("0.000013");
  }

  /**
   * Durations written through the names' per-bucket texts (bucket midpoints written again and
   * again, other values of the same buckets in between) are the text of {@link JsonBytes#millis}.
   */
  @Test
  void durationsKeptPerBucketAreWrittenAsTheirOwnText() {
    SnapshotJson.Names names = new SnapshotJson.Names();
    java.util.SplittableRandom random = new java.util.SplittableRandom(11);
    for (int trial = 0; trial < 50_000; trial++) {
      int bucket = random.nextInt(40 * 64);
      double nanos =
          switch (trial % 3) {
            case 0 -> dev.perfmon.bootstrap.Buckets.midpoint(Math.min(bucket, dev.perfmon.bootstrap.Buckets.BUCKETS - 1));
            case 1 -> Math.exp(random.nextDouble() * 30);
            default -> random.nextLong(-5, 5_000);
          };
      JsonBytes viaNames = new JsonBytes(0);
      names.millis(viaNames, nanos);
      JsonBytes direct = new JsonBytes(0);
      direct.millis(nanos);
      assertThat(viaNames.toLine()).as("%s ns", nanos).isEqualTo(direct.toLine());
    }
  }

  /** Parses a JSON object into dotted paths to scalar text values. */
  /** The allocation-free number formatting writes exactly what the BigDecimal rendering does. */
  @Test
  void scaledNumbersAreWrittenAsTheirPlainDecimalText() throws IOException {
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    for (int trial = 0; trial < 20_000; trial++) {
      long units =
          switch (trial % 4) {
            case 0 -> random.nextLong();
            case 1 -> random.nextLong(2_000_000);
            case 2 -> random.nextLong(10) * (long) Math.pow(10, random.nextInt(12));
            default -> -random.nextLong(1_000_000_000L);
          };
      if (trial < 4) {
        units = new long[] {0, Long.MAX_VALUE, Long.MIN_VALUE, 80}[trial];
      }
      int decimals = random.nextInt(7);
      JsonBytes out = new JsonBytes(0);
      out.scaled(units, decimals);
      byte[] line = out.toLine();
      String written = new String(line, 0, line.length - 1, StandardCharsets.US_ASCII);
      java.math.BigDecimal d = java.math.BigDecimal.valueOf(units).movePointLeft(decimals).stripTrailingZeros();
      String expected = (d.scale() < 0 ? d.setScale(0) : d).toPlainString();
      assertThat(written).as("%d / 10^%d", units, decimals).isEqualTo(expected);
      // Milliseconds (their own path, by a constant divisor): the same text as scaled(units, 6).
      long nanos = units >> 11; // exact as a double
      JsonBytes ms = new JsonBytes(0);
      ms.millis((double) nanos);
      JsonBytes six = new JsonBytes(0);
      six.scaled(nanos, 6);
      assertThat(ms.toLine()).as("%d ns", nanos).isEqualTo(six.toLine());
      // A whole number of nanoseconds (minimum, maximum): the same text as through a double.
      long[] wholes = {nanos, units, 1L << 53, (1L << 53) + 1, (1L << 60) + 12_345, Long.MAX_VALUE};
      long whole = wholes[trial % wholes.length];
      JsonBytes asLong = new JsonBytes(0);
      asLong.millis(whole);
      JsonBytes asDouble = new JsonBytes(0);
      asDouble.millis((double) whole);
      assertThat(asLong.toLine()).as("%d ns", whole).isEqualTo(asDouble.toLine());
    }
  }

  /**
   * The operations are written without the generator: their bytes must be exactly those the
   * generator writes (names with quotes, escapes, non-ASCII and surrogate pairs, counters,
   * metadata, sampled counts, histograms, durations from 0 to hours).
   */
  @Test
  void operationsAreTheBytesTheGeneratorWrites() throws IOException {
    java.util.SplittableRandom random = new java.util.SplittableRandom(11);
    String[] names = {
      "plain#op", "svc \"quoted\"\nname", "back\\slash\ttab", "caf\u00e9 \u4e2d\u6587", "emoji \ud83d\ude80",
      "ctrl\u0001\u001f", "</script>", "", "servlet.GET /api/{id}"
    };
    List<Snapshot.Operation> ops = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) {
      long[] durations = new long[1 + random.nextInt(20)];
      for (int k = 0; k < durations.length; k++) {
        durations[k] = random.nextInt(4) == 0 ? random.nextLong(100) : random.nextLong(3_600_000_000_000L);
      }
      Distribution d = dist(durations);
      if (i % 5 == 0) {
        d = d.withSkipped(random.nextInt(1000) + 1, random.nextInt(3));
      }
      Map<String, Long> extra = i % 3 == 0 ? Map.of() : new LinkedHashMap<>(Map.of("status2xx", random.nextLong(), "st\u00e4tus", -5L));
      Map<String, String> metadata = i % 4 == 0 ? Map.of("kind", "jdbc", "db \"x\"", "h2\n\u00e9") : Map.of();
      long[] histogram = i % 2 == 0 ? null : new long[] {3, random.nextLong(1_000_000), 1, 7};
      ops.add(new Snapshot.Operation(names[i % names.length] + i, d, Distribution.empty(new double[0]), extra, extra, metadata, histogram));
    }
    Snapshot s =
        new Snapshot(Instant.EPOCH, 1, 1, 1, false, ops, null,
            new Snapshot.Self(0, 1, false, 0, 0, 0, 0, -1, -1, -1, 0, 0, 0, java.util.Map.of(), -1, 0, 0));
    String line = new String(SnapshotJson.snapshot(s), StandardCharsets.UTF_8);
    String written = line.substring(line.indexOf("\"operations\":") + 13, line.indexOf(",\"agent\":"));

    java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
    try (com.fasterxml.jackson.core.JsonGenerator g = new JsonFactory().createGenerator(expected)) {
      g.writeStartObject();
      for (Snapshot.Operation op : ops) {
        g.writeObjectFieldStart(op.name());
        writeWithGenerator(g, op.cumulative(), op.extra());
        g.writeObjectFieldStart("interval");
        writeWithGenerator(g, op.interval(), op.intervalExtra());
        if (op.histogram() != null) {
          g.writeFieldName("histogram");
          g.writeArray(op.histogram(), 0, op.histogram().length);
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
    }
    assertThat(written).isEqualTo(expected.toString(StandardCharsets.UTF_8));
  }

  /** A distribution's fields as the generator writes them (BigDecimal milliseconds). */
  private static void writeWithGenerator(
      com.fasterxml.jackson.core.JsonGenerator g, Distribution d, Map<String, Long> extra) throws IOException {
    g.writeNumberField("count", d.count());
    g.writeNumberField("successCount", d.successes());
    g.writeNumberField("errorCount", d.errors());
    if (d.sampled() != d.count()) {
      g.writeNumberField("sampledCount", d.sampled());
    }
    g.writeFieldName("avgDuration");
    g.writeNumber(SnapshotJson.millis(d.avgNanos()));
    g.writeFieldName("minDuration");
    g.writeNumber(SnapshotJson.millis((double) d.minNanos()));
    g.writeFieldName("maxDuration");
    g.writeNumber(SnapshotJson.millis((double) d.maxNanos()));
    for (int i = 0; i < d.percentiles().length; i++) {
      g.writeFieldName(Distribution.PERCENTILE_NAMES.get(i));
      g.writeNumber(SnapshotJson.millis(d.percentiles()[i]));
    }
    for (Map.Entry<String, Long> e : extra.entrySet()) {
      g.writeNumberField(e.getKey(), e.getValue());
    }
  }

  static Map<String, String> flatten(String json) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (JsonParser p = new JsonFactory().createParser(json)) {
      java.util.Deque<String> path = new java.util.ArrayDeque<>();
      String field = null;
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        switch (t) {
          case FIELD_NAME -> field = p.currentName();
          case START_OBJECT -> {
            if (field != null) {
              path.addLast(field);
            }
            field = null;
          }
          case END_OBJECT -> {
            if (!path.isEmpty()) {
              path.removeLast();
            }
          }
          default -> {
            String prefix = path.isEmpty() ? "" : String.join(".", path) + ".";
            out.put(prefix + field, p.getText());
          }
        }
      }
    }
    return out;
  }
}
