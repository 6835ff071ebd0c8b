package dev.perfmon.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * An operation whose percentile over the last snapshot interval exceeded its latency budget.
 *
 * @param operation the operation name
 * @param budget the configured budget ({@code budget.<glob>})
 * @param actual the operation's value at {@code percentile} over the interval
 * @param percentile the percentile compared, a fraction such as 0.95
 * @param severity {@code actual / budget}, above 1
 * @param timestamp the snapshot's time
 */
public record BudgetViolation(
    String operation,
    Duration budget,
    Duration actual,
    double percentile,
    double severity,
    Instant timestamp) {

  public BudgetViolation {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(actual, "actual");
    Objects.requireNonNull(timestamp, "timestamp");
  }
}
