package dev.perfmon.agent.cli.report;

/**
 * One operation's figures merged over the snapshots (and JVMs) of a report: exact counts, sums
 * and extremes, the merged histogram when every interval carried one, and otherwise count-weighted
 * sums of the intervals' percentiles.
 */
final class OpStats {
  final String name;
  long count;
  long errors;
  /** Timed calls (less than count for sampled operations). */
  long sampled;
  /** Sum of the timed calls' durations, ms. */
  double sumMs;
  double minMs = Double.NaN;
  double maxMs = Double.NaN;
  /** Intervals with calls. */
  long intervals;
  /** Intervals with calls that carried no histogram. */
  long withoutHistogram;
  Histogram histogram;
  final double[] weightedPercentiles = new double[Lines.PERCENTILES.length];
  /** A latency budget seen in a budgetViolations entry, or NaN. */
  double budgetMs = Double.NaN;
  double budgetPercentile = Double.NaN;
  long violations;

  OpStats(String name) {
    this.name = name;
  }

  void add(Lines.Op op) {
    if (op.count() <= 0) {
      return;
    }
    count += op.count();
    errors += op.errors();
    sampled += op.sampled();
    sumMs += op.avgMs() * op.sampled();
    if (op.sampled() > 0) {
      minMs = Double.isNaN(minMs) ? op.minMs() : Math.min(minMs, op.minMs());
      maxMs = Double.isNaN(maxMs) ? op.maxMs() : Math.max(maxMs, op.maxMs());
      for (int i = 0; i < weightedPercentiles.length; i++) {
        weightedPercentiles[i] += op.percentilesMs()[i] * op.sampled();
      }
    }
    intervals++;
    if (op.histogram() != null && op.histogram().length > 0) {
      if (histogram == null) {
        histogram = new Histogram();
      }
      histogram.addSparse(op.histogram(), op.histogram().length);
    } else if (op.sampled() > 0) {
      withoutHistogram++;
    }
  }

  void budget(Lines.Budget b) {
    budgetMs = b.budgetMs();
    budgetPercentile = b.percentile();
    violations++;
  }

  void addAll(OpStats o) {
    count += o.count;
    errors += o.errors;
    sampled += o.sampled;
    sumMs += o.sumMs;
    if (!Double.isNaN(o.minMs)) {
      minMs = Double.isNaN(minMs) ? o.minMs : Math.min(minMs, o.minMs);
      maxMs = Double.isNaN(maxMs) ? o.maxMs : Math.max(maxMs, o.maxMs);
    }
    intervals += o.intervals;
    withoutHistogram += o.withoutHistogram;
    if (o.histogram != null) {
      if (histogram == null) {
        histogram = new Histogram();
      }
      histogram.addAll(o.histogram);
    }
    for (int i = 0; i < weightedPercentiles.length; i++) {
      weightedPercentiles[i] += o.weightedPercentiles[i];
    }
    if (!Double.isNaN(o.budgetMs)) {
      budgetMs = o.budgetMs;
      budgetPercentile = o.budgetPercentile;
    }
    violations += o.violations;
  }

  /** True when the percentiles come from merged histograms (every interval carried one). */
  boolean exact() {
    return sampled == 0 || (withoutHistogram == 0 && histogram != null);
  }

  double avgMs() {
    return sampled == 0 ? 0 : sumMs / sampled;
  }

  /** Estimated total time: the average times every call (sampling: the untimed ones too). */
  double totalMs() {
    return avgMs() * count;
  }

  double errorRate() {
    return count == 0 ? 0 : (double) errors / count;
  }

  /** The value at quantile {@code q}, ms: from the histogram, or approximate (NaN if unknown). */
  double percentileMs(double q) {
    if (sampled == 0) {
      return 0;
    }
    if (exact()) {
      return histogram.valueAt(q, minMs * 1e6, maxMs * 1e6) / 1e6;
    }
    for (int i = 0; i < Lines.QUANTILES.length; i++) {
      if (Lines.QUANTILES[i] == q) {
        return weightedPercentiles[i] / sampled;
      }
    }
    return Double.NaN;
  }

  /** "over", "ok" or null when no budget is known for the operation. */
  String budgetStatus() {
    if (Double.isNaN(budgetMs)) {
      return null;
    }
    double v = percentileMs(budgetPercentile);
    if (Double.isNaN(v)) {
      return "?";
    }
    return v > budgetMs ? "over" : "ok";
  }
}
