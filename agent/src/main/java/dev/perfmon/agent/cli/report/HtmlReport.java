package dev.perfmon.agent.cli.report;

import dev.perfmon.agent.SuppressForbidden;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * {@code report --html OUT.html}: one self-contained HTML file (uPlot's script and stylesheet
 * inlined from its WebJar, the data as an inline JSON block, no other resource, no network): the
 * merged table, and per operation latency percentiles, throughput and errors over time (one series
 * per JVM), slow calls, budget violations and memory warnings on a timeline, heap and GC time over
 * time. Written to a temporary file next to {@code out}, then renamed.
 */
@SuppressForbidden // a JsonFactory with Jackson's defaults: the command-line tool's own JVM, no host's threads
final class HtmlReport {
  /** The uPlot WebJar's version (agent/pom.xml); HtmlReportTest checks the resources are there. */
  static final String UPLOT_VERSION = "1.6.30";

  /** Where the build unpacks uPlot's files (the same copy the live dashboard serves). */
  static final String UPLOT_BASE = "dev/perfmon/agent/http/uplot/";

  /** Operations that get charts (the rest are in the table). */
  static final int CHARTED = 8;

  private static final JsonFactory JSON = new JsonFactory();

  private HtmlReport() {}

  static String resource(String name) throws IOException {
    try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(UPLOT_BASE + name)) {
      if (in == null) {
        throw new IOException("uPlot resource missing from the jar: " + UPLOT_BASE + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static void write(Report r, Path out) throws IOException {
    String html = render(r);
    Path abs = out.toAbsolutePath();
    Path parent = abs.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
    Files.writeString(tmp, html, StandardCharsets.UTF_8);
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
  }

  static String render(Report r) throws IOException {
    Merger m = r.merger();
    List<OpStats> ops = Merger.byTotalTime(m.ops());
    int top = r.options().top() > 0 ? r.options().top() : 50;
    StringBuilder h = new StringBuilder(256 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
        .append("script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n")
        .append("<title>perfmon report</title>\n<style>")
        .append(resource("uPlot.min.css"))
        .append("\n")
        .append(CSS)
        .append("</style>\n</head><body>\n<h1>perfmon report</h1>\n<p class=\"meta\">")
        .append(esc(String.format(
            Locale.ROOT,
            "%s .. %s (%s), %d file(s), %d line(s), %d snapshot(s) from %d JVM(s)%s%s",
            Instant.ofEpochMilli(m.first),
            Instant.ofEpochMilli(m.last),
            ReportTable.span(m.seconds()),
            r.files().size(),
            r.reader().lines(),
            m.snapshots,
            m.jvms.size(),
            r.reader().corruptLines() > 0 ? ", " + r.reader().corruptLines() + " corrupt line(s) skipped" : "",
            r.options().scope() != null ? ", scope '" + r.options().scope() + "'" : "")))
        .append("</p>\n");
    String source = Report.percentileSource(ops);
    h.append("<p class=\"note\">")
        .append(
            switch (source) {
              case "histograms" -> "Percentiles from merged histograms (within 0.78 % of the exact values).";
              case "approximate" -> "Percentiles marked ~ are APPROXIMATIONS: the files carry no histograms, so they are call-weighted means of the snapshots' interval percentiles. Enable output.histograms=true for exact merging.";
              default -> "Percentiles marked ~ are approximations (some snapshots carried no histogram); the others come from merged histograms.";
            })
        .append(" Charts show each snapshot's interval figures, one series per JVM.</p>\n");
    table(h, ops, m.seconds(), top);
    h.append("<div id=\"charts\"></div>\n<script id=\"data\" type=\"application/json\">")
        .append(data(r, ops).replace("</", "<\\/"))
        .append("</script>\n<script>")
        .append(resource("uPlot.iife.min.js"))
        .append("</script>\n<script>")
        .append(JS)
        .append("</script>\n</body></html>\n");
    return h.toString();
  }

  private static void table(StringBuilder h, List<OpStats> ops, double seconds, int top) {
    double total = 0;
    for (OpStats s : ops) {
      total += s.totalMs();
    }
    h.append("<table id=\"ops\"><thead><tr><th>operation</th><th>calls</th><th>err %</th>")
        .append("<th>calls/s</th><th>avg ms</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th>")
        .append("<th>max ms</th><th>time %</th><th>budget</th></tr></thead><tbody>\n");
    int n = 0;
    for (OpStats s : ops) {
      if (n++ == top) {
        break;
      }
      String approx = s.exact() ? "" : "~";
      String status = s.budgetStatus();
      h.append("<tr><td class=\"name\">").append(esc(s.name)).append("</td>");
      cell(h, Long.toString(s.count));
      cell(h, String.format(Locale.ROOT, "%.2f", 100 * s.errorRate()));
      cell(h, ReportTable.num(seconds > 0 ? s.count / seconds : 0));
      cell(h, ReportTable.num(s.avgMs()));
      cell(h, approx + ReportTable.num(s.percentileMs(0.50)));
      cell(h, approx + ReportTable.num(s.percentileMs(0.95)));
      cell(h, approx + ReportTable.num(s.percentileMs(0.99)));
      cell(h, ReportTable.num(Double.isNaN(s.maxMs) ? 0 : s.maxMs));
      cell(h, String.format(Locale.ROOT, "%.1f", total > 0 ? 100 * s.totalMs() / total : 0));
      h.append("<td class=\"")
          .append(status == null ? "" : status.equals("over") ? "over" : "ok")
          .append("\">")
          .append(status == null ? "-" : esc(status + " " + s.violations + "/" + s.intervals))
          .append("</td></tr>\n");
    }
    h.append("</tbody></table>\n");
    if (ops.size() > top) {
      h.append("<p class=\"meta\">").append(ops.size() - top).append(" more operation(s) not listed (--top N).</p>\n");
    }
  }

  private static void cell(StringBuilder h, String v) {
    h.append("<td>").append(esc(v)).append("</td>");
  }

  /** The chart data: aligned time axes per chart, as uPlot wants them. */
  private static String data(Report r, List<OpStats> ops) throws IOException {
    Merger m = r.merger();
    Series series = m.seriesOrEmpty();
    Map<String, String> labels = m.jvmLabels();
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      g.writeArrayFieldStart("jvms");
      for (String key : m.jvms.keySet()) {
        g.writeString(labels.get(key));
      }
      g.writeEndArray();
      List<String> keys = new ArrayList<>(m.jvms.keySet());
      g.writeArrayFieldStart("ops");
      int charted = 0;
      for (OpStats s : ops) {
        if (charted++ == CHARTED) {
          break;
        }
        g.writeStartObject();
        g.writeStringField("name", s.name);
        TreeSet<Long> times = new TreeSet<>();
        for (String k : keys) {
          Series.Points p = series.ops.getOrDefault(k, Map.of()).get(s.name);
          if (p != null) {
            for (int i = 0; i < p.n; i++) {
              times.add(p.t[i]);
            }
          }
        }
        long[] t = times.stream().mapToLong(Long::longValue).toArray();
        writeSeconds(g, t);
        g.writeArrayFieldStart("series");
        for (int j = 0; j < keys.size(); j++) {
          Series.Points p = series.ops.getOrDefault(keys.get(j), Map.of()).get(s.name);
          if (p == null) {
            continue;
          }
          g.writeStartObject();
          g.writeNumberField("jvm", j);
          Double[][] cols = new Double[5][t.length];
          for (int i = 0; i < p.n; i++) {
            int at = java.util.Arrays.binarySearch(t, p.t[i]);
            double secs = p.secs[i] > 0 ? p.secs[i] : 1;
            cols[0][at] = p.calls[i] / secs;
            cols[1][at] = p.errors[i] / secs;
            cols[2][at] = p.calls[i] > 0 ? p.p[0][i] : null;
            cols[3][at] = p.calls[i] > 0 ? p.p[1][i] : null;
            cols[4][at] = p.calls[i] > 0 ? p.p[2][i] : null;
          }
          String[] names = {"rate", "errors", "p50", "p95", "p99"};
          for (int c = 0; c < names.length; c++) {
            g.writeArrayFieldStart(names[c]);
            for (Double v : cols[c]) {
              if (v == null) {
                g.writeNull();
              } else {
                g.writeNumber(round(v));
              }
            }
            g.writeEndArray();
          }
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      // memory: heap used and gc time per interval, per JVM
      TreeSet<Long> mt = new TreeSet<>();
      for (Series.MemoryPoints mp : series.memory.values()) {
        for (long[] x : mp.times) {
          mt.add(x[0]);
        }
      }
      long[] t = mt.stream().mapToLong(Long::longValue).toArray();
      g.writeObjectFieldStart("memory");
      writeSeconds(g, t);
      g.writeArrayFieldStart("series");
      for (int j = 0; j < keys.size(); j++) {
        Series.MemoryPoints mp = series.memory.get(keys.get(j));
        if (mp == null) {
          continue;
        }
        Double[] heap = new Double[t.length];
        Double[] gc = new Double[t.length];
        for (int i = 0; i < mp.times.size(); i++) {
          int at = java.util.Arrays.binarySearch(t, mp.times.get(i)[0]);
          heap[at] = mp.values.get(i)[0];
          gc[at] = mp.values.get(i)[2];
        }
        g.writeStartObject();
        g.writeNumberField("jvm", j);
        array(g, "heap", heap);
        array(g, "gc", gc);
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      // events: one aligned x axis, one column per kind
      List<Series.Event> ev = new ArrayList<>(series.events);
      ev.sort((a, b) -> Long.compare(a.t(), b.t()));
      g.writeObjectFieldStart("events");
      g.writeNumberField("omitted", series.eventsOmitted);
      long[] et = new long[ev.size()];
      for (int i = 0; i < et.length; i++) {
        et[i] = ev.get(i).t();
      }
      writeSeconds(g, et);
      String[] kinds = {"slow", "very-slow", "budget", "memory"};
      for (String kind : kinds) {
        Double[] col = new Double[ev.size()];
        for (int i = 0; i < col.length; i++) {
          Series.Event e = ev.get(i);
          if (e.kind().equals(kind)) {
            col[i] = kind.equals("memory") ? 0.0 : e.valueMs();
          }
        }
        array(g, kind, col);
      }
      g.writeArrayFieldStart("labels");
      for (Series.Event e : ev) {
        String jvm = labels.getOrDefault(e.jvm(), e.jvm());
        g.writeString(
            e.kind().equals("memory")
                ? "memory warning (" + e.operation() + ", heap " + ReportTable.num(e.valueMs()) + " MB) in " + jvm
                : e.kind() + " " + e.operation() + " " + ReportTable.num(e.valueMs()) + " ms"
                    + (Double.isNaN(e.limitMs()) ? "" : " (budget " + ReportTable.num(e.limitMs()) + " ms)")
                    + " in " + jvm);
      }
      g.writeEndArray();
      g.writeEndObject();
      g.writeEndObject();
    }
    return w.toString();
  }

  private static void writeSeconds(JsonGenerator g, long[] millis) throws IOException {
    g.writeArrayFieldStart("t");
    for (long ms : millis) {
      g.writeNumber(ms / 1000.0);
    }
    g.writeEndArray();
  }

  private static void array(JsonGenerator g, String name, Double[] values) throws IOException {
    g.writeArrayFieldStart(name);
    for (Double v : values) {
      if (v == null) {
        g.writeNull();
      } else {
        g.writeNumber(round(v));
      }
    }
    g.writeEndArray();
  }

  private static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }

  private static final String CSS =
      """
      body{font:14px system-ui,sans-serif;margin:16px 24px;color:#222}
      h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:24px 0 4px}
      .meta{color:#555;margin:2px 0} .note{color:#333;background:#f4f4f4;padding:6px 8px}
      table{border-collapse:collapse;margin:8px 0} th,td{padding:3px 8px;border-bottom:1px solid #ddd;text-align:right}
      th{background:#eee} td.name{text-align:left;max-width:520px;overflow-wrap:anywhere}
      td.over{color:#b00;font-weight:bold} td.ok{color:#070}
      .row{display:flex;flex-wrap:wrap;gap:12px} .chart{margin:4px 0 12px}
      .empty{color:#777;font-style:italic}
      """;

  /**
   * Builds the charts from the JSON data block. Colours per JVM; latency as p50 (thin), p95
   * (bold), p99 (dashed); events as points on a log-scaled duration axis.
   */
  private static final String JS =
      """
      (function () {
        var data = JSON.parse(document.getElementById('data').textContent);
        var colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
        var root = document.getElementById('charts');
        var width = Math.max(420, Math.min(760, Math.floor((window.innerWidth - 80) / 2)));
        function colour(j) { return colours[j % colours.length]; }
        function jvmName(j) { return data.jvms[j] || ('JVM ' + j); }
        var row = root;
        function heading(text) {
          var h = document.createElement('h2'); h.textContent = text; root.appendChild(h);
          row = document.createElement('div'); row.className = 'row'; root.appendChild(row);
        }
        function chart(title, xs, series, yLabel, opts) {
          var div = document.createElement('div');
          div.className = 'chart';
          row.appendChild(div);
          if (xs.length === 0) {
            div.textContent = title + ': no data';
            div.className += ' empty';
            return;
          }
          var o = {
            title: title, width: width, height: 240,
            scales: { x: { time: true } },
            axes: [{}, { label: yLabel, size: 60 }],
            series: [{}].concat(series.map(function (s) { return s.opts; }))
          };
          if (opts) { for (var k in opts) { o[k] = opts[k]; } }
          new uPlot(o, [xs].concat(series.map(function (s) { return s.values; })), div);
        }
        var one = data.jvms.length === 1;
        data.ops.forEach(function (op) {
          heading(op.name);
          var lat = [], rate = [];
          op.series.forEach(function (s) {
            var c = colour(s.jvm), n = one ? '' : ' ' + jvmName(s.jvm);
            lat.push({ opts: { label: 'p50' + n, stroke: c, width: 1, spanGaps: true }, values: s.p50 });
            lat.push({ opts: { label: 'p95' + n, stroke: c, width: 2.5, spanGaps: true }, values: s.p95 });
            lat.push({ opts: { label: 'p99' + n, stroke: c, width: 1, dash: [6, 4], spanGaps: true }, values: s.p99 });
            rate.push({ opts: { label: 'calls/s' + n, stroke: c, width: 2, spanGaps: true }, values: s.rate });
            rate.push({ opts: { label: 'errors/s' + n, stroke: c, width: 1, dash: [2, 3], spanGaps: true }, values: s.errors });
          });
          chart('latency (interval percentiles)', op.t, lat, 'ms');
          chart('throughput and errors', op.t, rate, 'per second');
        });
        heading('events: slow calls, budget violations, memory warnings');
        var ev = data.events;
        var dot = function (c, shape) { return { show: true, size: 7, stroke: c, fill: c }; };
        var noLine = function () { return null; };
        var positive = function (col) { return col.map(function (v) { return v === null ? null : Math.max(v, 0.001); }); };
        chart('events' + (ev.omitted > 0 ? ' (' + ev.omitted + ' more not drawn)' : ''), ev.t, [
          { opts: { label: 'slow call (ms)', stroke: '#ff7f0e', paths: noLine, points: dot('#ff7f0e') }, values: positive(ev.slow) },
          { opts: { label: 'very slow call (ms)', stroke: '#d62728', paths: noLine, points: dot('#d62728') }, values: positive(ev['very-slow']) },
          { opts: { label: 'budget violation (ms)', stroke: '#9467bd', paths: noLine, points: dot('#9467bd') }, values: positive(ev.budget) },
          { opts: { label: 'memory warning', stroke: '#2ca02c', paths: noLine, points: dot('#2ca02c'), scale: 'mem' }, values: ev.memory }
        ], 'ms', { scales: { x: { time: true }, y: { distr: 3 }, mem: { range: [-1, 1] } },
                   axes: [{}, { label: 'ms (log)', size: 60 }, { scale: 'mem', show: false }] });
        var list = document.createElement('details');
        var sum = document.createElement('summary');
        sum.textContent = ev.labels.length + ' event(s)';
        list.appendChild(sum);
        var ul = document.createElement('ul');
        ev.labels.slice(0, 500).forEach(function (l, i) {
          var li = document.createElement('li');
          li.textContent = new Date(ev.t[i] * 1000).toISOString() + ' ' + l;
          ul.appendChild(li);
        });
        list.appendChild(ul);
        row.appendChild(list);
        heading('memory');
        var heap = [], gc = [];
        data.memory.series.forEach(function (s) {
          var c = colour(s.jvm), n = jvmName(s.jvm);
          heap.push({ opts: { label: 'heap used ' + n, stroke: c, width: 2, spanGaps: true }, values: s.heap });
          gc.push({ opts: { label: 'GC time ' + n, stroke: c, width: 2, spanGaps: true }, values: s.gc });
        });
        chart('heap used', data.memory.t, heap, 'MB');
        chart('GC time per interval', data.memory.t, gc, 'ms');
        document.body.setAttribute('data-charts', String(document.querySelectorAll('.uplot').length));
      })();
      """;
}
