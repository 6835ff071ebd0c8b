package dev.perfmon.agent.cli.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Time series for the HTML report, bounded in memory: per JVM and operation one point per
 * snapshot (throughput, errors, p50/p95/p99), per JVM its memory readings, and the events (slow
 * calls, budget violations, memory warnings). A series longer than {@link #MAX_POINTS} is halved
 * by merging neighbouring points (counts added, percentiles count-weighted), so reading a file of
 * any length keeps at most that many points per series; at most {@link #MAX_EVENTS} events of each
 * kind are kept (the others counted).
 */
final class Series {
  static final int MAX_POINTS = 2048;
  /**
   * Points kept over all operation series together (about 56 bytes each): with many operations
   * and JVMs each series gets fewer points (at least {@link #MIN_POINTS}), so memory stays bounded
   * whatever the number of operations.
   */
  static final int POINT_BUDGET = 500_000;

  static final int MIN_POINTS = 32;
  private int seriesCount;
  static final int MAX_EVENTS = 5000;

  /** Points of one operation in one JVM: time (ms), seconds covered, calls, errors, p50, p95, p99. */
  static final class Points {
    int n;
    long[] t = new long[64];
    double[] secs = new double[64];
    long[] calls = new long[64];
    long[] errors = new long[64];
    double[][] p = new double[3][64];

    void add(long time, double s, long c, long e, double p50, double p95, double p99, int cap) {
      while (n >= cap) {
        halve();
      }
      if (n == t.length) {
        int len = Math.min(MAX_POINTS, n * 2);
        t = java.util.Arrays.copyOf(t, len);
        secs = java.util.Arrays.copyOf(secs, len);
        calls = java.util.Arrays.copyOf(calls, len);
        errors = java.util.Arrays.copyOf(errors, len);
        for (int i = 0; i < 3; i++) {
          p[i] = java.util.Arrays.copyOf(p[i], len);
        }
      }
      t[n] = time;
      secs[n] = s;
      calls[n] = c;
      errors[n] = e;
      p[0][n] = p50;
      p[1][n] = p95;
      p[2][n] = p99;
      n++;
    }

    private void halve() {
      int m = 0;
      for (int i = 0; i + 1 < n; i += 2) {
        long c = calls[i] + calls[i + 1];
        t[m] = t[i + 1];
        secs[m] = secs[i] + secs[i + 1];
        for (int k = 0; k < 3; k++) {
          p[k][m] =
              c == 0
                  ? Math.max(p[k][i], p[k][i + 1])
                  : (p[k][i] * calls[i] + p[k][i + 1] * calls[i + 1]) / c;
        }
        calls[m] = c;
        errors[m] = errors[i] + errors[i + 1];
        m++;
      }
      if (n % 2 == 1) {
        t[m] = t[n - 1];
        secs[m] = secs[n - 1];
        calls[m] = calls[n - 1];
        errors[m] = errors[n - 1];
        for (int k = 0; k < 3; k++) {
          p[k][m] = p[k][n - 1];
        }
        m++;
      }
      n = m;
    }
  }

  /** Memory readings of one JVM: time, heap used, heap committed (MB), gc time in the interval (ms). */
  static final class MemoryPoints {
    final List<long[]> times = new ArrayList<>();
    final List<double[]> values = new ArrayList<>();
    long lastGcTime = -1;
    int stride = 1;
    int skipped;
  }

  record Event(String jvm, long t, String kind, String operation, double valueMs, double limitMs) {}

  final Map<String, Map<String, Points>> ops = new HashMap<>();
  final Map<String, MemoryPoints> memory = new HashMap<>();
  final List<Event> events = new ArrayList<>();
  long eventsOmitted;

  void snapshot(String jvm, Lines.Snapshot s, String scope) {
    Map<String, Points> byOp = ops.computeIfAbsent(jvm, k -> new HashMap<>());
    double secs = s.intervalMs() / 1000.0;
    for (Lines.Op op : s.operations()) {
      if (scope != null && !op.name().startsWith(scope)) {
        continue;
      }
      double[] pct = op.percentilesMs();
      Points p = byOp.get(op.name());
      if (p == null) {
        p = new Points();
        byOp.put(op.name(), p);
        seriesCount++;
      }
      p.add(s.epochMillis(), secs, op.count(), op.errors(), pct[0], pct[2], pct[3], cap());
    }
    if (s.memory() != null) {
      MemoryPoints m = memory.computeIfAbsent(jvm, k -> new MemoryPoints());
      long gc = m.lastGcTime < 0 ? 0 : Math.max(0, s.memory().gcTimeMs() - m.lastGcTime);
      m.lastGcTime = s.memory().gcTimeMs();
      if (m.times.size() >= MAX_POINTS) {
        // keep every other point from now on, and thin out what is there
        List<long[]> t = new ArrayList<>();
        List<double[]> v = new ArrayList<>();
        for (int i = 0; i < m.times.size(); i += 2) {
          t.add(m.times.get(i));
          v.add(m.values.get(i));
        }
        m.times.clear();
        m.times.addAll(t);
        m.values.clear();
        m.values.addAll(v);
        m.stride *= 2;
      }
      if (++m.skipped >= m.stride) {
        m.skipped = 0;
        m.times.add(new long[] {s.epochMillis()});
        m.values.add(
            new double[] {s.memory().heapUsed(), s.memory().heapCommitted(), gc, s.memory().cpu()});
      }
    }
    for (Lines.Budget b : s.budgets()) {
      if (scope == null || b.operation().startsWith(scope)) {
        event(new Event(jvm, s.epochMillis(), "budget", b.operation(), b.actualMs(), b.budgetMs()));
      }
    }
  }

  /** Points per operation series now: the budget shared by the series there are. */
  int cap() {
    return Math.max(MIN_POINTS, Math.min(MAX_POINTS, POINT_BUDGET / Math.max(1, seriesCount)));
  }

  void slow(String jvm, Lines.Slow s) {
    event(new Event(jvm, s.epochMillis(), "very-slow".equals(s.severity()) ? "very-slow" : "slow", s.operation(), s.durationMs(), Double.NaN));
  }

  void memoryWarning(String jvm, Lines.MemoryWarning m) {
    event(new Event(jvm, m.epochMillis(), "memory", m.reason(), m.heapUsedMb(), Double.NaN));
  }

  private void event(Event e) {
    if (events.size() < MAX_EVENTS) {
      events.add(e);
    } else {
      eventsOmitted++;
    }
  }
}
