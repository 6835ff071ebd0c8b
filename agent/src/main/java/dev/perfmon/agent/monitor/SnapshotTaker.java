package dev.perfmon.agent.monitor;

import dev.perfmon.bootstrap.AgentErrors;
import dev.perfmon.bootstrap.Faults;
import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.ObjLongConsumer;

/**
 * What a snapshot holds, read from the recorders: every operation's cumulative and interval
 * figures (one {@link StatsReader} per operation, kept from snapshot to snapshot), the counters
 * the instrumentation modules keep per operation and their change, the JVM's memory readings, and
 * the agent's own section (its cost per call, calibrated on the snapshot thread, its footprint,
 * its suppressed failures). Also the same figures read on request without moving the interval
 * ({@link #peek}).
 *
 * <p>Not thread-safe: called under the {@link Monitor}'s lock (one reader of the recorders at a
 * time).
 */
final class SnapshotTaker {
  /** Where a failure that does not stop the snapshot is reported (once at WARN). */
  interface Failures {
    void warnOnce(String part, String what, Throwable t);
  }

  /**
   * Collects one operation's counters (snapshot thread only) in reused arrays, in the order first
   * given, the values of a key given twice summed.
   */
  private static final class CounterSink implements ObjLongConsumer<String> {
    String[] keys = new String[8];
    long[] values = new long[8];
    int size;

