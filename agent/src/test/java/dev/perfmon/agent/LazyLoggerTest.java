package dev.perfmon.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
    // slf4j-simple writes to System.err as it is when the line is logged: capture it there.
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      error.error("logged {} and {}", "a", "b", new IllegalStateException("cause"));
    } finally {
      System.setErr(stderr);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("ERROR perfmon-test - logged a and b")
        .contains("java.lang.IllegalStateException: cause");
    assertThat(error.initialised()).isTrue();
    assertThat(error.getName()).isEqualTo("perfmon-test");
  }
}
