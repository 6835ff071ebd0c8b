package dev.perfmon.agent.events;

import dev.perfmon.config.AgentConfig;
import dev.perfmon.config.Keys;
import java.time.Duration;

/**
 * The slow and very-slow thresholds of each operation: {@code slow.threshold} and {@code
 * very-slow.threshold}, overridden per operation by the most specific matching {@code
 * slow.threshold.<glob>} / {@code very-slow.threshold.<glob>} (see {@link GlobTable}). A threshold
 * of 0 turns that level off for the operation. Immutable and thread-safe.
 */
final class Thresholds {
  /** One operation's thresholds in nanoseconds; 0 = off. */
  record Pair(long slowNanos, long verySlowNanos) {
    /** The duration from which the recorder reports a call: the lower active threshold, or 0. */
    long reportNanos() {
      if (slowNanos <= 0) {
        return verySlowNanos;
      }
      if (verySlowNanos <= 0) {
        return slowNanos;
      }
      return Math.min(slowNanos, verySlowNanos);
    }

    /** True when a call of {@code nanos} is very slow. */
    boolean verySlow(long nanos) {
      return verySlowNanos > 0 && nanos >= verySlowNanos;
    }
  }

  private final Duration slow;
  private final Duration verySlow;
  private final GlobTable<Duration> slowByGlob;
  private final GlobTable<Duration> verySlowByGlob;

  Thresholds(AgentConfig config) {
    this.slow = config.get(Keys.SLOW_THRESHOLD);
    this.verySlow = config.get(Keys.VERY_SLOW_THRESHOLD);
    this.slowByGlob = new GlobTable<>(config.prefixed(Keys.SLOW_THRESHOLDS));
    this.verySlowByGlob = new GlobTable<>(config.prefixed(Keys.VERY_SLOW_THRESHOLDS));
  }

  Pair of(String operation) {
    return new Pair(
        slowByGlob.resolve(operation, slow).toNanos(),
        verySlowByGlob.resolve(operation, verySlow).toNanos());
  }
}
