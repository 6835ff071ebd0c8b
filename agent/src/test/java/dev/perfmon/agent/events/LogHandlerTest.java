package dev.perfmon.agent.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogHandlerTest {
  @Test
  void percentilesAreNamedWithoutTrailingZerosOrBinaryNoise() {
    assertThat(LogHandler.percentileName(0.95)).isEqualTo("95");
    assertThat(LogHandler.percentileName(0.5)).isEqualTo("50");
    assertThat(LogHandler.percentileName(0.999)).isEqualTo("99.9"); // 0.999 * 100 is 99.89999999999999
    assertThat(LogHandler.percentileName(0.9999)).isEqualTo("99.99");
    assertThat(LogHandler.percentileName(0.123456789)).isEqualTo("12.3456789");
    assertThat(LogHandler.percentileName(1)).isEqualTo("100");
    assertThat(LogHandler.percentileName(0)).isEqualTo("0");
    assertThat(LogHandler.percentileName(0.00001)).isEqualTo("0.001");
    assertThat(LogHandler.percentileName(0.000001)).isEqualTo("0.0001"); // the exponent's way
  }
}
