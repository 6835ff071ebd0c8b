package dev.perfmon.agent.events;

import dev.perfmon.api.BudgetViolation;
import dev.perfmon.api.MemoryWarning;
import dev.perfmon.api.SnapshotView;
import java.time.Duration;

/**
 * What the events thread receives through the {@link EventQueue}: one of four kinds, each a
 * record, and the queue's own wake-up marker. Never compared or hashed; a record only names its
 * parts.
 */
sealed interface ReactionEvent {

  /**
   * A call at or above its operation's report threshold, captured on the application's thread. The
   * details array is handed over as {@code CallDetails.take} returns it, without a copy on that
   * thread.
   */
  record SlowCall(
      int id,
      long nanos,
      boolean error,
      long epochMillis,
      String thread,
      @SuppressWarnings("ArrayRecordComponent") String[] details)
      implements ReactionEvent {}

  /** A latency budget exceeded in the snapshot just taken, which covered {@code interval}. */
  record BudgetExceeded(BudgetViolation violation, Duration interval) implements ReactionEvent {}

  /** A heap reading above a configured limit. */
  record HeapWarning(MemoryWarning warning) implements ReactionEvent {}

  /** A snapshot just written, for the custom snapshot handlers. */
  record SnapshotTaken(SnapshotView view) implements ReactionEvent {}

  /** The {@link EventQueue}'s wake-up marker: ends a turn of the events loop, never processed. */
  record Wake() implements ReactionEvent {}
}
