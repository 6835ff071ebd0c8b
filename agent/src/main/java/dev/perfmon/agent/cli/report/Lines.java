package dev.perfmon.agent.cli.report;

import java.util.List;

/** The parts of the agent's JSON lines that the report uses. */
final class Lines {
  private Lines() {}

  /** The standard percentiles of a snapshot, in order. */
  static final String[] PERCENTILES = {"p50", "p90", "p95", "p99", "p999"};

  static final double[] QUANTILES = {0.50, 0.90, 0.95, 0.99, 0.999};

  /** One operation's interval figures in one snapshot (durations in milliseconds). */
  record Op(
      String name,
      long count,
      long errors,
      long sampled,
      double avgMs,
      double minMs,
      double maxMs,
      @SuppressWarnings("ArrayRecordComponent") double[] percentilesMs,
      @SuppressWarnings("ArrayRecordComponent") long[] histogram) {}

  /** The memory section of a snapshot (MB), gc summed over collectors. */
  record Memory(
      double heapUsed,
      double heapCommitted,
      double heapMax,
      double nonHeapUsed,
      double rss,
      long gcCount,
      long gcTimeMs,
      long threads,
      double cpu) {}

  /** One entry of a snapshot's budgetViolations. */
  record Budget(String operation, double budgetMs, double actualMs, double percentile) {}

  /** A snapshot line. {@code source} names the file set (the file without .N and .gz). */
  record Snapshot(
      String source,
      long epochMillis,
      long pid,
      long uptimeMs,
      long intervalMs,
      boolean partial,
      List<Op> operations,
      Memory memory,
      List<Budget> budgets,
      long droppedEvents) {}

  /** A {@code slow} line. */
  record Slow(
      String source,
      long epochMillis,
      String operation,
      double durationMs,
      String severity,
      boolean error) {}

  /** A {@code memory-warning} line. */
  record MemoryWarning(String source, long epochMillis, String reason, double heapUsedMb) {}

  /** What the reader hands each parsed line to. */
  interface Sink {
    void snapshot(Snapshot s);

    void slow(Slow s);

    void memoryWarning(MemoryWarning m);
  }
}
