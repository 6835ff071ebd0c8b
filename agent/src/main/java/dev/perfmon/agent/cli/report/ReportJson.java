package dev.perfmon.agent.cli.report;

import dev.perfmon.agent.SuppressForbidden;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code report --json}: the merged figures as one JSON document. {@code operations} is keyed by
 * operation name, each with the snapshot's field names (durations in milliseconds); see
 * docs/report.md.
 */
@SuppressForbidden // a JsonFactory with Jackson's defaults: the command-line tool's own JVM, no host's threads
final class ReportJson {
  private static final JsonFactory JSON = new JsonFactory();

  private ReportJson() {}

  static void write(Report r, PrintStream out) throws IOException {
    OutputStream nonClosing =
        new java.io.FilterOutputStream(out) {
          @Override
          public void close() throws IOException {
            flush();
          }
        };
    Merger m = r.merger();
    try (JsonGenerator g = JSON.createGenerator(nonClosing, JsonEncoding.UTF8)) {
      g.useDefaultPrettyPrinter();
      g.writeStartObject();
      g.writeStringField("from", Instant.ofEpochMilli(m.first).toString());
      g.writeStringField("to", Instant.ofEpochMilli(m.last).toString());
      g.writeNumberField("seconds", m.seconds());
      g.writeNumberField("files", r.files().size());
      g.writeNumberField("lines", r.reader().lines());
      g.writeNumberField("corruptLines", r.reader().corruptLines());
      g.writeNumberField("snapshots", m.snapshots);
      g.writeNumberField("slowEvents", m.slowEvents);
      g.writeNumberField("memoryWarnings", m.memoryWarnings);
      if (r.options().scope() != null) {
        g.writeStringField("scope", r.options().scope());
      }
      List<OpStats> merged = Merger.byTotalTime(m.ops());
      g.writeStringField("percentiles", Report.percentileSource(merged));
      operations(g, merged, m.seconds(), r.options().top());
      g.writeArrayFieldStart("jvms");
      Map<String, String> labels = m.jvmLabels();
      for (Merger.Jvm j : m.jvms.values()) {
        g.writeStartObject();
        g.writeStringField("label", labels.get(j.key));
        g.writeNumberField("pid", j.pid);
        g.writeStringField("file", j.source);
        g.writeStringField("from", Instant.ofEpochMilli(j.first).toString());
        g.writeStringField("to", Instant.ofEpochMilli(j.last).toString());
        g.writeNumberField("snapshots", j.snapshots);
        g.writeNumberField("droppedEvents", j.droppedEvents);
        if (r.options().byJvm()) {
          operations(g, Merger.byTotalTime(j.ops), j.seconds(), r.options().top());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    out.println();
    out.flush();
  }

  private static void operations(JsonGenerator g, List<OpStats> ops, double seconds, int top)
      throws IOException {
    double total = 0;
    for (OpStats s : ops) {
      total += s.totalMs();
    }
    g.writeObjectFieldStart("operations");
    int n = 0;
    for (OpStats s : ops) {
      if (top > 0 && n++ == top) {
        break;
      }
      g.writeObjectFieldStart(s.name);
      g.writeNumberField("count", s.count);
      g.writeNumberField("successCount", s.count - s.errors);
      g.writeNumberField("errorCount", s.errors);
      if (s.sampled != s.count) {
        g.writeNumberField("sampledCount", s.sampled);
      }
      ms(g, "avgDuration", s.avgMs());
      ms(g, "minDuration", Double.isNaN(s.minMs) ? 0 : s.minMs);
      ms(g, "maxDuration", Double.isNaN(s.maxMs) ? 0 : s.maxMs);
      for (int i = 0; i < Lines.PERCENTILES.length; i++) {
        ms(g, Lines.PERCENTILES[i], s.percentileMs(Lines.QUANTILES[i]));
      }
      g.writeStringField("percentiles", s.exact() ? "histogram" : "approximate");
      g.writeNumberField("throughput", round(seconds > 0 ? s.count / seconds : 0, 6));
      ms(g, "totalTime", s.totalMs());
      g.writeNumberField("timeShare", round(total > 0 ? s.totalMs() / total : 0, 6));
      g.writeNumberField("intervals", s.intervals);
      if (!Double.isNaN(s.budgetMs)) {
        g.writeObjectFieldStart("budget");
        ms(g, "budget", s.budgetMs);
        g.writeNumberField("percentile", s.budgetPercentile);
        double v = s.percentileMs(s.budgetPercentile);
        if (!Double.isNaN(v)) {
          ms(g, "actual", v);
        }
        g.writeStringField("status", s.budgetStatus());
        g.writeNumberField("intervalsOver", s.violations);
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private static void ms(JsonGenerator g, String name, double v) throws IOException {
    g.writeNumberField(name, round(v, 6));
  }

  private static BigDecimal round(double v, int decimals) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return BigDecimal.ZERO;
    }
    return BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_EVEN).stripTrailingZeros();
  }
}
