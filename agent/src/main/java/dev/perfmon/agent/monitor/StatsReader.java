package dev.perfmon.agent.monitor;

import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.OperationRecorder;
import java.util.Arrays;

/**
 * The snapshot thread's view of one operation: reads the recorder's cumulative state and derives
 * the interval since the previous read by difference. The previous state is kept sparsely (only
 * the 64-bucket pages that ever held a call, and their totals), so an operation whose calls span
 * a few powers of two costs a few hundred bytes here. A read touches the previous buckets of only
 * the pages that received calls since the previous read.
 *
 * <p>Not thread-safe: owned by the single snapshot thread.
 */
final class StatsReader {
  private static final double[] NO_EXTRA = new double[0];
  private static final long[] NO_TOTALS = new long[0];

  private final OperationRecorder recorder;
  private final long[][] prevPages = new long[Buckets.PAGES][];
  /** The pages with a previous total in {@link #prevTotals}. */
  private long totalsMask;
  /** The previous total of each page of {@link #totalsMask}, in page order. */
  private long[] prevTotals = NO_TOTALS;
  private long prevErrors;
  private long prevSkipped;
  private long prevSkippedErrors;
  private final long[] skipped = new long[2];
  private long prevSum;
  /** The pages that held calls at the previous read (bit p = page p). */
  private long prevMask;
  /** The previous read's cumulative figures (before sampling's skipped calls were added). */
  private Distribution prevCumulative;
  private double[] prevExtra;
  private long prevMin = Long.MAX_VALUE;
  private long prevMax = Long.MIN_VALUE;
  private Distribution emptyInterval;
  /** The pages of the delta buffer written by the read in progress (cleared when it ends). */
  private long lastIntervalMask;

  StatsReader(OperationRecorder recorder) {
    this.recorder = recorder;
  }

  OperationRecorder recorder() {
    return recorder;
  }

  /** The two distributions of one read. */
  record Reading(Distribution cumulative, Distribution interval) {}

  /**
   * The snapshot thread's reusable work arrays, shared by the readers of all operations. {@code
   * counts} and {@code delta} are all zeros between reads.
   */
  static final class Buffers {
    final long[] counts = new long[Buckets.BUCKETS];
    final long[] delta = new long[Buckets.BUCKETS];
    final long[] totals = new long[4];
    final long[] pageTotals = new long[Buckets.PAGES];
    final long[] pageDeltas = new long[Buckets.PAGES];
  }

  /**
   * Reads the recorder. {@code scratch} and {@code delta} (length {@link Buckets#BUCKETS}) are
   * reused buffers that must be all zeros on entry; they are all zeros again on return.
   */
  Reading read(long[] scratch, long[] delta, long[] totals) {
    return read(scratch, delta, totals, NO_EXTRA);
  }

  /** As {@link #read(long[], long[], long[])}, also computing the {@code extra} percentiles. */
  Reading read(long[] scratch, long[] delta, long[] totals, double[] extra) {
    return read(scratch, delta, totals, new long[Buckets.PAGES], new long[Buckets.PAGES], extra);
  }

  /** Reads the recorder with the snapshot thread's buffers. */
  Reading read(Buffers b, double[] extra) {
    return read(b.counts, b.delta, b.totals, b.pageTotals, b.pageDeltas, extra);
  }

