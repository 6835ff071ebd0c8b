package dev.perfmon.api;

/**
 * The figures of one operation at one moment, immutable; the same fields as the agent's snapshot.
 * Durations are in milliseconds.
 *
 * @param count calls recorded
 * @param successCount calls that returned normally
 * @param errorCount calls that ended with an exception
 * @param avgDuration mean duration
 * @param minDuration shortest duration
 * @param maxDuration longest duration
 * @param p50 median
 * @param p90 90th percentile
 * @param p95 95th percentile
 * @param p99 99th percentile
 * @param p999 99.9th percentile
 */
public record OperationStats(
    long count,
    long successCount,
    long errorCount,
    double avgDuration,
    double minDuration,
    double maxDuration,
    double p50,
    double p90,
    double p95,
    double p99,
    double p999) {}
