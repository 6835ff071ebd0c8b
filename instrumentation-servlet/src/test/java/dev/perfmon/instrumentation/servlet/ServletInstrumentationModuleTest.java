package dev.perfmon.instrumentation.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.bootstrap.servlet.ServletHooks;
import dev.perfmon.config.AgentConfig;
import dev.perfmon.config.ConfigLoader;
import dev.perfmon.instrumentation.api.AgentContext;
import dev.perfmon.instrumentation.api.OperationRegistry;
import dev.perfmon.instrumentation.api.Operations;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The module's wiring: configuration keys, the bootstrap hook, and the status counters it reports. */
class ServletInstrumentationModuleTest {
  private final OperationRegistry registry = new OperationRegistry(2000, n -> {});
  private final ServletInstrumentationModule module = new ServletInstrumentationModule();

  @AfterEach
  void stop() {
    module.stop();
    assertThat(ServletHooks.active()).isFalse();
  }

  private void start(Map<String, String> systemProperties) {
    AgentConfig config = ConfigLoader.load(null, systemProperties, Map.of(), null);
    assertThat(config.problems()).isEmpty();
    module.start(
        AgentContext.of(config, registry));
  }

  private Map<String, Long> counters(String name) {
    OperationRecorder r = registry.find(name);
    Map<String, Long> out = new LinkedHashMap<>();
    module.readCounters(r.id(), out::put);
    return out;
  }

  @Test
  void excludesRulesAndStatusCountersFromConfiguration() {
    start(
        Map.of(
            "perfmon.servlet.exclude", "/health,/metrics/*",
            "perfmon.servlet.name-rules", "/api/users/*=>/api/users/{name}"));
    assertThat(ServletHooks.active()).isTrue();
    ServletHooks.exit("GET", "/health", "", null, 200, 1_000, false);
    ServletHooks.exit("GET", "/metrics/jvm", "", null, 200, 1_000, false);
    ServletHooks.exit("GET", "/api/users/alice", "", null, 200, 1_000, false);
    ServletHooks.exit("GET", "/api/users/bob", "", null, 302, 1_000, false);
    ServletHooks.exit("GET", "/api/users/carol", "", null, 404, 1_000, false);
    ServletHooks.exit("GET", "/api/users/dave", "", null, 503, 1_000, false);
    ServletHooks.exit("GET", "/api/users/eve", "", null, 200, 1_000, true);

    assertThat(registry.recorders())
        .extracting(OperationRecorder::name)
        .containsExactly(Operations.OVERFLOW, "servlet.GET /api/users/{name}");
    assertThat(counters("servlet.GET /api/users/{name}"))
        .containsExactly(
            Map.entry("status2xx", 1L),
            Map.entry("status3xx", 1L),
            Map.entry("status4xx", 1L),
            Map.entry("status5xx", 2L));
    assertThat(counters(Operations.OVERFLOW)).isEmpty();
  }

  @Test
  void switchedOffInstallsNothing() {
    start(Map.of("perfmon.instrument.servlet", "false"));
    assertThat(ServletHooks.active()).isFalse();
    ServletHooks.exit("GET", "/a", "", null, 200, 1_000, false);
    assertThat(registry.recorders()).hasSize(1);
  }
}