  private Reading read(
      long[] scratch,
      long[] delta,
      long[] totals,
      long[] pageTotals,
      long[] pageDeltas,
      double[] extra) {
    totals[0] = 0;
    totals[1] = 0;
    totals[2] = Long.MAX_VALUE;
    totals[3] = Long.MIN_VALUE;
    long mask = prevMask;
    try {
      mask |= recorder.readPagesInto(scratch, totals) & Distribution.ALL_PAGES;
      return figures(scratch, delta, totals, pageTotals, pageDeltas, extra, mask);
    } catch (RuntimeException | Error e) {
      Arrays.fill(scratch, 0); // written where the mask may not say
      Arrays.fill(delta, 0);
      throw e;
    } finally {
      // Leave both buffers zero for the next operation: only the pages this one used were written
      // (delta: only those with calls in the interval).
      for (long m = mask; m != 0; m &= m - 1) {
        int base = Long.numberOfTrailingZeros(m) * Buckets.SUB_BUCKETS;
        Arrays.fill(scratch, base, base + Buckets.SUB_BUCKETS, 0);
      }
      for (long m = lastIntervalMask; m != 0; m &= m - 1) {
        int base = Long.numberOfTrailingZeros(m) * Buckets.SUB_BUCKETS;
        Arrays.fill(delta, base, base + Buckets.SUB_BUCKETS, 0);
      }
      lastIntervalMask = 0;
    }
  }

