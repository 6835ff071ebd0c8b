package dev.perfmon.agent.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code summary <file>}: the last snapshot of a perfmon JSON Lines file as a table, slowest
 * operations (by p99) first.
 */
final class Summary {
  private Summary() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length != 1) {
      err.println("perfmon: usage: summary <perfmon-stats.jsonl>");
      return Main.USAGE;
    }
    Path file = Path.of(args[0]);
    // Streamed: only the last two snapshot lines are kept, so a file of any size needs a small heap.
    // Two, because the last line of a file being written is usually cut short.
    LastTwo lines = new LastTwo();
    try {
      SnapshotFile.eachSnapshotLine(file, lines::add);
    } catch (IOException e) {
      err.println("perfmon: " + SnapshotFile.describe(file, e));
      return Main.FAILURE;
    }
    if (lines.last == null) {
      err.println("perfmon: no snapshot in " + file + " yet: snapshots are written every 'interval' and at exit");
      return Main.FAILURE;
    }
    Map<String, Object> snapshot;
    long shown = lines.lastNumber;
    try {
      snapshot = JsonTree.object(JsonTree.parse(lines.last));
    } catch (IOException cutShort) {
      if (lines.previous == null) {
        err.println("perfmon: the only snapshot in " + file + " (line " + lines.lastNumber
            + ") is incomplete or not valid JSON: " + SnapshotFile.firstLine(cutShort.getMessage()));
        return Main.FAILURE;
      }
      try {
        snapshot = JsonTree.object(JsonTree.parse(lines.previous));
        shown = lines.previousNumber;
      } catch (IOException e) {
        err.println("perfmon: the last two snapshots in " + file + " (lines " + lines.previousNumber + " and "
            + lines.lastNumber + ") are not valid JSON: " + SnapshotFile.firstLine(e.getMessage()));
        return Main.FAILURE;
      }
      err.println("perfmon: note: line " + lines.lastNumber + " of " + file
          + " is incomplete (still being written?); showing the snapshot of line " + shown);
    }
    String missing = SnapshotFile.missingFields(snapshot);
    if (missing != null) {
      err.println("perfmon: line " + shown + " of " + file + " is not a perfmon snapshot: it has no " + missing);
      return Main.FAILURE;
    }
    print(snapshot, out);
    return Main.OK;
  }

  /** The last two snapshot lines seen, with their line numbers. */
  private static final class LastTwo {
    String last;
    String previous;
    long lastNumber;
    long previousNumber;

    void add(String line, long number) {
      previous = last;
      previousNumber = lastNumber;
      last = line;
      lastNumber = number;
    }
  }

  static void print(Map<String, Object> snapshot, PrintStream out) {
    out.printf(Locale.ROOT, "snapshot %s  pid %d  uptime %.1f s%n",
        snapshot.get("timestamp"), (long) JsonTree.number(snapshot, "pid"), JsonTree.number(snapshot, "uptimeMs") / 1000);
    Map<String, Object> ops = JsonTree.object(snapshot.get("operations"));
    List<Map.Entry<String, Object>> rows = new ArrayList<>(ops.entrySet());
    rows.sort((a, b) -> Double.compare(
        JsonTree.number(JsonTree.object(b.getValue()), "p99"), JsonTree.number(JsonTree.object(a.getValue()), "p99")));
    int width = 9;
    for (Map.Entry<String, Object> r : rows) {
      width = Math.max(width, Math.min(70, r.getKey().length()));
    }
    String format = "%-" + width + "s %9s %7s %10s %10s %10s %10s %10s%n";
    out.printf(Locale.ROOT, format, "operation", "count", "errors", "avg ms", "p50 ms", "p95 ms", "p99 ms", "max ms");
    for (Map.Entry<String, Object> r : rows) {
      Map<String, Object> o = JsonTree.object(r.getValue());
      String name = r.getKey().length() > width ? r.getKey().substring(0, width - 3) + "..." : r.getKey();
      out.printf(Locale.ROOT, format, name,
          (long) JsonTree.number(o, "count"), (long) JsonTree.number(o, "errorCount"),
          ms(o, "avgDuration"), ms(o, "p50"), ms(o, "p95"), ms(o, "p99"), ms(o, "maxDuration"));
    }
    Map<String, Object> mem = JsonTree.object(snapshot.get("memory"));
    if (!mem.isEmpty()) {
      out.printf(Locale.ROOT, "memory: heap %.1f / %.1f MB used/committed, non-heap %.1f MB, rss %s, %d threads%n",
          JsonTree.number(mem, "heapUsed"), JsonTree.number(mem, "heapCommitted"), JsonTree.number(mem, "nonHeapUsed"),
          mem.containsKey("rss") ? String.format(Locale.ROOT, "%.1f MB", JsonTree.number(mem, "rss")) : "n/a",
          (long) JsonTree.number(mem, "threads"));
    }
  }

  private static String ms(Map<String, Object> o, String key) {
    double v = JsonTree.number(o, key);
    return String.format(Locale.ROOT, v < 1 ? "%.4f" : "%.2f", v);
  }
}
