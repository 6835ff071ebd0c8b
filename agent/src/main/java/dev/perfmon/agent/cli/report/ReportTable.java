package dev.perfmon.agent.cli.report;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report as a table fitted to the terminal's width, operations sorted by total time. */
final class ReportTable {
  private ReportTable() {}

  private static final String[] HEADERS = {
    "calls", "err%", "calls/s", "avg ms", "p50 ms", "p95 ms", "p99 ms", "max ms", "time%", "budget"
  };
  private static final int[] WIDTHS = {9, 6, 9, 8, 8, 8, 8, 8, 6, 11};
  private static final int DEFAULT_TOP = 30;

  static void print(Report r, PrintStream out) {
    Merger m = r.merger();
    JsonlReader rd = r.reader();
    out.printf(
        Locale.ROOT,
        "perfmon report: %d file(s), %d line(s)%s, %d snapshot(s) from %d JVM(s), %s .. %s (%s)%n",
        r.files().size(),
        rd.lines(),
        rd.corruptLines() > 0 ? " (" + rd.corruptLines() + " corrupt, skipped)" : "",
        m.snapshots,
        m.jvms.size(),
        Instant.ofEpochMilli(m.first),
        Instant.ofEpochMilli(m.last),
        span(m.seconds()));
    if (r.options().scope() != null) {
      out.println("scope: operations starting with '" + r.options().scope() + "'");
    }
    List<OpStats> merged = Merger.byTotalTime(m.ops());
    table(merged, m.seconds(), r.options(), out);
    if (r.options().byJvm()) {
      Map<String, String> labels = m.jvmLabels();
      for (Merger.Jvm j : m.jvms.values()) {
        out.println();
        out.printf(
            Locale.ROOT,
            "%s: %d snapshot(s), %s .. %s%n",
            labels.get(j.key) + " " + j.source,
            j.snapshots,
            Instant.ofEpochMilli(j.first),
            Instant.ofEpochMilli(j.last));
        table(Merger.byTotalTime(j.ops), j.seconds(), r.options(), out);
      }
    }
    out.println();
    String source = Report.percentileSource(merged);
    switch (source) {
      case "histograms" -> out.println(
          "percentiles: from merged histograms (output.histograms), within 0.78 percent of the exact values");
      case "approximate" -> out.println(
          "percentiles (~): APPROXIMATIONS. The files carry no histograms (output.histograms=false),"
              + " so each is the call-weighted mean of the snapshots' interval percentiles, which"
              + " is not the percentile of all the calls (it hides short peaks). avg, max and"
              + " counts are exact. Enable output.histograms=true for exact merging.");
      default -> out.println(
          "percentiles: from merged histograms where every snapshot carried one; those marked ~ are"
              + " approximations (call-weighted means of the snapshots' interval percentiles)"
              + " because some snapshots had no histogram");
    }
    if (m.partialSeen) {
      out.println("note: a snapshot after an attach is partial (calls in flight at attach time are not counted)");
    }
    out.println(
        "time%: share of the summed time of the operations listed (nested operations, e.g. JDBC"
            + " inside a request, are counted in both); budget: over/ok = merged percentile vs the"
            + " budget seen in budgetViolations, n/m = intervals over budget");
  }

  /** Columns given up, in this order, when the terminal is too narrow for all of them. */
  private static final int[] DROP_ORDER = {4, 3, 8, 2, 7};

  private static final int MIN_NAME = 24;

  /** The columns shown at {@code width}: as many as leave the names {@link #MIN_NAME} wide. */
  static boolean[] visible(int width) {
    boolean[] show = new boolean[HEADERS.length];
    java.util.Arrays.fill(show, true);
    int fixed = 0;
    for (int w : WIDTHS) {
      fixed += w + 1;
    }
    for (int i = 0; i < DROP_ORDER.length && width - fixed < MIN_NAME; i++) {
      show[DROP_ORDER[i]] = false;
      fixed -= WIDTHS[DROP_ORDER[i]] + 1;
    }
    return show;
  }

  private static void table(List<OpStats> ops, double seconds, ReportCommand.Options o, PrintStream out) {
    boolean[] show = visible(o.width());
    int fixed = 0;
    for (int i = 0; i < WIDTHS.length; i++) {
      if (show[i]) {
        fixed += WIDTHS[i] + 1;
      }
    }
    int nameWidth = Math.max(MIN_NAME, o.width() - fixed);
    int longest = 9;
    for (OpStats s : ops) {
      longest = Math.max(longest, s.name.length());
    }
    nameWidth = Math.min(nameWidth, longest);
    int top = o.top() > 0 ? o.top() : DEFAULT_TOP;
    StringBuilder sb = new StringBuilder();
    pad(sb, "operation", nameWidth, false);
    for (int i = 0; i < HEADERS.length; i++) {
      if (show[i]) {
        sb.append(' ');
        pad(sb, HEADERS[i], WIDTHS[i], true);
      }
    }
    out.println(sb.toString().stripTrailing());
    double total = 0;
    for (OpStats s : ops) {
      total += s.totalMs();
    }
    int shown = 0;
    for (OpStats s : ops) {
      if (shown++ == top) {
        break;
      }
      sb.setLength(0);
      String name = s.name.length() > nameWidth ? s.name.substring(0, nameWidth - 3) + "..." : s.name;
      pad(sb, name, nameWidth, false);
      String approx = s.exact() ? "" : "~";
      String[] cells = {
        Long.toString(s.count),
        String.format(Locale.ROOT, "%.2f", 100 * s.errorRate()),
        num(seconds > 0 ? s.count / seconds : 0),
        num(s.avgMs()),
        approx + num(s.percentileMs(0.50)),
        approx + num(s.percentileMs(0.95)),
        approx + num(s.percentileMs(0.99)),
        num(Double.isNaN(s.maxMs) ? 0 : s.maxMs),
        String.format(Locale.ROOT, "%.1f", total > 0 ? 100 * s.totalMs() / total : 0),
        budget(s)
      };
      for (int i = 0; i < cells.length; i++) {
        if (show[i]) {
          sb.append(' ');
          pad(sb, cells[i], WIDTHS[i], true);
        }
      }
      out.println(sb.toString().stripTrailing());
    }
    if (ops.size() > top) {
      out.printf(Locale.ROOT, "... %d more operation(s) (--top N shows more)%n", ops.size() - top);
    }
    boolean dropped = false;
    for (boolean b : show) {
      dropped |= !b;
    }
    if (dropped) {
      out.println("(some columns left out to fit " + o.width() + " columns; --width or --json for all)");
    }
  }

  private static String budget(OpStats s) {
    String status = s.budgetStatus();
    if (status == null) {
      return "-";
    }
    return status + " " + s.violations + "/" + s.intervals;
  }

  /** Three significant digits, no exponent: 0.0123, 1.23, 12.3, 123, 12345. */
  static String num(double v) {
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    int decimals = Math.min(6, 2 - (int) Math.floor(Math.log10(a)));
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  static String span(double seconds) {
    long s = Math.round(seconds);
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return s / 60 + " min " + s % 60 + " s";
    }
    return s / 3600 + " h " + (s % 3600) / 60 + " min";
  }

  private static void pad(StringBuilder sb, String s, int w, boolean right) {
    if (right) {
      sb.append(" ".repeat(Math.max(0, w - s.length())));
    }
    sb.append(s);
    if (!right) {
      sb.append(" ".repeat(Math.max(0, w - s.length())));
    }
  }
}
