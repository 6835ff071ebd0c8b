package dev.perfmon.agent.http;

import dev.perfmon.agent.monitor.LiveStats;
import dev.perfmon.agent.monitor.MemorySampler;
import dev.perfmon.agent.monitor.Snapshot;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link LiveStats.Reading} as Prometheus text exposition format 0.0.4 or as
 * OpenMetrics 1.0.0 text. Metric and label names follow the Prometheus conventions (base units:
 * seconds and bytes, {@code _total} for counters); label values are escaped (backslash, double
 * quote and line feed), so operation names holding SQL or paths cannot break a line.
 *
 * <p>Per operation: the histogram {@code perfmon_operation_duration_seconds} (its buckets are the
 * configured {@code metrics.buckets}, the same in every JVM, so {@code histogram_quantile} over
 * many JVMs is right), {@code perfmon_operation_calls_total}, {@code
 * perfmon_operation_errors_total} and, for servlet operations, {@code
 * perfmon_http_responses_total{status_class=...}}. Then JVM memory, GC, threads and CPU, and the
 * agent's own cost.
 *
 * <p>Stateless and thread-safe.
 */
public final class PrometheusFormat {
  /** The content type of the 0.0.4 text format. */
  public static final String TEXT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
  /** The content type of OpenMetrics text. */
  public static final String OPENMETRICS_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private static final double MB = 1024.0 * 1024.0;

  private final boolean openMetrics;
  private final StringBuilder out;

  private PrometheusFormat(boolean openMetrics, int sizeHint) {
    this.openMetrics = openMetrics;
    this.out = new StringBuilder(sizeHint);
  }

