package dev.perfmon.agent.monitor;

import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.OperationRecorder;
import java.util.Arrays;

/**
 * The snapshot thread's view of one operation: reads the recorder's cumulative state and derives
 * the interval since the previous read by difference.
 *
 * <p>A read visits only what changed. The recorder keeps, beside the 64 bucket counts of each
 * histogram page (one power of two of durations), the page's call total, all of a stripe's totals
 * in one array; the reader first reads those totals ({@link OperationRecorder#readPageTotals}, a
 * cache line or two per stripe, no page touched), and reads the buckets of a page ({@link
 * OperationRecorder#readBuckets}) only when its total differs from the previous read's, and only
 * up to the bucket where the calls it gained are all found. The reader's own copy of every page's cumulative buckets is kept current that
 * way, and the cumulative percentiles are computed from that copy; so an operation with calls in
 * a few of the pages it uses costs a few page reads, and an idle one none. The previous state is
 * kept sparsely: only the pages that ever held a call, and their totals.
 *
 * <p>Not thread-safe: owned by the single snapshot thread.
 */
final class StatsReader {
  /** Acquire loads of the recorders' bucket counts (as {@link OperationRecorder#readPage}). */
  private static final java.lang.invoke.VarHandle COUNTS =
      java.lang.invoke.MethodHandles.arrayElementVarHandle(long[].class);
  private static final double[] NO_EXTRA = new double[0];
  private static final long[] NO_TOTALS = new long[0];

  private final OperationRecorder recorder;
  /** The cumulative buckets of each page that ever held a call, as of the latest read. */
  private final long[][] pages = new long[Buckets.PAGES][];
  /** The pages with a previous total in {@link #prevTotals}. */
  private long totalsMask;
  /** The previous total of each page of {@link #totalsMask}, in page order. */
  private long[] prevTotals = NO_TOTALS;
  private long prevErrors;
  /**
   * The errors reported in the intervals so far. A call being recorded while the reader reads can
   * be counted in one read and its error seen only in the next; such an error is reported with the
   * next interval that has a call to carry it, so that an interval never has more errors than
   * calls and no error is lost from the sum of the intervals.
   */
  private long reportedErrors;
  private long prevSkipped;
  private long prevSkippedErrors;
  private final long[] skipped = new long[2];
  private long prevSum;
  /** The pages that existed at the previous read (bit p = page p). */
  private long prevMask;
  /** The previous read's cumulative figures (before sampling's skipped calls were added). */
  private Distribution prevCumulative;
  private double[] prevExtra;
  private long prevMin = Long.MAX_VALUE;
  private long prevMax = Long.MIN_VALUE;
  private Distribution emptyInterval;
  /** Where the cumulative percentiles fell at the previous read; null before the first. */
  private Positions positions;

  StatsReader(OperationRecorder recorder) {
    this.recorder = recorder;
  }

  OperationRecorder recorder() {
    return recorder;
  }

  /**
   * Loads what the next {@link #read} reads first from this reader (see {@link
   * OperationRecorder#touch}); returns a meaningless value derived from it. Changes nothing.
   */
  long touch() {
    return totalsMask + prevTotals.length;
  }

  /**
   * The two distributions of one read, and the interval's sparse histogram when requested (else
   * null): see {@link #sparse}.
   */
  record Reading(
      Distribution cumulative,
      Distribution interval,
      @SuppressWarnings("ArrayRecordComponent") long[] histogram) {}

  /** Whether the next reads also return the interval's sparse histogram. */
  private boolean histogram;

  /**
   * The snapshot thread's reusable work arrays, shared by the readers of all operations. {@code
   * page} and every page of {@code delta} are all zeros between reads.
   */
  static final class Buffers {
    /** One page's buckets, read from the recorder. */
    final long[] page = new long[Buckets.SUB_BUCKETS];
    /** The recorder's arrays of the page being read ({@link OperationRecorder#pageArrays}). */
    final long[][] pageArrays = new long[OperationRecorder.MAX_PAGE_ARRAYS][];
    /** The interval's buckets, page by page. */
    final long[][] delta = new long[Buckets.PAGES][Buckets.SUB_BUCKETS];
    /**
     * The totals of the operation being read ({@link #begin}, {@link #finish}): these arrays,
     * or a batch's arrays set by the caller.
     */
    long[] totals = new long[4];
    long[] pageTotals = new long[Buckets.PAGES];
    final long[] pageDeltas = new long[Buckets.PAGES];
    /** Where the interval's percentiles fall (a work object reused by every operation's read). */
    Positions interval;
    /**
     * The interval's non-empty buckets in ascending order, as found by the latest read: their
     * indices in the {@link Buckets} layout and their calls, {@link #changed} of them.
     */
    final int[] changedIndex = new int[Buckets.BUCKETS];
    final long[] changedCount = new long[Buckets.BUCKETS];
    int changed;
  }

