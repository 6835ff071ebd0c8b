package dev.perfmon.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One call that took at least its operation's slow threshold.
 *
 * @param operation the operation name, e.g. {@code servlet.GET /owners/{id}}
 * @param duration how long the call took
 * @param severity {@link Severity#SLOW} or {@link Severity#VERY_SLOW}
 * @param threshold the threshold the call reached (the very-slow one for {@code VERY_SLOW})
 * @param timestamp when the call ended
 * @param thread the name of the thread that made the call
 * @param error whether the call ended with an exception (or, for HTTP, a 5xx status)
 * @param metadata what is known about the operation and this call, e.g. {@code route}, {@code
 *     status}, {@code path} (servlet) or {@code sql} (JDBC); never null
 */
public record SlowOperationEvent(
    String operation,
    Duration duration,
    Severity severity,
    Duration threshold,
    Instant timestamp,
    String thread,
    boolean error,
    Map<String, String> metadata) {

  public SlowOperationEvent {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(threshold, "threshold");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(thread, "thread");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }
}