    @Override
    public void accept(String key, long value) {
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) {
          values[i] += value;
          return;
        }
      }
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        values = Arrays.copyOf(values, size * 2);
      }
      keys[size] = key;
      values[size++] = value;
    }

    /** Forgets what was collected (a source may have failed halfway through an operation). */
    void clear() {
      Arrays.fill(keys, 0, size, null);
      size = 0;
    }

    /** What was collected since the latest call, or null for nothing; starts over. */
    Counters take() {
      if (size == 0) {
        return null;
      }
      Counters c = new Counters(Arrays.copyOf(keys, size), Arrays.copyOf(values, size));
      clear();
      return c;
    }
  }

  private final OperationRegistry registry;
  private final List<Monitor.CounterSource> counterSources;
  private final boolean memoryEnabled;
  private final Failures failures;
  /** The monotonic clock (System.nanoTime, or a test's). */
  private final LongSupplier clock;
  private long startNanos;
  private long lastTickNanos;
  /** This JVM's process id, read on the snapshot thread (ProcessHandle costs start-up time). */
  private long pid = -1;
  /** Per operation id (dense from 0): its reader, created at its first snapshot. */
  private StatsReader[] readers = new StatsReader[64];
  /** Per operation id: its counters at the previous snapshot, or null. */
  private Counters[] prevCounters = new Counters[64];
  private final StatsReader.Buffers buffers = new StatsReader.Buffers();
  private final CounterSink counterSink = new CounterSink();
  private MemorySampler memory;
  private boolean partial;
  private double lastSnapshotMillis;
  /**
   * Calibrated cost of one timed call, ns; negative until calibrated. The lowest of a few runs.
   * Volatile: {@link #calibrate} runs on the snapshot thread without the monitor's lock.
   */
  private volatile double costNanos = -1;
  /** Calibrations run so far (snapshot thread only). */
  private int calibrations;
  private double[] extraPercentiles = new double[0];
  private boolean resetEachInterval;
  private boolean histograms;

  SnapshotTaker(
      OperationRegistry registry,
      List<Monitor.CounterSource> counterSources,
      boolean memoryEnabled,
      boolean partialFirst,
      LongSupplier clock,
      Failures failures) {
    this.registry = registry;
    this.counterSources = List.copyOf(counterSources);
    this.memoryEnabled = memoryEnabled;
    this.partial = partialFirst;
    this.clock = clock;
    this.failures = failures;
    this.startNanos = clock.getAsLong();
    this.lastTickNanos = startNanos;
  }

  /**
   * Continues where {@code previous} left off: its readers (the next interval starts at its last
   * snapshot), counters, start time and memory sampler.
   */
  void continueFrom(SnapshotTaker previous) {
    readers = previous.readers.clone();
    prevCounters = previous.prevCounters.clone();
    startNanos = previous.startNanos;
    lastTickNanos = previous.lastTickNanos;
    memory = previous.memory;
  }

  /** See {@link Monitor#setHistograms}. */
  void setHistograms(boolean on) {
    histograms = on;
  }

  /** See {@link Monitor#requestPercentile}. */
  void requestPercentile(double p) {
    if (Distribution.isStandard(p)) {
      return;
    }
    for (double q : extraPercentiles) {
      if (q == p) {
        return;
      }
    }
    double[] e = Arrays.copyOf(extraPercentiles, extraPercentiles.length + 1);
    e[e.length - 1] = p;
    extraPercentiles = e;
  }

  void setResetEachInterval(boolean on) {
    resetEachInterval = on;
  }

  boolean resetEachInterval() {
    return resetEachInterval;
  }

  /**
   * Measures the cost of one timed call on this machine ({@link SelfCost}), on the snapshot
   * thread at the first three scheduled snapshots, keeping the lowest figure (a disturbed run only
   * reads high). Called on the snapshot thread without the monitor's lock, so that a reader on
   * request does not wait for the measurement.
   */
  void calibrate() {
    if (calibrations >= 3) {
      return;
    }
    calibrations++;
    double c = SelfCost.nanosPerCall();
    if (c > 0 && (costNanos < 0 || c < costNanos)) {
      costNanos = c;
    }
  }

  /**
   * Takes a snapshot: reads every operation (the interval figures advance to now), the memory
   * readings and the agent's own figures.
   *
   * @param lateNanos how late the scheduled snapshot started (0: on time, or not scheduled)
   * @param skippedIntervals due times passed without a snapshot
   * @param lostLines the outputs' lost lines so far
   */
  Snapshot take(long lateNanos, long skippedIntervals, long lostLines) {
    Faults.check(Faults.SNAPSHOT);
    long t0 = clock.getAsLong();
    List<Snapshot.Operation> ops = new ArrayList<>();
    long footprint = 0;
    long calls = 0;
    List<OperationRecorder> recorders = registry.recorders(); // a copy, taken once
    int count = recorders.size();
    // Batches of operations: their state touched (touchBatch), then the first step of each read
    // (the recorders' totals), the pages that changed touched, then each read finished, so that
    // the cache misses of a batch overlap instead of coming one after the other.
    long[] ownTotals = buffers.totals;
    long[] ownPageTotals = buffers.pageTotals;
    try {
      for (int from = 0; from < count; from += BATCH) {
        int to = Math.min(count, from + BATCH);
        touchBatch(recorders, from, to);
        for (int i = from; i < to; i++) {
          OperationRecorder r = recorders.get(i);
          int id = r.id();
          if (id >= readers.length) {
            readers = Arrays.copyOf(readers, Math.max(id + 1, readers.length * 2));
          }
          StatsReader reader = readers[id];
          if (reader == null || reader.recorder() != r) {
            reader = new StatsReader(r);
            readers[id] = reader;
          }
          batchReaders[i - from] = reader;
          batchMasks[i - from] = reader.begin(batchPageTotals[i - from], batchTotals[i - from]);
        }
        long sum = 0;
        for (int i = from; i < to; i++) {
          sum += batchReaders[i - from].touchChanged(batchPageTotals[i - from], batchMasks[i - from]);
        }
        touched += sum;
        for (int i = from; i < to; i++) {
          OperationRecorder r = recorders.get(i);
          StatsReader reader = batchReaders[i - from];
          batchReaders[i - from] = null;
          buffers.pageTotals = batchPageTotals[i - from];
          buffers.totals = batchTotals[i - from];
          StatsReader.Reading reading =
              reader.finish(buffers, batchMasks[i - from], extraPercentiles, histograms);
          footprint += r.footprintBytes();
          calls += reading.interval().count();
          if (reading.cumulative().count() == 0
              || (resetEachInterval && reading.interval().count() == 0)) {
            continue;
          }
          ops.add(operation(r, reading, resetEachInterval, true));
        }
      }
    } finally {
      buffers.totals = ownTotals;
      buffers.pageTotals = ownPageTotals;
      Arrays.fill(batchReaders, null);
    }
    MemorySampler.Reading mem = readMemory();
    long now = clock.getAsLong();
    long intervalNanos = now - lastTickNanos;
    long intervalMs = intervalNanos / 1_000_000;
    lastTickNanos = now;
    if (pid < 0) {
      pid = ProcessHandle.current().pid();
    }
    Snapshot s =
        new Snapshot(
            Instant.now(),
            pid,
            (now - startNanos) / 1_000_000,
            intervalMs,
            partial,
            ops,
            mem,
            self(recorders.size(), footprint, calls, intervalNanos, mem, lateNanos / 1e6, skippedIntervals, lostLines));
    partial = false;
    lastSnapshotMillis = (clock.getAsLong() - t0) / 1e6;
    return s;
  }

  /** Operations whose state {@link #touchBatch} loads before they are read. */
  private static final int BATCH = 64;

  /** The readers of the batch being read, and each one's pages to visit and totals. */
  private final StatsReader[] batchReaders = new StatsReader[BATCH];
  private final long[] batchMasks = new long[BATCH];
  private final long[][] batchPageTotals = new long[BATCH][dev.perfmon.bootstrap.Buckets.PAGES];
  private final long[][] batchTotals = new long[BATCH][4];

  /** Where {@link #touchBatch} leaves what it loaded (so that the loads are not left out). */
  @SuppressWarnings("UnusedVariable") // written, never read: keeps the JIT from dropping the loads
  private long touched;

  /**
   * Loads the state of operations {@code from} to {@code to - 1} that their reads start with
   * (readers, recorders, their stripes and page totals), one kind of object at a time for all of
   * them: the loads of a batch are independent of each other, so their cache misses overlap,
   * where the reads would meet them one after the other. Snapshot memory left cold since the
   * previous snapshot is most of what a read costs.
   */
  private void touchBatch(List<OperationRecorder> recorders, int from, int to) {
    long sum = 0;
    StatsReader[] rs = readers;
    for (int i = from; i < to; i++) {
      int id = recorders.get(i).id();
      if (id < rs.length && rs[id] != null) {
        sum += rs[id].touch();
      }
    }
    for (int i = from; i < to; i++) {
      sum += recorders.get(i).touch();
    }
    touched += sum;
  }

  /** The memory section, or null when memory readings are off or failed. */
  private MemorySampler.Reading readMemory() {
    if (!memoryEnabled) {
      return null;
    }
    if (memory == null) {
      memory = new MemorySampler();
    }
    try {
      return memory.read();
    } catch (RuntimeException | LinkageError e) {
      // The operations' figures still go out, without the memory section.
      failures.warnOnce("memory", "JVM memory readings failed; snapshots go on without them", e);
      return null;
    }
  }

  /**
   * The figures as of now, for readers on request ({@link LiveStats}): the operations that {@code
   * include} accepts, with cumulative figures and those since the previous snapshot, computed
   * without changing what the next snapshot reports. Called under the monitor's lock (as a
   * snapshot is); application threads never wait for it. With {@code bounds} the figures are
   * cumulative even under {@code reset=interval} (Prometheus counters only grow). The agent
   * section's {@code callsRecorded} covers the listed operations.
   *
   * @param bounds histogram bucket bounds (ns, ascending), or null
   * @param histograms receives, when {@code bounds} is given, each listed operation's cumulative
   *     bucket counts ({@code bounds.length + 1} values, the last one all timed calls)
   * @param mem the memory section, or null
   * @param lostLines the outputs' lost lines so far
   */
  Snapshot peek(
      java.util.function.Predicate<String> include,
      long[] bounds,
      Map<String, long[]> histograms,
      MemorySampler.Reading mem,
      long lostLines) {
    long now = clock.getAsLong();
    // Histogram readings (Prometheus) are always cumulative, whatever reset says.
    boolean reset = resetEachInterval && bounds == null;
    List<Snapshot.Operation> ops = new ArrayList<>();
    long footprint = 0;
    long calls = 0;
    List<OperationRecorder> recorders = registry.recorders();
    for (OperationRecorder r : recorders) {
      footprint += r.footprintBytes();
      if (!include.test(r.name())) {
        continue;
      }
      int id = r.id();
      StatsReader reader = id < readers.length ? readers[id] : null;
      if (reader == null || reader.recorder() != r) {
        reader = new StatsReader(r); // not kept: the next snapshot reads it from the start
      }
      long[] le = bounds == null ? null : new long[bounds.length + 1];
      StatsReader.Reading reading = reader.peek(buffers, extraPercentiles, bounds, le);
      calls += reading.interval().count();
      if (reading.cumulative().count() == 0
          || (reset && reading.interval().count() == 0)) {
        continue;
      }
      ops.add(operation(r, reading, reset, false));
      if (le != null) {
        histograms.put(r.name(), le);
      }
    }
    long intervalNanos = now - lastTickNanos;
    return new Snapshot(
        Instant.now(),
        pid >= 0 ? pid : ProcessHandle.current().pid(),
        (now - startNanos) / 1_000_000,
        intervalNanos / 1_000_000,
        false,
        ops,
        mem,
        self(recorders.size(), footprint, calls, intervalNanos, mem, 0, 0, lostLines));
  }

  /**
   * One operation of a snapshot: its figures (the interval's as the main ones when {@code reset})
   * with the counters the sources keep for it (e.g. servlet status classes) and their change since
   * the previous snapshot, which becomes the new baseline when {@code advance}.
   */
  private Snapshot.Operation operation(
      OperationRecorder r, StatsReader.Reading reading, boolean reset, boolean advance) {
    int id = r.id();
    counterSink.clear();
    for (Monitor.CounterSource c : counterSources) {
      c.read(id, counterSink);
    }
    Counters counters = counterSink.take();
    Map<String, Long> extra = Map.of();
    Map<String, Long> intervalExtra = Map.of();
    if (counters != null) {
      extra = counters;
      intervalExtra = counters.since(id < prevCounters.length ? prevCounters[id] : null);
      if (advance) {
        if (id >= prevCounters.length) {
          prevCounters = Arrays.copyOf(prevCounters, Math.max(id + 1, prevCounters.length * 2));
        }
        prevCounters[id] = counters;
      }
    }
    return new Snapshot.Operation(
        r.name(),
        reset ? reading.interval() : reading.cumulative(),
        reading.interval(),
        reset ? intervalExtra : extra,
        intervalExtra,
        registry.metadata(id),
        reading.histogram());
  }

  /**
   * The agent's own section of a snapshot: {@code calls} timed calls in {@code intervalNanos},
   * their estimated cost and its share of the threads' time ({@code -1} when not known).
   */
  private Snapshot.Self self(
      int operations,
      long footprint,
      long calls,
      long intervalNanos,
      MemorySampler.Reading mem,
      double lateMs,
      long skipped,
      long lostLines) {
    double overheadNanos = costNanos < 0 ? -1 : calls * costNanos;
    int threads = mem != null ? Math.max(1, mem.threads()) : Thread.activeCount();
    double share =
        overheadNanos < 0 || intervalNanos <= 0
            ? -1
            : overheadNanos / ((double) intervalNanos * Math.max(1, threads));
    Map<String, Long> suppressed = suppressedByModule();
    long suppressedTotal = 0;
    for (long n : suppressed.values()) {
      suppressedTotal += n;
    }
    return new Snapshot.Self(
        operations,
        registry.cap(),
        registry.overflowed(),
        suppressedTotal,
        lastSnapshotMillis,
        footprint,
        calls,
        costNanos,
        overheadNanos < 0 ? -1 : overheadNanos / 1e6,
        share,
        lostLines,
        lateMs,
        skipped,
        suppressed,
        matchingBytes(),
        dev.perfmon.instrumentation.api.TransformerCost.classes(),
        dev.perfmon.instrumentation.api.TransformerCost.nanos());
  }

  /** {@code AgentBuilders.matchingStateBytes()}, or -1 when it cannot be read. */
  private static long matchingBytes() {
    try {
      return dev.perfmon.instrumentation.api.AgentBuilders.matchingStateBytes();
    } catch (RuntimeException | LinkageError e) {
      return -1;
    }
  }

  /** {@code agent.suppressedByModule}: every module's suppressed failures so far. */
  static Map<String, Long> suppressedByModule() {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    for (int m = 0; m < AgentErrors.MODULES; m++) {
      out.put(AgentErrors.moduleName(m), AgentErrors.suppressedCount(m));
    }
    return out;
  }

}
