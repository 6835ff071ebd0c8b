package dev.perfmon.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StaleStatusTest {
  private static final Instant PROCESS_START = Instant.parse("2026-11-27T10:00:00Z");

  @Test
  void aFileFromAnAgentThatStartedBeforeTheProcessIsStale() {
    assertThat(AttachCommands.isStale(Map.of("startedAt", "2026-11-27T09:00:00Z"), Optional.of(PROCESS_START))).isTrue();
    assertThat(AttachCommands.isStale(Map.of("startedAt", "2026-11-27T09:59:57Z"), Optional.of(PROCESS_START))).isTrue();
  }

  @Test
  void theAgentOfThisProcessIsNotStaleWithinTheClockResolution() {
    assertThat(AttachCommands.isStale(Map.of("startedAt", "2026-11-27T10:00:00.150Z"), Optional.of(PROCESS_START))).isFalse();
    assertThat(AttachCommands.isStale(Map.of("startedAt", "2026-11-27T11:00:00Z"), Optional.of(PROCESS_START))).isFalse();
    // /proc gives the start to the second, rounded either way
    assertThat(AttachCommands.isStale(Map.of("startedAt", "2026-11-27T09:59:59.300Z"), Optional.of(PROCESS_START))).isFalse();
  }

  @Test
  void withoutEitherTimeNothingIsCalledStale() {
    assertThat(AttachCommands.isStale(Map.of("startedAt", "2026-11-27T09:00:00Z"), Optional.empty())).isFalse();
    assertThat(AttachCommands.isStale(Map.of(), Optional.of(PROCESS_START))).isFalse();
    assertThat(AttachCommands.isStale(Map.of("startedAt", "yesterday"), Optional.of(PROCESS_START))).isFalse();
  }
}