  /**
   * Where the reads of a page end, in buckets: a page's buckets are read up to the end of each
   * cache line of its array (64 bytes, 8 counts, after the array's 16-byte header) until the calls
   * the page gained are all found.
   */
  private static final int[] READ_ENDS = {6, 14, 22, 30, 38, 46, 54, 62, 64};

  /** Reads the recorder with fresh buffers (tests). */
  Reading read() {
    return read(new Buffers(), NO_EXTRA);
  }

  /** Reads the recorder with fresh buffers, also computing the {@code extra} percentiles (tests). */
  Reading read(double[] extra) {
    return read(new Buffers(), extra);
  }

  /** As {@link #read(Buffers, double[])}, with the interval's sparse histogram when asked. */
  Reading read(Buffers b, double[] extra, boolean withHistogram) {
    histogram = withHistogram;
    return read(b, extra);
  }

  /** As {@link #finish(Buffers, long, double[])}, with the interval's sparse histogram when asked. */
  Reading finish(Buffers b, long mask, double[] extra, boolean withHistogram) {
    histogram = withHistogram;
    return finish(b, mask, extra);
  }

  private static final long[] EMPTY_HISTOGRAM = new long[0];

  /**
   * The non-empty buckets of the pages in {@code mask} of {@code pages} ({@code pages[p][i]} is
   * bucket {@code p * 64 + i}), encoded as {@code [firstIndex, count, gap, count, gap, count,
   * ...]}: the first bucket's index in the {@link Buckets} layout and its count, then for every
   * further non-empty bucket, in ascending order, the difference to the previous bucket's index
   * and the count. Empty for no calls.
   */
  static long[] sparse(long[][] pages, long mask) {
    int n = 0;
    for (long m = mask; m != 0; m &= m - 1) {
      for (long c : pages[Long.numberOfTrailingZeros(m)]) {
        if (c != 0) {
          n++;
        }
      }
    }
    if (n == 0) {
      return EMPTY_HISTOGRAM;
    }
    long[] out = new long[2 * n];
    int k = 0;
    int prev = 0;
    for (long m = mask; m != 0; m &= m - 1) {
      int p = Long.numberOfTrailingZeros(m);
      long[] counts = pages[p];
      for (int i = 0; i < Buckets.SUB_BUCKETS; i++) {
        if (counts[i] != 0) {
          int index = p * Buckets.SUB_BUCKETS + i;
          out[k++] = (long) index - prev;
          out[k++] = counts[i];
          prev = index;
        }
      }
    }
    return out;
  }

  /** Reads the recorder with the snapshot thread's buffers; leaves them all zeros again. */
  Reading read(Buffers b, double[] extra) {
    return finish(b, begin(b.pageTotals, b.totals), extra);
  }

  /**
   * The first step of a read ({@link #read} is both steps): the recorder's totals {errors, sum,
   * min, max} into {@code totals} and each page's total into {@code pageTotals}; returns the
   * pages to visit, for {@link #finish}. Changes nothing in this reader. A caller reading many
   * operations can take this step for a batch of them, touch the pages that changed ({@link
   * #touchChanged}) and then finish each.
   */
  long begin(long[] pageTotals, long[] totals) {
    totals[0] = 0;
    totals[1] = 0;
    totals[2] = Long.MAX_VALUE;
    totals[3] = Long.MIN_VALUE;
    Arrays.fill(pageTotals, 0);
    return prevMask | (recorder.readPageTotals(pageTotals, totals) & Distribution.ALL_PAGES);
  }

  /**
   * Loads, from the recorder and from this reader's copy, the pages whose total in {@code
   * pageTotals} (from {@link #begin}) differs from the previous read's; returns a meaningless
   * value derived from them (see {@link #touch}). Changes nothing.
   */
  long touchChanged(long[] pageTotals, long mask) {
    long sum = 0;
    boolean changed = false;
    for (long m = mask; m != 0; m &= m - 1) {
      int p = Long.numberOfTrailingZeros(m);
      long bit = 1L << p;
      long before = (totalsMask & bit) == 0 ? 0 : prevTotals[Long.bitCount(totalsMask & (bit - 1))];
      if (pageTotals[p] == before) {
        continue;
      }
      if (!changed) {
        // A page changed: the figures will move the percentiles (an idle operation's do not).
        changed = true;
        Positions at = positions;
        sum += at == null ? 0 : at.bucket.length + at.below.length + at.at.length;
      }
      sum += recorder.touchPage(p);
      long[] copy = pages[p];
      if (copy != null) {
        for (int end : READ_ENDS) {
          sum += copy[end - 1];
        }
      }
    }
    return sum;
  }

