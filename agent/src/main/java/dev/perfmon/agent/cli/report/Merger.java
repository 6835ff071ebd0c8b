package dev.perfmon.agent.cli.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges the lines of any number of files: per operation (and per JVM) over the snapshots whose
 * timestamp lies in [since, until], from each snapshot's {@code interval} figures, so cumulative
 * and interval snapshots, restarts and several JVMs all add up. A JVM is a pid within one file
 * set. With {@code series}, the per-snapshot points for charts are kept as well.
 */
final class Merger implements Lines.Sink {
  final long since;
  final long until;
  final String scope;
  final Series series;

  /** The operations merged over all JVMs, built on first use after reading. */
  private Map<String, OpStats> ops;
  final Map<String, Jvm> jvms = new TreeMap<>();
  /** The last pid seen in each file set: the JVM of its event lines. */
  private final Map<String, Long> pidOfSource = new HashMap<>();
  long snapshots;
  long snapshotsOutOfRange;
  long slowEvents;
  long memoryWarnings;
  long first = Long.MAX_VALUE;
  long last = Long.MIN_VALUE;
  boolean partialSeen;

  /** One JVM: its operations and its time span. */
  static final class Jvm {
    final String key;
    final String source;
    final long pid;
    final Map<String, OpStats> ops = new HashMap<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    long snapshots;
    long droppedEvents;

    Jvm(String key, String source, long pid) {
      this.key = key;
      this.source = source;
      this.pid = pid;
    }

    /** Seconds the selected snapshots cover. */
    double seconds() {
      return last <= first ? 0 : (last - first) / 1000.0;
    }
  }

  Merger(long since, long until, String scope, Series series) {
    this.since = since;
    this.until = until;
    this.scope = scope;
    this.series = series;
  }

  private boolean inRange(long t) {
    return t >= since && t <= until;
  }

  private Jvm jvm(String source, long pid) {
    String key = "pid " + pid + " " + source;
    return jvms.computeIfAbsent(key, k -> new Jvm(k, source, pid));
  }

  @Override
  public void snapshot(Lines.Snapshot s) {
    pidOfSource.put(s.source(), s.pid());
    if (!inRange(s.epochMillis())) {
      snapshotsOutOfRange++;
      return;
    }
    snapshots++;
    partialSeen |= s.partial();
    Jvm j = jvm(s.source(), s.pid());
    j.snapshots++;
    j.droppedEvents = Math.max(j.droppedEvents, s.droppedEvents());
    long start = s.epochMillis() - Math.max(0, s.intervalMs());
    j.first = Math.min(j.first, start);
    j.last = Math.max(j.last, s.epochMillis());
    first = Math.min(first, start);
    last = Math.max(last, s.epochMillis());
    for (Lines.Op op : s.operations()) {
      if (scope != null && !op.name().startsWith(scope)) {
        continue;
      }
      if (op.count() == 0) {
        continue;
      }
      j.ops.computeIfAbsent(op.name(), OpStats::new).add(op);
    }
    for (Lines.Budget b : s.budgets()) {
      if (scope != null && !b.operation().startsWith(scope)) {
        continue;
      }
      j.ops.computeIfAbsent(b.operation(), OpStats::new).budget(b);
    }
    if (series != null) {
      series.snapshot(j.key, s, scope);
    }
  }

  @Override
  public void slow(Lines.Slow s) {
    if (!inRange(s.epochMillis()) || (scope != null && !s.operation().startsWith(scope))) {
      return;
    }
    slowEvents++;
    if (series != null) {
      series.slow(jvmKeyOf(s.source()), s);
    }
  }

  @Override
  public void memoryWarning(Lines.MemoryWarning m) {
    if (!inRange(m.epochMillis())) {
      return;
    }
    memoryWarnings++;
    if (series != null) {
      series.memoryWarning(jvmKeyOf(m.source()), m);
    }
  }

  private String jvmKeyOf(String source) {
    Long pid = pidOfSource.get(source);
    return pid == null ? "pid ? " + source : "pid " + pid + " " + source;
  }

  /** The operations merged over all JVMs (each JVM's figures are merged once, at the end). */
  Map<String, OpStats> ops() {
    if (ops == null) {
      ops = new HashMap<>();
      for (Jvm j : jvms.values()) {
        for (OpStats o : j.ops.values()) {
          ops.computeIfAbsent(o.name, OpStats::new).addAll(o);
        }
      }
    }
    return ops;
  }

  /** The collected series, or empty ones when none were collected. */
  Series seriesOrEmpty() {
    return series != null ? series : new Series();
  }

  /** Seconds covered by the selected snapshots, first interval start to last snapshot. */
  double seconds() {
    return last <= first ? 0 : (last - first) / 1000.0;
  }

  /** Operations sorted by total time, largest first. */
  static List<OpStats> byTotalTime(Map<String, OpStats> ops) {
    List<OpStats> out = new ArrayList<>(ops.values());
    out.removeIf(o -> o.count == 0 && Double.isNaN(o.budgetMs));
    out.sort(
        (a, b) -> {
          int c = Double.compare(b.totalMs(), a.totalMs());
          return c != 0 ? c : a.name.compareTo(b.name);
        });
    return out;
  }

  /** Short, unique labels of the JVMs ("pid 123 (app.jsonl)"), in key order. */
  Map<String, String> jvmLabels() {
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Jvm j : jvms.values()) {
      String base = java.nio.file.Path.of(j.source).getFileName().toString();
      String label = "pid " + j.pid + " (" + base + ")";
      int n = seen.merge(label, 1, Integer::sum);
      labels.put(j.key, n == 1 ? label : label + " #" + n);
    }
    return labels;
  }
}
