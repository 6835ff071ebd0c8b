package dev.perfmon.agent.monitor;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One snapshot: what the agent writes as a {@code {"type":"snapshot"}} line. Immutable.
 *
 * @param partial true for the first snapshot after a dynamic attach (calls in flight at attach
 *     time are not counted)
 * @param memory null when memory readings are off
 * @param agent the agent's own figures
 */
public record Snapshot(
    Instant timestamp,
    long pid,
    long uptimeMs,
    long intervalMs,
    boolean partial,
    List<Operation> operations,
    MemorySampler.Reading memory,
    Self agent) {

  /**
   * One operation's figures. {@code extra} holds further integer fields (e.g. status2xx). {@code
   * histogram} is the interval's sparse histogram ({@code output.histograms=true}; encoding in
   * docs/output-files.md) or null.
   */
  public record Operation(
      String name,
      Distribution cumulative,
      Distribution interval,
      Map<String, Long> extra,
      Map<String, Long> intervalExtra,
      Map<String, String> metadata,
      @SuppressWarnings("ArrayRecordComponent") long[] histogram) {

    /** An operation without a histogram. */
    public Operation(
        String name,
        Distribution cumulative,
        Distribution interval,
        Map<String, Long> extra,
        Map<String, Long> intervalExtra,
        Map<String, String> metadata) {
      this(name, cumulative, interval, extra, intervalExtra, metadata, null);
    }
  }

  /**
   * The agent's own cost and state.
   *
   * @param operations operations registered
   * @param overflowed whether the max-operations cap was reached
   * @param suppressedErrors advice failures suppressed so far
   * @param snapshotMillis time taken to compute the previous snapshot
   * @param callsRecorded calls recorded in the interval, over all operations
   * @param costPerCallNanos the calibrated cost of timing and recording one call on this machine,
   *     or a negative value before the first calibration
   * @param estimatedOverheadMillis callsRecorded x costPerCallNanos: time application threads
   *     spent in the agent during the interval (negative when unknown)
   * @param overheadSharePerThread estimatedOverhead / (interval x live threads): the average share
   *     of each thread's time spent in the agent (negative when unknown)
   * @param lostLines lines the outputs could not write so far (e.g. on a full file system), over
   *     the agent's life; written only when not zero
   * @param lateMillis how long after its due time this scheduled snapshot was started, when that
   *     was more than {@link Monitor#lateThresholdNanos} (the snapshot thread was starved or busy);
   *     0 when on time or not a scheduled snapshot
   * @param skippedIntervals scheduled snapshots that were not written because their due time
   *     passed while the thread could not run (this snapshot's interval covers them)
   * @param suppressedByModule {@code suppressedErrors} per instrumentation module ({@code servlet},
   *     {@code jdbc}, {@code methods}, {@code api}, {@code other}), every module present; empty
   *     when not known
   * @param matchingBytes the heap the agent keeps for matching and transforming classes (mask
   *     tables, cached type descriptions; see {@code AgentBuilders.matchingStateBytes}), or -1 when
   *     not known; with {@code footprintBytes} it is the snapshot's {@code retainedBytes}
   * @param transformerClasses classes the agent's class-file transformer was called for so far
   *     (loaded, or retransformed, while the agent ran); 0 when not known
   * @param transformerNanos the time the threads that loaded them spent in the transformer
   *     (matching and weaving), ns
   */
  public record Self(
      int operations,
      int maxOperations,
      boolean overflowed,
      long suppressedErrors,
      double snapshotMillis,
      long footprintBytes,
      long callsRecorded,
      double costPerCallNanos,
      double estimatedOverheadMillis,
      double overheadSharePerThread,
      long lostLines,
      double lateMillis,
      long skippedIntervals,
      Map<String, Long> suppressedByModule,
      long matchingBytes,
      long transformerClasses,
      long transformerNanos) {

    public Self {
      suppressedByModule = Map.copyOf(suppressedByModule);
    }

    /** Whether this snapshot was written late or after skipped intervals. */
    public boolean late() {
      return lateMillis > 0 || skippedIntervals > 0;
    }
  }
}
