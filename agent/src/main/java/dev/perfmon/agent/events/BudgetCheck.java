package dev.perfmon.agent.events;

import dev.perfmon.agent.monitor.Distribution;
import dev.perfmon.agent.monitor.Snapshot;
import dev.perfmon.api.BudgetViolation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Latency budgets ({@code budget.<glob>=<duration>}): at every snapshot, each operation with calls
 * in the interval whose name a budget glob matches (the most specific one, see {@link GlobTable})
 * has its interval value at {@code budget.percentile} compared with the budget; above it is a
 * violation with {@code severity = actual / budget}.
 *
 * <p>Percentiles come from the interval histogram, within its 0.78% bucket error. Not
 * thread-safe: used by the snapshot thread only. The per-name resolution is cached (bounded by the
 * operations cap).
 */
final class BudgetCheck {
  private static final long NONE = -1;

  private final GlobTable<Duration> budgets;
  private final double percentile;
  private final Map<String, Long> cache = new HashMap<>();

  BudgetCheck(Map<String, Duration> budgets, double percentile) {
    this.budgets = new GlobTable<>(budgets);
    this.percentile = percentile;
  }

  boolean isEmpty() {
    return budgets.isEmpty();
  }

  double percentile() {
    return percentile;
  }

  List<BudgetViolation> check(Snapshot s) {
    List<BudgetViolation> out = new ArrayList<>();
    if (budgets.isEmpty()) {
      return out;
    }
    for (Snapshot.Operation op : s.operations()) {
      Distribution d = op.interval();
      if (d.count() == 0) {
        continue;
      }
      long budget = cache.computeIfAbsent(op.name(), this::budgetNanos);
      if (budget == NONE) {
        continue;
      }
      double actual = d.percentile(percentile);
      if (Double.isNaN(actual) || actual <= budget) {
        continue;
      }
      out.add(
          new BudgetViolation(
              op.name(),
              Duration.ofNanos(budget),
              Duration.ofNanos(Math.round(actual)),
              percentile,
              actual / budget,
              s.timestamp()));
    }
    return out;
  }

  private long budgetNanos(String name) {
    Duration d = budgets.resolve(name, null);
    return d == null || d.isZero() ? NONE : d.toNanos(); // 0 = no budget
  }
}
