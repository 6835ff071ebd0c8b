package dev.perfmon.agent.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.perfmon.agent.monitor.Distribution;
import dev.perfmon.agent.monitor.MemorySampler;
import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.agent.monitor.Snapshot;
import dev.perfmon.agent.monitor.SnapshotJson;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The dashboard's recent past: one point per periodic snapshot (its interval figures), kept in a
 * bounded ring on the snapshot thread. A point holds, for at most {@link #MAX_OPS_PER_POINT}
 * operations with calls in that interval (the busiest), calls, errors, p50, p95 and p99, and the
 * heap, GC, threads and CPU of the JVM. The ring holds the last hour, at most {@link
 * #MAX_POINTS} points (with a snapshot interval under 5 s, that is less than an hour).
 *
 * <p>Memory: at most MAX_POINTS x MAX_OPS_PER_POINT x about 60 bytes (about 9 MB in the worst
 * case; a few hundred kB for a typical application). Thread-safe: written by the snapshot thread,
 * read by the HTTP threads, under this object's lock.
 */
final class History implements Monitor.TickListener {
  static final int MAX_POINTS = 720;
  static final int MAX_OPS_PER_POINT = 200;

  /** One operation in one interval. Durations in ms. */
  record Op(long count, long errors, double p50, double p95, double p99) {}

  /** One interval. */
  record Point(long timeMillis, long intervalMs, double heapUsedMb, long gcCount, long gcMillis, int threads, double cpu, Map<String, Op> ops) {}

  private final Point[] ring = new Point[MAX_POINTS];
  private int next;
  private int size;
  private int capacity = MAX_POINTS;

  /** Sets how many points are kept: an hour of snapshots at {@code interval}, within bounds. */
  synchronized void intervalIs(Duration interval) {
    long perHour = Duration.ofHours(1).toMillis() / Math.max(1, interval.toMillis());
    int c = (int) Math.max(60, Math.min(MAX_POINTS, perHour));
    if (c != capacity) {
      List<Point> kept = points(p -> true);
      capacity = c;
      size = 0;
      next = 0;
      for (Point p : kept.subList(Math.max(0, kept.size() - c), kept.size())) {
        add(p);
      }
    }
  }

  @Override
  public void onTick(Monitor monitor, Snapshot s) {
    List<Snapshot.Operation> busy = new ArrayList<>();
    for (Snapshot.Operation op : s.operations()) {
      if (op.interval().count() > 0) {
        busy.add(op);
      }
    }
    if (busy.size() > MAX_OPS_PER_POINT) {
      busy.sort(Comparator.comparingLong((Snapshot.Operation o) -> o.interval().count()).reversed());
      busy = busy.subList(0, MAX_OPS_PER_POINT);
    }
    Map<String, Op> ops = new LinkedHashMap<>();
    for (Snapshot.Operation op : busy) {
      Distribution d = op.interval();
      ops.put(op.name(), new Op(d.count(), d.errors(), d.percentile(0.5) / 1e6, d.percentile(0.95) / 1e6, d.percentile(0.99) / 1e6));
    }
    MemorySampler.Reading m = s.memory();
    long gcCount = 0;
    long gcMs = 0;
    if (m != null) {
      for (long[] g : m.gc().values()) {
        gcCount += g[0];
        gcMs += g[1];
      }
    }
    add(
        new Point(
            s.timestamp().toEpochMilli(),
            s.intervalMs(),
            m == null ? -1 : m.heapUsedMb(),
            gcCount,
            gcMs,
            m == null ? -1 : m.threads(),
            m == null ? -1 : m.processCpuLoad(),
            ops));
  }

  synchronized void add(Point p) {
    ring[next] = p;
    next = (next + 1) % capacity;
    size = Math.min(size + 1, capacity);
  }

  /** The points, oldest first. */
  synchronized List<Point> points(Predicate<Point> keep) {
    List<Point> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      Point p = ring[(next - size + i + capacity) % capacity];
      if (keep.test(p)) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * The history as JSON: per point its time, interval, memory and GC totals, the calls and errors
   * summed over the operations {@code scope} accepts, and the figures of {@code operation} (when
   * named and present in that point).
   */
  byte[] json(Predicate<String> scope, String operation) {
    List<Point> pts = points(p -> true);
    return SnapshotJson.line(
        g -> {
          g.writeStringField("type", "history");
          g.writeArrayFieldStart("points");
          for (Point p : pts) {
            writePoint(g, p, scope, operation);
          }
          g.writeEndArray();
        });
  }

  private static void writePoint(JsonGenerator g, Point p, Predicate<String> scope, String operation) throws IOException {
    long calls = 0;
    long errors = 0;
    for (Map.Entry<String, Op> e : p.ops().entrySet()) {
      if (scope.test(e.getKey())) {
        calls += e.getValue().count();
        errors += e.getValue().errors();
      }
    }
    g.writeStartObject();
    g.writeNumberField("t", p.timeMillis());
    g.writeNumberField("intervalMs", p.intervalMs());
    g.writeNumberField("calls", calls);
    g.writeNumberField("errors", errors);
    if (p.heapUsedMb() >= 0) {
      g.writeNumberField("heapUsedMb", Math.round(p.heapUsedMb() * 1000) / 1000.0);
      g.writeNumberField("gcCount", p.gcCount());
      g.writeNumberField("gcMs", p.gcMillis());
      g.writeNumberField("threads", p.threads());
    }
    Op op = operation == null ? null : p.ops().get(operation);
    if (op != null) {
      g.writeObjectFieldStart("op");
      g.writeNumberField("count", op.count());
      g.writeNumberField("errors", op.errors());
      g.writeNumberField("p50", Math.round(op.p50() * 1e6) / 1e6);
      g.writeNumberField("p95", Math.round(op.p95() * 1e6) / 1e6);
      g.writeNumberField("p99", Math.round(op.p99() * 1e6) / 1e6);
      g.writeEndObject();
    }
    g.writeEndObject();
  }
}
