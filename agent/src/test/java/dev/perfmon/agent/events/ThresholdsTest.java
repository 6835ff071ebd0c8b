package dev.perfmon.agent.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.config.AgentConfig;
import dev.perfmon.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ThresholdsTest {
  @Test
  void mostSpecificGlobWinsWhateverTheOrder() {
    Map<String, Duration> m = new TreeMap<>();
    m.put("jdbc.*", Duration.ofMillis(200));
    m.put("jdbc.SELECT*", Duration.ofMillis(50));
    m.put("*", Duration.ofMillis(999));
    m.put("jdbc.SELECT 1", Duration.ofMillis(7));
    m.put("jdbc.SELECT ? FROM t*", Duration.ofMillis(9)); // more literal characters than jdbc.SELECT*
    GlobTable<Duration> t = new GlobTable<>(m);
    assertThat(t.resolve("jdbc.INSERT INTO t VALUES (?)", null)).isEqualTo(Duration.ofMillis(200));
    assertThat(t.resolve("jdbc.SELECT a FROM b", null)).isEqualTo(Duration.ofMillis(50));
    assertThat(t.resolve("jdbc.SELECT 1", null)).as("exact name").isEqualTo(Duration.ofMillis(7));
    assertThat(t.resolve("jdbc.SELECT ? FROM t1", null)).isEqualTo(Duration.ofMillis(9));
    assertThat(t.resolve("servlet.GET /", null)).isEqualTo(Duration.ofMillis(999));
    assertThat(t.globFor("jdbc.SELECT a FROM b")).isEqualTo("jdbc.SELECT*");

    GlobTable<Duration> none = new GlobTable<>(Map.of("jdbc.*", Duration.ofMillis(1)));
    assertThat(none.resolve("servlet.GET /", Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void equallySpecificGlobsResolveToTheOneThatSortsFirst() {
    Map<String, Duration> m = new TreeMap<>();
    m.put("a*c", Duration.ofMillis(2));
    m.put("ab*", Duration.ofMillis(1));
    assertThat(new GlobTable<>(m).resolve("abc", null)).isEqualTo(Duration.ofMillis(2));
  }

  @Test
  void thresholdsFromAPropertiesFileWithEscapedSpacesInTheGlob() throws Exception {
    AgentConfig c =
        config(
            """
            slow.threshold=1s
            very-slow.threshold=5s
            slow.threshold.servlet.GET\\ /owners/*=300ms
            very-slow.threshold.servlet.GET\\ /owners/*=2s
            slow.threshold.jdbc.*=100ms
            very-slow.threshold.batch.*=0
            """);
    Thresholds t = new Thresholds(c);
    Thresholds.Pair owners = t.of("servlet.GET /owners/{id}");
    assertThat(owners.slowNanos()).isEqualTo(Duration.ofMillis(300).toNanos());
    assertThat(owners.verySlowNanos()).isEqualTo(Duration.ofSeconds(2).toNanos());
    assertThat(owners.reportNanos()).isEqualTo(Duration.ofMillis(300).toNanos());
    assertThat(owners.verySlow(Duration.ofSeconds(2).toNanos())).isTrue();
    assertThat(owners.verySlow(Duration.ofMillis(1999).toNanos())).isFalse();

    assertThat(t.of("servlet.POST /owners/new").slowNanos()).as("method differs").isEqualTo(Duration.ofSeconds(1).toNanos());
    assertThat(t.of("jdbc.SELECT 1").slowNanos()).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(t.of("jdbc.SELECT 1").verySlowNanos()).isEqualTo(Duration.ofSeconds(5).toNanos());

    Thresholds.Pair batch = t.of("batch.nightly");
    assertThat(batch.verySlowNanos()).as("0 turns very-slow off").isZero();
    assertThat(batch.verySlow(Long.MAX_VALUE)).isFalse();
    assertThat(batch.reportNanos()).isEqualTo(Duration.ofSeconds(1).toNanos());
  }

  @Test
  void veryslowBelowSlowStillReportsFromTheLowerOne() {
    Thresholds.Pair p = new Thresholds.Pair(1000, 500);
    assertThat(p.reportNanos()).isEqualTo(500);
    assertThat(new Thresholds.Pair(0, 0).reportNanos()).as("both off: never reported").isZero();
  }

  /** Loads {@code properties} as the agent.properties file of a fresh working directory. */
  static AgentConfig config(String properties) throws Exception {
    Path dir = Files.createTempDirectory("perfmon-config");
    Files.writeString(dir.resolve("agent.properties"), properties, StandardCharsets.UTF_8);
    AgentConfig c = ConfigLoader.load(null, Map.of(), Map.of(), dir);
    assertThat(c.problems()).isEmpty();
    return c;
  }
}
