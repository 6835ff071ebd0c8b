package dev.perfmon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The keys of the HTTP endpoint and /metrics: forms, bad values, and the token never shown. */
class HttpKeysTest {

  @Test
  void portIsOffByDefaultAndZeroMeansAFreePort() {
    AgentConfig d = AgentConfig.defaults();
    assertThat(d.get(Keys.HTTP_PORT)).isEmpty();
    assertThat(d.get(Keys.HTTP_HOST)).isEqualTo("127.0.0.1");
    assertThat(d.get(Keys.HTTP_TOKEN)).isEmpty();
    AgentConfig c = ConfigLoader.load("http.port=0", Map.of(), Map.of(), null);
    assertThat(c.get(Keys.HTTP_PORT)).contains(0);
    assertThat(c.problems()).isEmpty();
  }

  @Test
  void badPortsAndHostsAreReportedWithKeyValueAndForm() {
    for (String bad : new String[] {"-1", "65536", "http", "80x"}) {
      AgentConfig c = ConfigLoader.load("http.port=" + bad, Map.of(), Map.of(), null);
      assertThat(c.get(Keys.HTTP_PORT)).as(bad).isEmpty();
      assertThat(c.problems()).as(bad).hasSize(1);
      assertThat(c.problems().get(0)).contains("http.port", bad, "0 to 65535");
    }
    for (String bad : new String[] {"local host", "host:8080", "http://x", "a/b"}) {
      assertThatThrownBy(() -> Types.HOST.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    AgentConfig c = ConfigLoader.load("", Map.of("perfmon.http.host", "host:8080"), Map.of(), null);
    assertThat(c.get(Keys.HTTP_HOST)).isEqualTo("127.0.0.1");
    assertThat(c.problems().get(0)).contains("http.host", "host:8080", "without a port");
    assertThat(Types.HOST.parse("0.0.0.0")).isEqualTo("0.0.0.0");
    assertThat(Types.HOST.parse("::1")).isEqualTo("::1");
    assertThat(Types.HOST.parse("localhost")).isEqualTo("localhost");
  }

  @Test
  void bucketsMustBeAscendingPositiveDurations() {
    AgentConfig d = AgentConfig.defaults();
    assertThat(d.get(Keys.METRICS_BUCKETS)).startsWith("100us").endsWith("60s");
    AgentConfig c = ConfigLoader.load("", Map.of("perfmon.metrics.buckets", "1ms;5ms;1s"), Map.of(), null);
    assertThat(c.get(Keys.METRICS_BUCKETS)).containsExactly("1ms", "5ms", "1s");
    for (String bad : new String[] {"5ms,1ms", "1ms,1ms", "0ms,1ms", "1ms,fast", ",", "-1ms"}) {
      AgentConfig b = ConfigLoader.load("", Map.of("perfmon.metrics.buckets", bad), Map.of(), null);
      assertThat(b.get(Keys.METRICS_BUCKETS)).as(bad).isEqualTo(Keys.METRICS_BUCKETS.defaultValue());
      assertThat(b.problems()).as(bad).hasSize(1);
      assertThat(b.problems().get(0)).contains("metrics.buckets", "strictly ascending");
    }
  }

  @Test
  void aBucketListInAgentArgumentsContinuesAfterCommas() {
    AgentConfig c = ConfigLoader.load("metrics.buckets=1ms,5ms,interval=2s", Map.of(), Map.of(), null);
    assertThat(c.get(Keys.METRICS_BUCKETS)).isEqualTo(List.of("1ms", "5ms"));
    assertThat(c.problems()).isEmpty();
  }

  @Test
  void theTokenIsNeverShown() {
    AgentConfig c =
        ConfigLoader.load("http.port=0,http.token=s3cr3t-value", Map.of(), Map.of(), null);
    assertThat(c.get(Keys.HTTP_TOKEN)).isEqualTo("s3cr3t-value");
    assertThat(c.summary()).doesNotContain("s3cr3t").contains("http.token=" + Types.MASK);
    assertThat(c.describe()).doesNotContain("s3cr3t");
    assertThat(c.entries().toString()).doesNotContain("s3cr3t");
    assertThat(c.get(Keys.HTTP_PORT)).isEqualTo(Optional.of(0));
  }
}
