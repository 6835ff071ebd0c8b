package dev.perfmon.agent.cli.report;

import dev.perfmon.agent.SuppressForbidden;
import dev.perfmon.config.Durations;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code report FILE|DIR... [--since 2h] [--until ...] [--scope PREFIX] [--top N] [--by-jvm]
 * [--json] [--html OUT.html] [--width N]}: merges any number of perfmon JSON Lines files (rotated
 * sets, several JVMs, gzip) into one table of operations sorted by total time, a JSON document, or
 * a self-contained HTML page with charts. See docs/report.md.
 */
public final class ReportCommand {
  static final int OK = 0;
  static final int FAILURE = 1;
  static final int USAGE = 2;

  private ReportCommand() {}

  /** The parsed command line. */
  record Options(
      List<String> inputs,
      long since,
      long until,
      String scope,
      int top,
      boolean byJvm,
      boolean json,
      Path html,
      int width) {}

  public static int run(String[] args, PrintStream out, PrintStream err) {
    Options o;
    try {
      o = parse(args, System.currentTimeMillis());
    } catch (IllegalArgumentException e) {
      err.println("perfmon: " + e.getMessage());
      err.println(
          "perfmon: usage: report FILE|DIR... [--since 2h|ISO-instant] [--until ...] [--scope PREFIX]"
              + " [--top N] [--by-jvm] [--json] [--html OUT.html] [--width N]");
      return USAGE;
    }
    Merger merger;
    JsonlReader reader;
    List<InputFiles.Entry> files;
    try {
      files = InputFiles.expand(o.inputs());
      if (files.isEmpty()) {
        err.println("perfmon: no perfmon files (*.jsonl, *.jsonl.N, .gz) in " + String.join(" ", o.inputs()));
        return FAILURE;
      }
      merger = new Merger(o.since(), o.until(), o.scope(), o.html() != null ? new Series() : null);
      reader = new JsonlReader(merger, err, 1_500_000_000L);
      reader.read(files);
    } catch (IOException e) {
      err.println("perfmon: cannot read: " + e.getMessage());
      return FAILURE;
    }
    Report report = new Report(o, files, reader, merger);
    if (reader.corruptLines() > 0 || reader.truncatedFiles() > 0) {
      err.printf(
          java.util.Locale.ROOT,
          "perfmon: skipped %d line(s) that were not whole JSON of a known shape%s%n",
          reader.corruptLines(),
          reader.truncatedFiles() > 0
              ? "; " + reader.truncatedFiles() + " gzip file(s) ended early (read up to the cut)"
              : "");
    }
    if (merger.snapshots == 0) {
      err.println(
          "perfmon: no snapshot"
              + (merger.snapshotsOutOfRange > 0
                  ? " in the time range (" + merger.snapshotsOutOfRange + " outside it)"
                  : "")
              + " in " + files.size() + " file(s)");
      return FAILURE;
    }
    try {
      if (o.html() != null) {
        HtmlReport.write(report, o.html());
        err.println("perfmon: wrote " + o.html().toAbsolutePath());
      }
      if (o.json()) {
        ReportJson.write(report, out);
      } else if (o.html() == null) {
        ReportTable.print(report, out);
      }
    } catch (IOException e) {
      err.println("perfmon: cannot write: " + e.getMessage());
      return FAILURE;
    }
    return OK;
  }

  static Options parse(String[] args, long now) {
    List<String> inputs = new ArrayList<>();
    long since = Long.MIN_VALUE;
    long until = Long.MAX_VALUE;
    String scope = null;
    int top = -1;
    boolean byJvm = false;
    boolean json = false;
    Path html = null;
    int width = -1;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--since" -> since = time(a, value(args, ++i, a), now);
        case "--until" -> until = time(a, value(args, ++i, a), now);
        case "--scope" -> scope = value(args, ++i, a);
        case "--top" -> top = positive(a, value(args, ++i, a));
        case "--width" -> width = positive(a, value(args, ++i, a));
        case "--by-jvm" -> byJvm = true;
        case "--json" -> json = true;
        case "--html" -> html = Path.of(value(args, ++i, a));
        default -> {
          if (a.startsWith("--")) {
            throw new IllegalArgumentException("unknown option " + a);
          }
          inputs.add(a);
        }
      }
    }
    if (inputs.isEmpty()) {
      throw new IllegalArgumentException("no FILE or DIR given");
    }
    if (since > until) {
      throw new IllegalArgumentException("--since is after --until");
    }
    if (width < 0) {
      width = terminalWidth();
    }
    return new Options(inputs, since, until, scope, top, byJvm, json, html, Math.max(60, width));
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int positive(String option, String v) {
    try {
      int n = Integer.parseInt(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(option + " '" + v + "': expected a positive whole number");
  }

  /** A duration before now (2h, 30m, 90s) or an instant (2026-11-29T10:00:00Z). */
  static long time(String option, String v, long now) {
    try {
      return Instant.parse(v).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return now - Durations.parse(v).toMillis();
      } catch (IllegalArgumentException e2) {
        throw new IllegalArgumentException(
            option
                + " '"
                + v
                + "': expected a duration before now such as 2h, 30m or 90s, or an instant such as"
                + " 2026-11-29T10:00:00Z");
      }
    }
  }

  // The terminal's width comes from the shell's COLUMNS when it exports it; 120 otherwise.
  @SuppressForbidden
  private static int terminalWidth() {
    String c = System.getenv("COLUMNS");
    if (c != null) {
      try {
        return Integer.parseInt(c.trim());
      } catch (NumberFormatException e) {
        // fall through
      }
    }
    return 120;
  }
}