  /**
   * Whether a scraper's {@code Accept} header asks for OpenMetrics: it names {@code
   * application/openmetrics-text} with a quality above 0 (Prometheus sends it first, with the
   * 0.0.4 text format as a fallback).
   */
  public static boolean wantsOpenMetrics(String accept) {
    if (accept == null) {
      return false;
    }
    for (String part : accept.split(",", -1)) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      if (p.startsWith("application/openmetrics-text")) {
        int q = p.indexOf("q=");
        if (q < 0) {
          return true;
        }
        try {
          String v = p.substring(q + 2);
          int end = v.indexOf(';');
          return Double.parseDouble(end < 0 ? v : v.substring(0, end)) > 0;
        } catch (NumberFormatException e) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * The exposition of {@code r}.
   *
   * @param previousScrapeSeconds how long the previous scrape took, or negative when unknown
   */
  public static String render(LiveStats.Reading r, boolean openMetrics, double previousScrapeSeconds) {
    int ops = r.snapshot().operations().size();
    PrometheusFormat f = new PrometheusFormat(openMetrics, 1024 + ops * (300 + 120 * (r.boundsNanos().length + 4)));
    f.write(r, previousScrapeSeconds);
    return f.out.toString();
  }

  private void write(LiveStats.Reading r, double previousScrapeSeconds) {
    Snapshot s = r.snapshot();
    long[] bounds = r.boundsNanos();
    String[] le = new String[bounds.length];
    for (int i = 0; i < bounds.length; i++) {
      le[i] = seconds(bounds[i]);
    }
    if (!r.histograms().isEmpty()) {
      family("perfmon_operation_duration_seconds", "histogram", "Duration of the timed calls of each operation.");
      for (Snapshot.Operation op : s.operations()) {
        long[] counts = r.histograms().get(op.name());
        if (counts == null) {
          continue;
        }
        String name = escape(op.name());
        for (int i = 0; i < bounds.length; i++) {
          sample("perfmon_operation_duration_seconds_bucket", "operation", name, "le", le[i], counts[i]);
        }
        long all = counts[bounds.length];
        sample("perfmon_operation_duration_seconds_bucket", "operation", name, "le", "+Inf", all);
        // The recorder's exact sum, of the timed calls that the buckets count.
        sampleDouble("perfmon_operation_duration_seconds_sum", "operation", name, op.cumulative().sumNanos() / 1e9);
        sample("perfmon_operation_duration_seconds_count", "operation", name, null, null, all);
      }
    }
    counter("perfmon_operation_calls", "Calls of each operation, timed or only counted (sampling).");
    for (Snapshot.Operation op : s.operations()) {
      sample("perfmon_operation_calls_total", "operation", escape(op.name()), null, null, op.cumulative().count());
    }
    counter("perfmon_operation_errors", "Calls of each operation that ended with an exception (or an HTTP 5xx for servlet requests).");
    for (Snapshot.Operation op : s.operations()) {
      sample("perfmon_operation_errors_total", "operation", escape(op.name()), null, null, op.cumulative().errors());
    }
    boolean anyStatus = false;
    for (Snapshot.Operation op : s.operations()) {
      for (Map.Entry<String, Long> e : op.extra().entrySet()) {
        if (statusClass(e.getKey()) == null) {
          continue;
        }
        if (!anyStatus) {
          counter("perfmon_http_responses", "HTTP responses of each servlet operation by status class.");
          anyStatus = true;
        }
        sample("perfmon_http_responses_total", "operation", escape(op.name()), "status_class", statusClass(e.getKey()), e.getValue());
      }
    }
    MemorySampler.Reading m = s.memory();
    if (m != null) {
      gauge("perfmon_jvm_memory_heap_used_bytes", "Used heap.", Math.round(m.heapUsedMb() * MB));
      gauge("perfmon_jvm_memory_heap_committed_bytes", "Committed heap.", Math.round(m.heapCommittedMb() * MB));
      if (m.heapMaxMb() >= 0) {
        gauge("perfmon_jvm_memory_heap_max_bytes", "Maximum heap.", Math.round(m.heapMaxMb() * MB));
      }
      gauge("perfmon_jvm_memory_nonheap_used_bytes", "Used non-heap memory.", Math.round(m.nonHeapUsedMb() * MB));
      if (m.rssMb() >= 0) {
        gauge("perfmon_process_resident_memory_bytes", "Resident set size of the process.", Math.round(m.rssMb() * MB));
      }
      counter("perfmon_jvm_gc_collections", "Garbage collections by collector.");
      for (Map.Entry<String, long[]> e : m.gc().entrySet()) {
        sample("perfmon_jvm_gc_collections_total", "gc", escape(e.getKey()), null, null, e.getValue()[0]);
      }
      counter("perfmon_jvm_gc_collection_seconds", "Time spent in garbage collections by collector.");
      for (Map.Entry<String, long[]> e : m.gc().entrySet()) {
        sampleDouble("perfmon_jvm_gc_collection_seconds_total", "gc", escape(e.getKey()), e.getValue()[1] / 1e3);
      }
      gauge("perfmon_jvm_threads", "Live threads.", m.threads());
      if (m.processCpuLoad() >= 0) {
        gaugeDouble("perfmon_process_cpu_usage", "CPU used by the process since the previous scrape, as a share of all processors (0 to 1).", m.processCpuLoad());
      }
    }
    Snapshot.Self a = s.agent();
    gauge("perfmon_agent_operations", "Operations the agent tracks.", a.operations());
    gauge("perfmon_agent_max_operations", "The max-operations cap.", a.maxOperations());
    gauge("perfmon_agent_overflowed", "1 when the max-operations cap was reached (further operations are counted under 'other').", a.overflowed() ? 1 : 0);
    counter("perfmon_agent_suppressed_errors", "Failures inside the agent's woven code that were suppressed (the application was not affected).");
    sample("perfmon_agent_suppressed_errors_total", null, null, null, null, a.suppressedErrors());
    gauge("perfmon_agent_footprint_bytes", "Memory held by the agent's recorders (estimate).", a.footprintBytes());
    gaugeDouble("perfmon_agent_snapshot_duration_seconds", "Time the agent took to compute its latest periodic snapshot.", a.snapshotMillis() / 1e3);
    if (a.costPerCallNanos() > 0) {
      gaugeDouble("perfmon_agent_cost_per_call_seconds", "Calibrated cost of timing and recording one call on this machine.", a.costPerCallNanos() / 1e9);
    }
    if (a.overheadSharePerThread() >= 0) {
      gaugeDouble("perfmon_agent_overhead_ratio", "Estimated share of each thread's time spent in the agent since the latest snapshot.", a.overheadSharePerThread());
    }
    if (previousScrapeSeconds >= 0) {
      gaugeDouble("perfmon_agent_scrape_duration_seconds", "Time the agent took to render the previous scrape of this endpoint.", previousScrapeSeconds);
    }
    if (openMetrics) {
      out.append("# EOF\n");
    }
  }

  /** {@code status2xx} to {@code 2xx}; null for other counters. */
  static String statusClass(String field) {
    if (field.length() == 9 && field.startsWith("status") && field.endsWith("xx")) {
      return field.substring(6);
    }
    return null;
  }

  private void family(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ');
    escapeHelp(help, out);
    out.append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  /** A counter family: OpenMetrics names it without the {@code _total} of its samples. */
  private void counter(String base, String help) {
    family(openMetrics ? base : base + "_total", "counter", help);
  }

  private void gauge(String name, String help, long value) {
    family(name, "gauge", help);
    sample(name, null, null, null, null, value);
  }

  private void gaugeDouble(String name, String help, double value) {
    family(name, "gauge", help);
    sampleDouble(name, null, null, value);
  }

  private void labels(String k1, String v1, String k2, String v2) {
    if (k1 == null) {
      return;
    }
    out.append('{').append(k1).append("=\"").append(v1).append('"');
    if (k2 != null) {
      out.append(',').append(k2).append("=\"").append(v2).append('"');
    }
    out.append('}');
  }

  private void sample(String name, String k1, String v1, String k2, String v2, long value) {
    out.append(name);
    labels(k1, v1, k2, v2);
    out.append(' ').append(value).append('\n');
  }

  private void sampleDouble(String name, String k1, String v1, double value) {
    out.append(name);
    labels(k1, v1, null, null);
    out.append(' ').append(number(value)).append('\n');
  }

  /** A label value with backslash, double quote and line feed escaped (both formats). */
  static String escape(String value) {
    StringBuilder b = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      String rep =
          switch (c) {
            case '\\' -> "\\\\";
            case '"' -> "\\\"";
            case '\n' -> "\\n";
            default -> null;
          };
      if (rep != null && b == null) {
        b = new StringBuilder(value.length() + 16).append(value, 0, i);
      }
      if (b != null) {
        if (rep != null) {
          b.append(rep);
        } else {
          b.append(c);
        }
      }
    }
    return b == null ? value : b.toString();
  }

  /** HELP text: backslash and line feed escaped. */
  private static void escapeHelp(String text, StringBuilder b) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        b.append("\\\\");
      } else if (c == '\n') {
        b.append("\\n");
      } else {
        b.append(c);
      }
    }
  }

  /**
   * A bucket bound in seconds, written the same way in both formats and always with a decimal
   * point ({@code 0.0001}, {@code 2.5}, {@code 1.0}): the {@code le} label is text, so every JVM
   * must spell a bound alike for the series to add up.
   */
  static String seconds(long nanos) {
    BigDecimal d = BigDecimal.valueOf(nanos).movePointLeft(9).stripTrailingZeros();
    if (d.scale() <= 0) {
      return d.setScale(1).toPlainString();
    }
    return d.toPlainString();
  }

  /** A sample value: plain for whole numbers, Java's shortest round-trip form otherwise. */
  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
