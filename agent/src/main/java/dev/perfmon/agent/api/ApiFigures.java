package dev.perfmon.agent.api;

import dev.perfmon.agent.monitor.Distribution;
import dev.perfmon.bootstrap.ApiHooks;
import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Figures on request for the application API ({@code getStats}, {@code getStats(name)}, {@code
 * clear()}): reads the agent's recorders when asked, on the asking thread, never on the recording
 * path. The figures are cumulative since the operation's first call, or since the last {@code
 * clear()} that covered it: a clear stores the operation's counts at that moment (a baseline) and
 * later reads subtract it. The snapshots and every other output are unaffected by a clear: they go
 * on counting every call.
 *
 * <p>A recorder allows one reader at a time ({@link OperationRecorder#readInto}), and the snapshot
 * thread is one, so every read here runs under the caller's lock: {@link
 * dev.perfmon.agent.monitor.Monitor#whileNotSnapshotting}; this class's own lock guards its
 * baselines. A read allocates its work arrays (off the hot path); a baseline keeps only the
 * histogram pages the operation used (a few hundred bytes each), and there is at most one per
 * operation, so memory is bounded by {@code max-operations}.
 *
 * <p>After a clear, the minimum and maximum come from the histogram of the calls since (within its
 * {@link Buckets#RELATIVE_ERROR}), as the snapshot's interval figures do.
 */
final class ApiFigures {
  /** An operation's counts at its last clear. */
  private static final class Baseline {
    final OperationRecorder recorder;
    final long[][] pages = new long[Buckets.PAGES][];
    long errors;
    long sum;
    long skipped;
    long skippedErrors;

    Baseline(OperationRecorder recorder) {
      this.recorder = recorder;
    }
  }

  private final OperationRegistry registry;
  private final Map<Integer, Baseline> baselines = new HashMap<>();
  private final long[] counts = new long[Buckets.BUCKETS];
  private final long[] totals = new long[4];
  private final long[] skipped = new long[2];

  ApiFigures(OperationRegistry registry) {
    this.registry = registry;
  }

  /** The figures of {@code name} in {@link ApiHooks#FIELDS} layout; null when it has no calls. */
  synchronized double[] stats(String name) {
    OperationRecorder r = registry.find(name);
    return r == null ? null : read(r);
  }

  /** The figures of every operation under {@code prefix} with calls, by name (in id order). */
  synchronized Map<String, double[]> statsUnder(String prefix) {
    Map<String, double[]> out = new LinkedHashMap<>();
    for (OperationRecorder r : under(prefix)) {
      double[] f = read(r);
      if (f != null) {
        out.put(r.name(), f);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /** Stores the current counts of every operation under {@code prefix} as its new zero. */
  synchronized void clear(String prefix) {
    for (OperationRecorder r : under(prefix)) {
      Baseline b = new Baseline(r);
      resetWork();
      long mask = r.readPagesInto(counts, totals) & ((1L << Buckets.PAGES) - 1);
      for (long m = mask; m != 0; m &= m - 1) {
        int p = Long.numberOfTrailingZeros(m);
        int base = p * Buckets.SUB_BUCKETS;
        b.pages[p] = Arrays.copyOfRange(counts, base, base + Buckets.SUB_BUCKETS);
      }
      b.errors = totals[0];
      b.sum = totals[1];
      skipped[0] = 0;
      skipped[1] = 0;
      r.readSkipped(skipped);
      b.skipped = skipped[0];
      b.skippedErrors = skipped[1];
      baselines.put(r.id(), b);
    }
  }

  private List<OperationRecorder> under(String prefix) {
    List<OperationRecorder> all = registry.recorders();
    if (prefix.isEmpty()) {
      return all;
    }
    List<OperationRecorder> out = new ArrayList<>();
    for (OperationRecorder r : all) {
      if (r.name().startsWith(prefix)) {
        out.add(r);
      }
    }
    return out;
  }

  private void resetWork() {
    Arrays.fill(counts, 0);
    totals[0] = 0;
    totals[1] = 0;
    totals[2] = Long.MAX_VALUE;
    totals[3] = Long.MIN_VALUE;
  }

  private double[] read(OperationRecorder r) {
    resetWork();
    r.readInto(counts, totals);
    skipped[0] = 0;
    skipped[1] = 0;
    r.readSkipped(skipped);
    long errors = totals[0];
    long sum = totals[1];
    long min = totals[2];
    long max = totals[3];
    long skippedCalls = skipped[0];
    long skippedErrors = skipped[1];
    Baseline b = baselines.get(r.id());
    if (b != null && b.recorder == r) {
      for (int p = 0; p < Buckets.PAGES; p++) {
        long[] page = b.pages[p];
        if (page != null) {
          int base = p * Buckets.SUB_BUCKETS;
          for (int i = 0; i < Buckets.SUB_BUCKETS; i++) {
            counts[base + i] -= page[i];
          }
        }
      }
      errors -= b.errors;
      sum -= b.sum;
      skippedCalls -= b.skipped;
      skippedErrors -= b.skippedErrors;
      // The extremes since the clear are not recorded as such: the histogram's bounds give them.
      min = Long.MAX_VALUE;
      max = Long.MIN_VALUE;
    }
    Distribution d = Distribution.of(counts, errors, sum, min, max).withSkipped(skippedCalls, skippedErrors);
    if (d.count() == 0) {
      return null;
    }
    return new double[] {
      d.count(),
      d.successes(),
      d.errors(),
      d.avgNanos() / 1e6,
      d.minNanos() / 1e6,
      d.maxNanos() / 1e6,
      d.percentiles()[0] / 1e6,
      d.percentiles()[1] / 1e6,
      d.percentiles()[2] / 1e6,
      d.percentiles()[3] / 1e6,
      d.percentiles()[4] / 1e6,
    };
  }
}