  private Reading figures(
      long[] scratch,
      long[] delta,
      long[] totals,
      long[] pageTotals,
      long[] pageDeltas,
      double[] extra,
      long mask) {
    long errors = totals[0];
    long sum = totals[1];
    long calls = 0;
    long intervalMask = 0;
    for (long m = mask; m != 0; m &= m - 1) {
      int p = Long.numberOfTrailingZeros(m);
      int base = p * Buckets.SUB_BUCKETS;
      long pageTotal = 0;
      for (int i = base; i < base + Buckets.SUB_BUCKETS; i++) {
        pageTotal += scratch[i];
      }
      pageTotals[p] = pageTotal;
      // Counts only grow: a page whose total is unchanged had no call in the interval, and its
      // previous buckets need not be read at all (most pages of a busy operation, every page of an
      // idle one). The totals are kept together, apart from the buckets, to be read in a cache
      // line or two.
      long bit = 1L << p;
      int rank = Long.bitCount(totalsMask & (bit - 1));
      long before = (totalsMask & bit) == 0 ? 0 : prevTotals[rank];
      if (pageTotal == before) {
        pageDeltas[p] = 0;
        continue;
      }
      if ((totalsMask & bit) == 0) {
        long[] grown = new long[prevTotals.length + 1];
        System.arraycopy(prevTotals, 0, grown, 0, rank);
        System.arraycopy(prevTotals, rank, grown, rank + 1, prevTotals.length - rank);
        prevTotals = grown;
        totalsMask |= bit;
      }
      prevTotals[rank] = pageTotal;
      long[] prev = prevPages[p];
      if (prev == null) {
        prev = new long[Buckets.SUB_BUCKETS];
        prevPages[p] = prev;
      }
      for (int i = 0; i < Buckets.SUB_BUCKETS; i++) {
        long c = scratch[base + i];
        delta[base + i] = c - prev[i];
        prev[i] = c;
      }
      pageDeltas[p] = pageTotal - before;
      calls += pageTotal - before;
      intervalMask |= 1L << p;
      lastIntervalMask = intervalMask;
    }
    Distribution cumulative;
    Distribution interval;
    if (calls == 0
        && prevCumulative != null
        && prevExtra == extra
        && errors == prevErrors
        && sum == prevSum
        && totals[2] == prevMin
        && totals[3] == prevMax) {
      // No timed call since the previous read: the same cumulative figures, an empty interval.
      cumulative = prevCumulative;
      interval = emptyInterval;
    } else {
      if (emptyInterval == null || prevExtra != extra) {
        emptyInterval = Distribution.empty(extra);
      }
      cumulative =
          Distribution.ofPages(
              scratch, pageTotals, mask, errors, sum, totals[2], totals[3], extra);
      interval =
          Distribution.ofPages(
              delta,
              pageDeltas,
              intervalMask,
              errors - prevErrors,
              sum - prevSum,
              cumulative.minNanos(),
              cumulative.maxNanos(),
              extra);
      prevCumulative = cumulative;
      prevExtra = extra;
    }
    prevMask = mask;
    prevMin = totals[2];
    prevMax = totals[3];
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

  /**
   * Reads the recorder like {@link #read(Buffers, double[])} but changes nothing in this reader:
   * the interval figures are those since the previous {@code read} (the previous snapshot), and the
   * next {@code read} still covers the whole interval. For readers on request (HTTP, JMX). Must be
   * called under the same lock as {@code read} (the monitor's), with the same zeroed buffers.
   *
   * @param bounds ascending upper bounds (ns) of histogram buckets, or null for none
   * @param le when {@code bounds} is given: receives, per bound, the timed calls in buckets whose
   *     midpoint is at most that bound (cumulative), and at index {@code bounds.length} all timed
   *     calls
   */
  Reading peek(Buffers b, double[] extra, long[] bounds, long[] le) {
    long[] scratch = b.counts;
    long[] delta = b.delta;
    long[] totals = b.totals;
    long[] pageTotals = b.pageTotals;
    long[] pageDeltas = b.pageDeltas;
    totals[0] = 0;
    totals[1] = 0;
    totals[2] = Long.MAX_VALUE;
    totals[3] = Long.MIN_VALUE;
    long mask = prevMask;
    try {
      mask |= recorder.readPagesInto(scratch, totals) & Distribution.ALL_PAGES;
      long intervalMask = 0;
      for (long m = mask; m != 0; m &= m - 1) {
        int p = Long.numberOfTrailingZeros(m);
        int base = p * Buckets.SUB_BUCKETS;
        long[] prev = prevPages[p];
        long pageTotal = 0;
        long pageDelta = 0;
        for (int i = 0; i < Buckets.SUB_BUCKETS; i++) {
          long c = scratch[base + i];
          long d = prev == null ? c : c - prev[i];
          pageTotal += c;
          pageDelta += d;
          delta[base + i] = d;
        }
        pageTotals[p] = pageTotal;
        pageDeltas[p] = pageDelta;
        if (pageDelta != 0) {
          intervalMask |= 1L << p;
        }
      }
      if (bounds != null) {
        java.util.Arrays.fill(le, 0);
        for (long m = mask; m != 0; m &= m - 1) {
          int base = Long.numberOfTrailingZeros(m) * Buckets.SUB_BUCKETS;
          for (int i = base; i < base + Buckets.SUB_BUCKETS; i++) {
            long c = scratch[i];
            if (c != 0) {
              le[firstBoundAtLeast(bounds, Buckets.midpoint(i))] += c;
            }
          }
        }
        for (int i = 1; i < le.length; i++) {
          le[i] += le[i - 1];
        }
      }
      Distribution cumulative =
          Distribution.ofPages(scratch, pageTotals, mask, totals[0], totals[1], totals[2], totals[3], extra);
      Distribution interval =
          Distribution.ofPages(
              delta,
              pageDeltas,
              intervalMask,
              totals[0] - prevErrors,
              totals[1] - prevSum,
              cumulative.minNanos(),
              cumulative.maxNanos(),
              extra);
      long[] sk = new long[2];
      recorder.readSkipped(sk);
      if (sk[0] != 0) {
        cumulative = cumulative.withSkipped(sk[0], sk[1]);
        interval = interval.withSkipped(sk[0] - prevSkipped, sk[1] - prevSkippedErrors);
      }
      return new Reading(cumulative, interval);
    } catch (RuntimeException | Error e) {
      Arrays.fill(scratch, 0); // written where the mask may not say
      Arrays.fill(delta, 0);
      throw e;
    } finally {
      for (long m = mask; m != 0; m &= m - 1) {
        int base = Long.numberOfTrailingZeros(m) * Buckets.SUB_BUCKETS;
        Arrays.fill(scratch, base, base + Buckets.SUB_BUCKETS, 0);
        Arrays.fill(delta, base, base + Buckets.SUB_BUCKETS, 0);
      }
    }
  }

  /** The index of the first bound at or above {@code v}, or {@code bounds.length}. */
  static int firstBoundAtLeast(long[] bounds, double v) {
    int lo = 0;
    int hi = bounds.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (bounds[mid] >= v) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
