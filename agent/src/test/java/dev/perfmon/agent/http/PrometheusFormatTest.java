package dev.perfmon.agent.http;

import static org.assertj.core.api.Assertions.assertThat;
import dev.perfmon.agent.output.TestOutputs;

import dev.perfmon.agent.monitor.LiveStats;
import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.agent.output.Output;
import dev.perfmon.bootstrap.PerfMon;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class PrometheusFormatTest {
  private static final Output NONE =
      TestOutputs.NONE;

  private final OperationRegistry registry = new OperationRegistry(100, n -> {});
  private final Monitor monitor =
      new Monitor(registry, List.of(NONE), Duration.ofHours(1), List.of(), true, false, LoggerFactory.getLogger("t"));
  private final LiveStats live = new LiveStats(() -> monitor, true);
  private static final long[] BOUNDS = {1_000_000, 2_500_000, 1_000_000_000};

  @AfterEach
  void clear() {
    Recorders.clear();
  }

  @Test
  void labelValuesAreEscaped() {
    assertThat(PrometheusFormat.escape("plain")).isEqualTo("plain");
    assertThat(PrometheusFormat.escape("a\"b")).isEqualTo("a\\\"b");
    assertThat(PrometheusFormat.escape("C:\\temp\\x")).isEqualTo("C:\\\\temp\\\\x");
    assertThat(PrometheusFormat.escape("line1\nline2")).isEqualTo("line1\\nline2");
    assertThat(PrometheusFormat.escape("\\\"\n")).isEqualTo("\\\\\\\"\\n");
    assertThat(PrometheusFormat.escape("tab\tand ünïcode")).isEqualTo("tab\tand ünïcode");
  }

  @Test
  void boundsAreSpelledTheSameInEveryJvm() {
    assertThat(PrometheusFormat.seconds(100_000)).isEqualTo("0.0001");
    assertThat(PrometheusFormat.seconds(2_500_000)).isEqualTo("0.0025");
    assertThat(PrometheusFormat.seconds(1_000_000_000)).isEqualTo("1.0");
    assertThat(PrometheusFormat.seconds(2_500_000_000L)).isEqualTo("2.5");
    assertThat(PrometheusFormat.seconds(60_000_000_000L)).isEqualTo("60.0");
    assertThat(PrometheusFormat.number(0.5)).isEqualTo("0.5");
    assertThat(PrometheusFormat.number(3)).isEqualTo("3");
    assertThat(PrometheusFormat.number(Double.NaN)).isEqualTo("NaN");
  }

  @Test
  void openMetricsOnlyWhenTheScraperAsksForIt() {
    assertThat(PrometheusFormat.wantsOpenMetrics(null)).isFalse();
    assertThat(PrometheusFormat.wantsOpenMetrics("text/plain")).isFalse();
    assertThat(PrometheusFormat.wantsOpenMetrics("*/*")).isFalse();
    assertThat(
            PrometheusFormat.wantsOpenMetrics(
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"))
        .isTrue();
    assertThat(PrometheusFormat.wantsOpenMetrics("application/openmetrics-text;q=0")).isFalse();
  }

  @Test
  void histogramsAreCumulativeWithSumAndCountAndEscapedNames() {
    String nasty = "jdbc.select * from \"t\" where p = 'C:\\x'\nand";
    int a = registry.idOf(nasty);
    int b = registry.idOf("api.orders");
    long sum = 0;
    for (int i = 0; i < 10; i++) {
      long v = i < 7 ? 500_000 : 2_000_000; // 7 below 1ms, 3 in (1ms, 2.5ms]
      PerfMon.recordNanos(a, v, i == 9);
      sum += v;
    }
    PerfMon.recordNanos(b, 5_000_000_000L, false); // above every bound
    String text = PrometheusFormat.render(live.read(LiveStats.all(), BOUNDS), false, 0.002);
    String label = "operation=\"jdbc.select * from \\\"t\\\" where p = 'C:\\\\x'\\nand\"";
    assertThat(text)
        .contains("# TYPE perfmon_operation_duration_seconds histogram\n")
        .contains("perfmon_operation_duration_seconds_bucket{" + label + ",le=\"0.001\"} 7\n")
        .contains("perfmon_operation_duration_seconds_bucket{" + label + ",le=\"0.0025\"} 10\n")
        .contains("perfmon_operation_duration_seconds_bucket{" + label + ",le=\"1.0\"} 10\n")
        .contains("perfmon_operation_duration_seconds_bucket{" + label + ",le=\"+Inf\"} 10\n")
        .contains("perfmon_operation_duration_seconds_sum{" + label + "} " + PrometheusFormat.number(sum / 1e9) + "\n")
        .contains("perfmon_operation_duration_seconds_count{" + label + "} 10\n")
        .contains("perfmon_operation_duration_seconds_bucket{operation=\"api.orders\",le=\"1.0\"} 0\n")
        .contains("perfmon_operation_duration_seconds_bucket{operation=\"api.orders\",le=\"+Inf\"} 1\n")
        .contains("# TYPE perfmon_operation_calls_total counter\n")
        .contains("perfmon_operation_errors_total{" + label + "} 1\n")
        .contains("perfmon_jvm_memory_heap_used_bytes ")
        .contains("perfmon_jvm_threads ")
        .contains("perfmon_agent_operations " + registry.recorders().size() + "\n")
        .contains("perfmon_agent_scrape_duration_seconds 0.002\n")
        .doesNotContain("# EOF");
    // Every sample line is one line: name{labels} value.
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty() || line.startsWith("# ")) {
        continue;
      }
      assertThat(line).matches("[a-z_]+(\\{.*\\})? [-+0-9.eEInfNa]+");
    }
    // Buckets never decrease along le.
    Matcher m = Pattern.compile("_bucket\\{" + Pattern.quote(label) + ",le=\"[^\"]+\"\\} (\\d+)").matcher(text);
    List<Long> counts = new ArrayList<>();
    while (m.find()) {
      counts.add(Long.parseLong(m.group(1)));
    }
    assertThat(counts).hasSize(4).isSorted();
  }

  @Test
  void openMetricsNamesCountersWithoutTotalAndEndsWithEof() {
    PerfMon.recordNanos(registry.idOf("op"), 1_000, false);
    String text = PrometheusFormat.render(live.read(LiveStats.all(), BOUNDS), true, -1);
    assertThat(text)
        .contains("# TYPE perfmon_operation_calls counter\n")
        .contains("perfmon_operation_calls_total{operation=\"op\"} 1\n")
        .contains("# TYPE perfmon_operation_duration_seconds histogram\n")
        .endsWith("# EOF\n")
        .doesNotContain("perfmon_agent_scrape_duration_seconds");
  }

  @Test
  void statusClassesOfServletOperations() {
    assertThat(PrometheusFormat.statusClass("status2xx")).isEqualTo("2xx");
    assertThat(PrometheusFormat.statusClass("status5xx")).isEqualTo("5xx");
    assertThat(PrometheusFormat.statusClass("slowCount")).isNull();
  }
}
