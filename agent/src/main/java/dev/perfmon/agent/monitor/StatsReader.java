package dev.perfmon.agent.monitor;

import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.OperationRecorder;
import java.util.Arrays;

/**
 * The snapshot thread's view of one operation: reads the recorder's cumulative state and derives
 * the interval since the previous read by difference. The previous state is kept sparsely (only
 * the 64-bucket pages that ever held a call), so an operation whose calls span a few powers of two
 * costs a few hundred bytes here.
 *
 * <p>Not thread-safe: owned by the single snapshot thread.
 */
final class StatsReader {
  private final OperationRecorder recorder;
  private final long[][] prevPages = new long[Buckets.PAGES][];
  private long prevErrors;
  private long prevSkipped;
  private long prevSkippedErrors;
  private final long[] skipped = new long[2];
  private long prevSum;

  StatsReader(OperationRecorder recorder) {
    this.recorder = recorder;
  }

  OperationRecorder recorder() {
    return recorder;
  }

  /** The two distributions of one read. */
  record Reading(Distribution cumulative, Distribution interval) {}

  /**
   * Reads the recorder. {@code scratch} (length {@link Buckets#BUCKETS}) and {@code delta} (same)
   * are reused buffers; both are overwritten.
   */
  Reading read(long[] scratch, long[] delta, long[] totals) {
    return read(scratch, delta, totals, new double[0]);
  }

  /** As {@link #read(long[], long[], long[])}, also computing the {@code extra} percentiles. */
  Reading read(long[] scratch, long[] delta, long[] totals, double[] extra) {
    Arrays.fill(scratch, 0);
    totals[0] = 0;
    totals[1] = 0;
    totals[2] = Long.MAX_VALUE;
    totals[3] = Long.MIN_VALUE;
    recorder.readInto(scratch, totals);
    long errors = totals[0];
    long sum = totals[1];
    Distribution cumulative = Distribution.of(scratch, errors, sum, totals[2], totals[3], extra);

    for (int p = 0; p < Buckets.PAGES; p++) {
      int base = p * Buckets.SUB_BUCKETS;
      long[] prev = prevPages[p];
      boolean any = false;
      for (int i = 0; i < Buckets.SUB_BUCKETS; i++) {
        long cur = scratch[base + i];
        long d = cur - (prev == null ? 0 : prev[i]);
        delta[base + i] = d;
        any |= cur != 0;
      }
      if (any) {
        if (prev == null) {
          prev = new long[Buckets.SUB_BUCKETS];
          prevPages[p] = prev;
        }
        System.arraycopy(scratch, base, prev, 0, Buckets.SUB_BUCKETS);
      }
    }
    Distribution interval =
        Distribution.of(
            delta,
            errors - prevErrors,
            sum - prevSum,
            cumulative.minNanos(),
            cumulative.maxNanos(),
            extra);
    prevErrors = errors;
    prevSum = sum;
    // Calls that sampling counted without timing (sample.<glob>).
    skipped[0] = 0;
    skipped[1] = 0;
    recorder.readSkipped(skipped);
    if (skipped[0] != 0) {
      cumulative = cumulative.withSkipped(skipped[0], skipped[1]);
      interval = interval.withSkipped(skipped[0] - prevSkipped, skipped[1] - prevSkippedErrors);
      prevSkipped = skipped[0];
      prevSkippedErrors = skipped[1];
    }
    return new Reading(cumulative, interval);
  }
}
