package dev.perfmon.agent.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SelfCostTest {
  @Test
  void calibrationGivesAPlausiblePerCallCost() {
    double nanos = SelfCost.nanosPerCall();
    assertThat(nanos).isFinite().isPositive();
    // Not a timing assertion: only "not absurd" (a tracked call costs tens of ns, not 10 µs).
    assertThat(nanos).isLessThan(10_000);
  }
}
