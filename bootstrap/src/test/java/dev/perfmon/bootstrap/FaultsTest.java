package dev.perfmon.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

class FaultsTest {
  @Test
  void parsesTheKindsAndIgnoresTheRest() {
    assertThat(Faults.parse("")).isZero();
    assertThat(Faults.parse("record")).isEqualTo(Faults.RECORD);
    assertThat(Faults.parse(" Snapshot , json,nonsense")).isEqualTo(Faults.SNAPSHOT | Faults.JSON);
    assertThat(Faults.parse("memory,output,handlers")).isEqualTo(Faults.MEMORY | Faults.OUTPUT | Faults.HANDLERS);
    assertThat(Faults.parse("advice")).isEqualTo(Faults.ADVICE);
  }

  @Test
  void offOutsideTests() {
    assertThat(Faults.MASK).as("no perfmon.test.faults in the unit tests").isZero();
    assertThatCode(() -> Faults.check(Faults.RECORD)).doesNotThrowAnyException();
  }
}
