package dev.perfmon.agent.cli;

import dev.perfmon.config.Globs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code csv [--memory] <file> [operation-glob ...]}: the snapshots of a perfmon JSON Lines file as
 * CSV, one row per snapshot and operation (the interval's figures, which are what a plot over time
 * shows), or with {@code --memory} one row per snapshot with the JVM's memory readings. Ready for a
 * spreadsheet, gnuplot or pandas; lines of other types (events, coverage) are skipped, and so is a
 * line that is not valid JSON (the file is being written while it is read).
 */
final class Csv {
  static final String OPERATIONS_HEADER =
      "timestamp,uptime_s,operation,count,errors,avg_ms,p50_ms,p90_ms,p95_ms,p99_ms,max_ms,"
          + "total_count,total_errors,total_p99_ms";
  static final String MEMORY_HEADER =
      "timestamp,uptime_s,heap_used_mb,heap_committed_mb,heap_max_mb,non_heap_used_mb,rss_mb,threads,"
          + "process_cpu_load,gc_count,gc_time_ms";

  private Csv() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    boolean memory = args.length > 0 && args[0].equals("--memory");
    int first = memory ? 1 : 0;
    if (args.length <= first || args[first].startsWith("-")) {
      err.println("perfmon: usage: csv [--memory] <perfmon-stats.jsonl> [operation-glob ...]");
      return Main.USAGE;
    }
    Path file = Path.of(args[first]);
    List<String> globs = List.of(args).subList(first + 1, args.length);
    if (memory && !globs.isEmpty()) {
      err.println("perfmon: csv --memory takes no operation globs");
      return Main.USAGE;
    }
    // Nothing reaches stdout before the file is known to exist and to hold a snapshot: a failed
    // run must not leave a header-only file behind a redirection. Read as a stream, one line at a time.
    Rows rows = new Rows(out, memory ? MEMORY_HEADER : OPERATIONS_HEADER);
    try {
      SnapshotFile.eachSnapshotLine(file, (line, number) -> {
        Map<String, Object> snapshot;
        try {
          snapshot = JsonTree.object(JsonTree.parse(line));
        } catch (IOException incomplete) {
          rows.skipped++;
          return;
        }
        if (SnapshotFile.missingFields(snapshot) != null) {
          rows.skipped++;
          return;
        }
        rows.snapshots++;
        if (memory) {
          memoryRow(snapshot, rows);
        } else {
          operationRows(snapshot, globs, rows);
        }
      });
    } catch (IOException e) {
      err.println("perfmon: " + SnapshotFile.describe(file, e));
      return Main.FAILURE;
    }
    if (rows.snapshots == 0) {
      err.println("perfmon: no snapshot in " + file
          + (rows.skipped > 0 ? " (" + rows.skipped + " incomplete or foreign snapshot line(s) skipped)" : " yet: snapshots are written every 'interval' and at exit"));
      return Main.FAILURE;
    }
    if (rows.written == 0) {
      err.println("perfmon: " + (memory ? "no memory readings in the " + rows.snapshots + " snapshot(s) of " + file + " (was memory=false?)"
          : globs.isEmpty() ? "no operation in the " + rows.snapshots + " snapshot(s) of " + file + " yet"
          : "no operation in " + file + " matches " + String.join(" ", globs) + " (globs use * and ?, e.g. 'jdbc.*'; run summary to see the names)"));
      return Main.FAILURE;
    }
    return Main.OK;
  }

  /** Where rows go: the header is written before the first row, so nothing is written without a row. */
  private static final class Rows {
    private final PrintStream out;
    private final String header;
    long snapshots;
    long skipped;
    long written;

    Rows(PrintStream out, String header) {
      this.out = out;
      this.header = header;
    }

    void println(String row) {
      if (written++ == 0) {
        out.println(header);
      }
      out.println(row);
    }
  }

  private static void operationRows(Map<String, Object> snapshot, List<String> globs, Rows out) {
    String prefix = field(snapshot.get("timestamp")) + "," + number(JsonTree.number(snapshot, "uptimeMs") / 1000) + ",";
    for (Map.Entry<String, Object> e : JsonTree.object(snapshot.get("operations")).entrySet()) {
      if (!globs.isEmpty() && globs.stream().noneMatch(g -> Globs.matches(g, e.getKey()))) {
        continue;
      }
      Map<String, Object> total = JsonTree.object(e.getValue());
      Map<String, Object> interval = JsonTree.object(total.get("interval"));
      List<String> cells = new ArrayList<>();
      long calls = (long) JsonTree.number(interval, "count");
      cells.add(field(e.getKey()));
      cells.add(Long.toString(calls));
      cells.add(Long.toString((long) JsonTree.number(interval, "errorCount")));
      for (String k : new String[] {"avgDuration", "p50", "p90", "p95", "p99", "maxDuration"}) {
        // An interval without calls has no durations: empty cells, not zeros, so plots leave a gap.
        cells.add(calls > 0 ? number(JsonTree.number(interval, k)) : "");
      }
      cells.add(Long.toString((long) JsonTree.number(total, "count")));
      cells.add(Long.toString((long) JsonTree.number(total, "errorCount")));
      cells.add(number(JsonTree.number(total, "p99")));
      out.println(prefix + String.join(",", cells));
    }
  }

  private static void memoryRow(Map<String, Object> snapshot, Rows out) {
    Map<String, Object> mem = JsonTree.object(snapshot.get("memory"));
    if (mem.isEmpty()) {
      return;
    }
    long gcCount = 0;
    double gcTime = 0;
    for (Object collector : JsonTree.object(mem.get("gc")).values()) {
      gcCount += (long) JsonTree.number(JsonTree.object(collector), "count");
      gcTime += JsonTree.number(JsonTree.object(collector), "timeMs");
    }
    List<String> cells = new ArrayList<>();
    cells.add(field(snapshot.get("timestamp")));
    cells.add(number(JsonTree.number(snapshot, "uptimeMs") / 1000));
    for (String k : new String[] {"heapUsed", "heapCommitted", "heapMax", "nonHeapUsed", "rss"}) {
      cells.add(mem.containsKey(k) ? number(JsonTree.number(mem, k)) : "");
    }
    cells.add(Long.toString((long) JsonTree.number(mem, "threads")));
    cells.add(mem.containsKey("processCpuLoad") ? number(JsonTree.number(mem, "processCpuLoad")) : "");
    cells.add(Long.toString(gcCount));
    cells.add(number(gcTime));
    out.println(String.join(",", cells));
  }

  /** A number without exponent or trailing zeros, as spreadsheets read it. */
  static String number(double v) {
    String s = String.format(Locale.ROOT, "%.6f", v);
    s = s.indexOf('.') >= 0 ? s.replaceAll("0+$", "") : s;
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  /** A text cell: quoted (RFC 4180) when it holds a comma, a quote or a line break, as SQL names can. */
  static String field(Object value) {
    String s = value == null ? "" : value.toString();
    if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
