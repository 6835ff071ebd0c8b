package dev.perfmon.agent.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import dev.perfmon.agent.output.TestOutputs;

import dev.perfmon.agent.output.Output;
import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.PerfMon;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.NavigableMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** {@code output.histograms=true}: each operation's interval carries its sparse histogram. */
class HistogramOutputTest {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Output out =
      TestOutputs.collecting(lines);

  @AfterEach
  void clear() {
    Recorders.clear();
  }

  private Monitor monitor(OperationRegistry registry) {
    return new Monitor(
        registry, List.of(out), Duration.ofHours(1), List.of(), false, false, LoggerFactory.getLogger("test"));
  }

  /** Decodes [first, count, gap, count, ...] into bucket index to count. */
  static NavigableMap<Integer, Long> decode(String array) {
    TreeMap<Integer, Long> m = new TreeMap<>();
    if (array.isEmpty()) {
      return m;
    }
    String[] parts = array.split(",", -1);
    int index = 0;
    for (int i = 0; i < parts.length; i += 2) {
      index += Integer.parseInt(parts[i]);
      m.merge(index, Long.parseLong(parts[i + 1]), Long::sum);
    }
    return m;
  }

  private static String histogramOf(String line, String op) {
    Matcher m =
        Pattern.compile("\"" + Pattern.quote(op) + "\":\\{.*?\"interval\":\\{[^{}]*?\"histogram\":\\[([0-9,]*)\\]")
            .matcher(line);
    return m.find() ? m.group(1) : null;
  }

  @Test
  void theIntervalHistogramHoldsExactlyTheBucketsOfTheIntervalsCalls() {
    OperationRegistry registry = new OperationRegistry(10, n -> {});
    int a = registry.idOf("a");
    int b = registry.idOf("b");
    Monitor m = monitor(registry);
    m.setHistograms(true);
    SplittableRandom r = new SplittableRandom(7);
    TreeMap<Integer, Long> expected = new TreeMap<>();
    for (int i = 0; i < 20_000; i++) {
      long nanos = (long) Math.exp(r.nextDouble(Math.log(10), Math.log(2e11))); // 10ns..200s
      PerfMon.recordNanos(a, nanos, i % 10 == 0);
      expected.merge(Buckets.index(nanos), 1L, Long::sum);
    }
    PerfMon.recordNanos(b, 5_000_000, false);
    m.writeSnapshot();
    assertThat(decode(histogramOf(lines.get(0), "a"))).isEqualTo(expected);
    assertThat(decode(histogramOf(lines.get(0), "b"))).containsExactly(java.util.Map.entry(Buckets.index(5_000_000), 1L));

    // the next interval: only its own calls; an operation without calls has no histogram
    TreeMap<Integer, Long> second = new TreeMap<>();
    for (int i = 0; i < 1000; i++) {
      long nanos = 1_000_000 + i * 997L;
      PerfMon.recordNanos(a, nanos, false);
      second.merge(Buckets.index(nanos), 1L, Long::sum);
    }
    m.writeSnapshot();
    assertThat(decode(histogramOf(lines.get(1), "a"))).isEqualTo(second);
    assertThat(lines.get(1)).contains("\"b\":{\"count\":1,");
    assertThat(histogramOf(lines.get(1), "b")).isNull();
  }

  @Test
  void withoutTheOptionNoHistogramIsWritten() {
    OperationRegistry registry = new OperationRegistry(10, n -> {});
    int a = registry.idOf("a");
    Monitor m = monitor(registry);
    PerfMon.recordNanos(a, 1000, false);
    m.writeSnapshot();
    assertThat(lines.get(0)).doesNotContain("histogram");
  }

  @Test
  void sparseEncodingUsesGapsBetweenNonEmptyBuckets() {
    long[] counts = new long[Buckets.BUCKETS];
    counts[3] = 2;
    counts[70] = 5;
    counts[700] = 1;
    long mask = (1L << 0) | (1L << 1) | (1L << (700 / 64));
    long[][] pages = new long[Buckets.PAGES][];
    long[][] empty = new long[Buckets.PAGES][];
    for (int p = 0; p < Buckets.PAGES; p++) {
      pages[p] = java.util.Arrays.copyOfRange(counts, p * 64, p * 64 + 64);
      empty[p] = new long[64];
    }
    assertThat(StatsReader.sparse(pages, mask)).containsExactly(3, 2, 67, 5, 630, 1);
    assertThat(StatsReader.sparse(empty, mask)).isEmpty();
  }
}
