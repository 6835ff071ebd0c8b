package dev.perfmon.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LazyLoggerTest {
  @Test
  void levelChecksFollowTheConfiguredLevel() {
    LazyLogger warn = new LazyLogger("perfmon-test", "warn");
    assertThat(warn.isErrorEnabled()).isTrue();
    assertThat(warn.isWarnEnabled()).isTrue();
    assertThat(warn.isInfoEnabled()).isFalse();
    assertThat(warn.isDebugEnabled()).isFalse();

    LazyLogger debug = new LazyLogger("perfmon-test", "debug");
    assertThat(debug.isDebugEnabled()).isTrue();
    assertThat(debug.isTraceEnabled()).isFalse();
    assertThat(new LazyLogger("perfmon-test", "info").isInfoEnabled()).isTrue();
  }

  @Test
  void disabledLevelsNeverReachTheDelegateAndEnabledOnesDo() {
    LazyLogger error = new LazyLogger("perfmon-test", "error");
    error.debug("not logged {}", 1);
    error.warn("not logged either");
    assertThat(error.initialised()).as("nothing logged, SLF4J untouched").isFalse();
    error.error("logged {} and {}", "a", "b", new IllegalStateException("cause"));
    assertThat(error.initialised()).isTrue();
    assertThat(error.getName()).isEqualTo("perfmon-test");
  }
}