  /**
   * The second step of a read: given {@code mask} from {@link #begin} and its totals in {@code
   * b.pageTotals} and {@code b.totals}, reads the changed pages and computes the figures; leaves
   * the buffers all zeros again (but those totals).
   */
  Reading finish(Buffers b, long mask, double[] extra) {
    long intervalMask = 0;
    boolean done = false;
    try {
      intervalMask = readChangedPages(b, mask);
      Reading r = figures(b, extra, mask, intervalMask);
      done = true;
      return r;
    } catch (RuntimeException | Error e) {
      positions = null; // may not match the pages any more: locate them again next time
      intervalMask = Distribution.ALL_PAGES; // written where the mask may not say
      Arrays.fill(b.page, 0);
      throw e;
    } finally {
      if (done) {
        // The interval's buckets written are those listed: cleared one by one.
        for (int k = 0; k < b.changed; k++) {
          int index = b.changedIndex[k];
          b.delta[index / Buckets.SUB_BUCKETS][index % Buckets.SUB_BUCKETS] = 0;
        }
      } else {
        for (long m = intervalMask; m != 0; m &= m - 1) {
          Arrays.fill(b.delta[Long.numberOfTrailingZeros(m)], 0);
        }
      }
      Arrays.fill(b.pageArrays, null); // no recorder's page kept reachable from the buffers
    }
  }

  /**
   * For each page of {@code mask}: when the recorder's total of the page differs from the
   * previous read's, reads its buckets, writes their increase into {@code b.delta} (and, in
   * ascending order, into {@code b.changedIndex}/{@code b.changedCount}) and brings the reader's
   * copy up to date. A page is read from its first bucket up, a cache line at a time, only until
   * the increases found add up to the calls its total gained: the rest of the page has none (a
   * call recorded since the totals were read may be found instead of one counted in them; the
   * page's total is then kept as the buckets' sum, and the next read finds the other). Leaves in
   * {@code b.pageTotals} the total of each page's buckets as this reader now has them (the
   * recorder's total may lag them by the calls being recorded) and in {@code b.pageDeltas} the
   * calls of the interval. Returns the pages with calls in the interval.
   */
  private long readChangedPages(Buffers b, long mask) {
    long[] pageTotals = b.pageTotals;
    long[] pageDeltas = b.pageDeltas;
    long[][] stripes = b.pageArrays;
    int[] changedIndex = b.changedIndex;
    long[] changedCount = b.changedCount;
    int changed = 0;
    long intervalMask = 0;
    for (long m = mask; m != 0; m &= m - 1) {
      int p = Long.numberOfTrailingZeros(m);
      long bit = 1L << p;
      int rank = Long.bitCount(totalsMask & (bit - 1));
      long before = (totalsMask & bit) == 0 ? 0 : prevTotals[rank];
      pageDeltas[p] = 0;
      long gained = pageTotals[p] - before;
      if (gained == 0) {
        continue; // counts only grow: the same total means the same buckets as last time
      }
      long[] prev = pages[p];
      if (prev == null) {
        prev = new long[Buckets.SUB_BUCKETS];
        pages[p] = prev;
      }
      long[] delta = b.delta[p];
      int base = p * Buckets.SUB_BUCKETS;
      long found = 0;
      int i = 0;
      int first = changed;
      // The recorder's arrays of the page, read in place (usually one: a single thread's lane).
      int arrays = recorder.pageArrays(p, stripes);
      long[] only = arrays == 1 ? stripes[0] : null;
      for (int end : READ_ENDS) {
        for (; i < end; i++) {
          long now;
          if (only != null) {
            now = (long) COUNTS.getAcquire(only, i);
          } else {
            now = 0;
            for (int s = 0; s < arrays; s++) {
              now += (long) COUNTS.getAcquire(stripes[s], i);
            }
          }
          long d = now - prev[i];
          if (d != 0) {
            delta[i] = d;
            found += d;
            changedIndex[changed] = base + i;
            changedCount[changed++] = d;
          }
        }
        if (found == gained) {
          break;
        }
      }
      // The copy is updated once the page is read (a failed read leaves it as it was).
      for (int k = first; k < changed; k++) {
        prev[changedIndex[k] - base] += changedCount[k];
      }
      long now = before + found;
      pageTotals[p] = now;
      if (found == 0) {
        continue; // the total ran ahead of a bucket still being published
      }
      if ((totalsMask & bit) == 0) {
        long[] grown = new long[prevTotals.length + 1];
        System.arraycopy(prevTotals, 0, grown, 0, rank);
        System.arraycopy(prevTotals, rank, grown, rank + 1, prevTotals.length - rank);
        prevTotals = grown;
        totalsMask |= bit;
      }
      prevTotals[rank] = now;
      intervalMask |= bit;
      pageDeltas[p] = found;
    }
    b.changed = changed;
    return intervalMask;
  }

