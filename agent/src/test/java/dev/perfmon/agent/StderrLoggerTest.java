package dev.perfmon.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class StderrLoggerTest {
  @Test
  void levelChecksFollowTheConfiguredLevel() {
    StderrLogger warn = new StderrLogger("perfmon-test", "warn");
    assertThat(warn.isErrorEnabled()).isTrue();
    assertThat(warn.isWarnEnabled()).isTrue();
    assertThat(warn.isInfoEnabled()).isFalse();
    assertThat(warn.isDebugEnabled()).isFalse();

    StderrLogger debug = new StderrLogger("perfmon-test", "debug");
    assertThat(debug.isDebugEnabled()).isTrue();
    assertThat(debug.isTraceEnabled()).isFalse();
    assertThat(new StderrLogger("perfmon-test", "info").isInfoEnabled()).isTrue();
  }

  @Test
  void linesGoToStderrWithTimeLevelNameMessageAndStackTrace() {
    StderrLogger error = new StderrLogger("perfmon-test", "error");
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      error.debug("not logged {}", 1);
      error.warn("not logged either");
      error.error("logged {} and {}", "a", "b", new IllegalStateException("cause"));
    } finally {
      System.setErr(stderr);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .matches("(?s)\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[ERROR\\] perfmon-test - logged a and b\\R"
            + "java\\.lang\\.IllegalStateException: cause\\R\\s+at .*")
        .doesNotContain("not logged");
    assertThat(error.getName()).isEqualTo("perfmon-test");
  }

  @Test
  void theTimestampIsTheDefaultZonesLocalTimeAsJavaTimeFormatsIt() {
    DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    long[] instants = {
      0L, 951_782_400_000L /* 2000-02-29 */, 1_709_251_199_999L, 4_102_444_800_005L, -86_400_001L, 1_796_000_000_050L
    };
    for (long t : instants) {
      StringBuilder b = new StringBuilder();
      StderrLogger.timestamp(b, t);
      assertThat(b.toString()).as("%d", t).isEqualTo(f.format(LocalDateTime.ofEpochSecond(Math.floorDiv(t, 1000), Math.floorMod(t, 1000) * 1_000_000, ZoneOffset.UTC)));
    }
    long now = System.currentTimeMillis();
    String line = StderrLogger.line(now, Level.INFO, "perfmon", "m");
    long local = now + TimeZone.getDefault().getOffset(now);
    assertThat(line)
        .isEqualTo(
            f.format(LocalDateTime.ofEpochSecond(Math.floorDiv(local, 1000), Math.floorMod(local, 1000) * 1_000_000, ZoneOffset.UTC))
                + " [INFO] perfmon - m");
  }
}