  private Reading figures(Buffers b, double[] extra, long mask, long intervalMask) {
    long[] totals = b.totals;
    long errors = totals[0];
    long sum = totals[1];
    long calls = 0;
    for (long m = intervalMask; m != 0; m &= m - 1) {
      calls += b.pageDeltas[Long.numberOfTrailingZeros(m)];
    }
    long[] sparseInterval = histogram ? sparse(b.delta, intervalMask) : null;
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
      long intervalErrors = Math.min(errors - reportedErrors, calls);
      reportedErrors += intervalErrors;
      if (b.interval == null || b.interval.extra != extra) {
        b.interval = new Positions(extra);
      }
      // The cumulative percentiles: moved from where they were by the interval's calls.
      if (positions != null && positions.extra == extra && positions.total != 0) {
        positions.advance(b.changedIndex, b.changedCount, b.changed, calls, pages, b.pageTotals);
      } else {
        if (positions == null || positions.extra != extra) {
          positions = new Positions(b.interval); // the percentiles' table shared by all readers
        }
        positions.locate(pages, b.pageTotals, mask);
      }
      cumulative = Distribution.ofPositions(positions, errors, sum, totals[2], totals[3]);
      b.interval.locateSparse(b.changedIndex, b.changedCount, b.changed);
      interval =
          Distribution.ofPositions(
              b.interval, intervalErrors, sum - prevSum, cumulative.minNanos(), cumulative.maxNanos());
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
    return new Reading(cumulative, interval, sparseInterval);
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
    long[] totals = b.totals;
    long[] pageTotals = b.pageTotals;
    long[] pageDeltas = b.pageDeltas;
    totals[0] = 0;
    totals[1] = 0;
    totals[2] = Long.MAX_VALUE;
    totals[3] = Long.MIN_VALUE;
    Arrays.fill(pageTotals, 0);
    long intervalMask = 0;
    try {
      long mask = prevMask | (recorder.readPageTotals(pageTotals, totals) & Distribution.ALL_PAGES);
      // The cumulative buckets page by page: this reader's copy where the page did not change,
      // else a fresh read (the copy itself is left as the next read expects it).
      long[][] cumulativePages = new long[Buckets.PAGES][];
      long calls = 0;
      for (long m = mask; m != 0; m &= m - 1) {
        int p = Long.numberOfTrailingZeros(m);
        long bit = 1L << p;
        long before = (totalsMask & bit) == 0 ? 0 : prevTotals[Long.bitCount(totalsMask & (bit - 1))];
        long[] prev = pages[p];
        pageDeltas[p] = 0;
        if (pageTotals[p] == before) {
          cumulativePages[p] = prev;
          continue;
        }
        long[] now = new long[Buckets.SUB_BUCKETS];
        pageTotals[p] = recorder.readPage(p, now);
        cumulativePages[p] = now;
        if (pageTotals[p] == before) {
          continue;
        }
        long[] delta = b.delta[p];
        intervalMask |= bit;
        for (int i = 0; i < Buckets.SUB_BUCKETS; i++) {
          delta[i] = prev == null ? now[i] : now[i] - prev[i];
        }
        pageDeltas[p] = pageTotals[p] - before;
        calls += pageDeltas[p];
      }
      if (bounds != null) {
        Arrays.fill(le, 0);
        for (long m = mask; m != 0; m &= m - 1) {
          int p = Long.numberOfTrailingZeros(m);
          long[] counts = cumulativePages[p];
          if (counts == null || pageTotals[p] == 0) {
            continue;
          }
          for (int i = 0; i < Buckets.SUB_BUCKETS; i++) {
            if (counts[i] != 0) {
              le[firstBoundAtLeast(bounds, Buckets.midpoint(p * Buckets.SUB_BUCKETS + i))] += counts[i];
            }
          }
        }
        for (int i = 1; i < le.length; i++) {
          le[i] += le[i - 1];
        }
      }
      Distribution cumulative =
          Distribution.ofPages(
              cumulativePages, pageTotals, mask, totals[0], totals[1], totals[2], totals[3], extra);
      Distribution interval =
          Distribution.ofPages(
              b.delta,
              pageDeltas,
              intervalMask,
              Math.min(totals[0] - reportedErrors, calls),
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
      return new Reading(cumulative, interval, null);
    } catch (RuntimeException | Error e) {
      intervalMask = Distribution.ALL_PAGES; // written where the mask may not say
      throw e;
    } finally {
      for (long m = intervalMask; m != 0; m &= m - 1) {
        Arrays.fill(b.delta[Long.numberOfTrailingZeros(m)], 0);
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
