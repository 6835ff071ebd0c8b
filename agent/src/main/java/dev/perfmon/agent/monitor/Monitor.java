package dev.perfmon.agent.monitor;

import dev.perfmon.agent.output.FileOutput;
import dev.perfmon.bootstrap.Faults;
import dev.perfmon.agent.output.Output;
import dev.perfmon.bootstrap.AgentErrors;
import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ObjLongConsumer;
import org.slf4j.Logger;

/**
 * Turns the recorders into periodic snapshots: one daemon thread ({@code perfmon-snapshot}) reads
 * every operation's recorder, derives interval figures, samples memory and hands one JSON line to
 * each output. Application threads never wait for it: the recorders are lock-free and the only lock
 * here is between the snapshot thread and the shutdown hook.
 */
public final class Monitor {
  /** Extra per-operation counters contributed by instrumentation modules (e.g. status classes). */
  public interface CounterSource {
    void read(int operationId, ObjLongConsumer<String> sink);
  }

  /** Something that wants to run on the snapshot thread at every tick (coverage, budgets...). */
  public interface TickListener {
    void onTick(Monitor monitor, Snapshot snapshot);
  }

  /**
   * Adds fields to each snapshot line (e.g. {@code slowOperations}, {@code budgetViolations}). Runs
   * on the snapshot thread after the figures are computed and before the line is written.
   */
  public interface SnapshotContributor {
    /** Returns a writer of extra top-level fields for this snapshot, or null for none. */
    SnapshotJson.Body contribute(Snapshot snapshot);

    /**
     * Called by {@link #close()} on the closing thread before the final snapshot, while the outputs
     * are still open (e.g. to write events still queued).
     */
    default void beforeFinalSnapshot() {}
  }

  /** Collects one operation's counters (snapshot thread only); the map is created on first use. */
  private static final class CounterSink implements ObjLongConsumer<String> {
    Map<String, Long> map;

    @Override
    public void accept(String key, long value) {
      if (map == null) {
        map = new LinkedHashMap<>();
      }
      map.merge(key, value, Long::sum);
    }
  }

  /** A task scheduled with {@link #schedule} or {@link #scheduleAtFixedRate}. */
  public static final class Task {
    private final Runnable body;
    private final long delayMs;
    private final long periodMs;
    private ScheduledFuture<?> future;
    private boolean cancelled;

    private Task(Runnable body, long delayMs, long periodMs) {
      this.body = body;
      this.delayMs = delayMs;
      this.periodMs = periodMs;
    }

    /** Stops further runs (a run in progress completes). */
    public synchronized void cancel() {
      cancelled = true;
      if (future != null) {
        future.cancel(false);
      }
    }

    private synchronized void submit(ScheduledExecutorService s) {
      if (cancelled) {
        return;
      }
      future =
          periodMs > 0
              ? s.scheduleAtFixedRate(body, delayMs, periodMs, TimeUnit.MILLISECONDS)
              : s.schedule(body, delayMs, TimeUnit.MILLISECONDS);
    }
  }

  private final OperationRegistry registry;
  private final List<Output> outputs;
  private final Duration interval;
  private final Logger log;
  private final List<CounterSource> counterSources;
  private final List<TickListener> tickListeners = new CopyOnWriteArrayList<>();
  private final List<SnapshotContributor> contributors = new CopyOnWriteArrayList<>();
  private final List<Task> pending = new ArrayList<>();
  private double[] extraPercentiles = new double[0];
  private boolean resetEachInterval;
  private final boolean memoryEnabled;
  private long startNanos;
  /** This JVM's process id, read on the snapshot thread (ProcessHandle costs start-up time). */
  private volatile long pid = -1;

  /** Per operation id (dense from 0): its reader, created at its first snapshot. */
  private StatsReader[] readers = new StatsReader[64];
  private final Map<Integer, Map<String, Long>> prevCounters = new HashMap<>();
  private final StatsReader.Buffers buffers = new StatsReader.Buffers();
  private final CounterSink counterSink = new CounterSink();
  private MemorySampler memory;
  private ScheduledExecutorService scheduler;
  private boolean partial;
  private boolean closed;
  /** Set when {@link #close()} starts: the snapshot being written is the final one. */
  private volatile boolean closing;
  private double lastSnapshotMillis;
  /** Length of the previous snapshot line: the next one's buffer starts a little larger. */
  private int lastLineBytes;
  /** Calibrated cost of one timed call, ns; negative until calibrated. The lowest of a few runs. */
  private double costNanos = -1;
  private int calibrations;
  private long lastTickNanos;
  /** Lines lost by the outputs of the monitors this one continues from (a reconfiguration). */
  private long lostLinesBefore;
  /** The monotonic clock (System.nanoTime, or a test's). */
  private final LongSupplier clock;
  /** The snapshot period, ns. */
  private final long periodNanos;
  /** When the next scheduled snapshot is due (clock time): start + k periods. */
  private long nextDueNanos;

  public Monitor(
      OperationRegistry registry,
      List<Output> outputs,
      Duration interval,
      List<CounterSource> counterSources,
      boolean memoryEnabled,
      boolean partialFirst,
      Logger log) {
    this(registry, outputs, interval, counterSources, memoryEnabled, partialFirst, log, System::nanoTime);
  }

  /** As the public constructor, reading time from {@code clock} (nanoseconds, monotonic). */
  Monitor(
      OperationRegistry registry,
      List<Output> outputs,
      Duration interval,
      List<CounterSource> counterSources,
      boolean memoryEnabled,
      boolean partialFirst,
      Logger log,
      LongSupplier clock) {
    this.clock = clock;
    this.periodNanos = Math.max(1, interval.toMillis()) * 1_000_000L;
    this.registry = registry;
    this.outputs = List.copyOf(outputs);
    this.interval = interval;
    this.counterSources = List.copyOf(counterSources);
    this.memoryEnabled = memoryEnabled;
    this.partial = partialFirst;
    this.log = log;
    this.startNanos = clock.getAsLong();
    this.lastTickNanos = startNanos;
    this.nextDueNanos = startNanos + periodNanos;
  }

  /**
   * A scheduled snapshot that starts more than this after its due time is reported as late: half
   * the interval, at most one second.
   */
  long lateThresholdNanos() {
    return Math.min(periodNanos / 2, 1_000_000_000L);
  }

  /**
   * Continues where {@code previous} (closed by a reconfiguration of the agent) left off: the next
   * snapshot's interval figures start at the previous monitor's last snapshot, and the uptime at
   * the agent's start. Call before {@link #start()}.
   */
  public synchronized void continueFrom(Monitor previous) {
    synchronized (previous) {
      readers = previous.readers.clone();
      prevCounters.putAll(previous.prevCounters);
      startNanos = previous.startNanos;
      lastTickNanos = previous.lastTickNanos;
      memory = previous.memory;
      lostLinesBefore = previous.lostLines();
    }
  }

  public synchronized void addTickListener(TickListener l) {
    tickListeners.add(l);
  }

  public synchronized void removeTickListener(TickListener l) {
    tickListeners.remove(l);
  }

  public synchronized void addContributor(SnapshotContributor c) {
    contributors.add(c);
  }

  public synchronized void removeContributor(SnapshotContributor c) {
    contributors.remove(c);
  }

  private boolean histograms;

  /**
   * {@code output.histograms=true}: every operation in a snapshot also carries its interval's
   * sparse histogram (computed on the snapshot thread from the buckets it reads anyway).
   */
  public synchronized void setHistograms(boolean on) {
    histograms = on;
  }

  /**
   * Also computes the value at {@code p} (0..1] for every operation's distributions, available as
   * {@link Distribution#percentile(double)} (the standard p50..p999 always are).
   */
  public synchronized void requestPercentile(double p) {
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

  /**
   * {@code reset=interval}: every snapshot's top-level figures cover only the calls since the
   * previous snapshot (they equal the {@code interval} figures), and only operations with calls in
   * the interval are listed. Default false ({@code reset=cumulative}).
   */
  public synchronized void setResetEachInterval(boolean on) {
    resetEachInterval = on;
  }

  public synchronized boolean resetEachInterval() {
    return resetEachInterval;
  }

  /** Starts the snapshot schedule on a daemon thread. */
  // The tick's Future is ignored: tick() catches and logs everything itself.
  @SuppressWarnings("FutureReturnValueIgnored")
  public synchronized void start() {
    if (scheduler != null || closed) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "perfmon-snapshot");
              t.setDaemon(true);
              // A little above the application's threads, so that a busy host delays snapshots
              // less (where the JVM applies Java priorities; HotSpot on Linux does not by default).
              t.setPriority(Thread.NORM_PRIORITY + 2);
              return t;
            });
    nextDueNanos = clock.getAsLong() + periodNanos;
    scheduleTick(periodNanos);
    for (Task t : pending) {
      t.submit(scheduler);
    }
    pending.clear();
  }

  /**
   * Runs a task on the snapshot thread after {@code delay} (e.g. the first coverage report). Tasks
   * scheduled before {@link #start()} are held until it; the delay counts from then.
   */
  public synchronized Task schedule(Runnable task, Duration delay) {
    return add(new Task(guard(task), Math.max(0, delay.toMillis()), 0));
  }

  /**
   * Runs a task on the snapshot thread every {@code period}, first after one period (e.g. memory
   * checks on their own schedule). Held until {@link #start()} like {@link #schedule}.
   */
  public synchronized Task scheduleAtFixedRate(Runnable task, Duration period) {
    long ms = Math.max(1, period.toMillis());
    return add(new Task(guard(task), ms, ms));
  }

  private Task add(Task t) {
    if (closed) {
      t.cancel();
    } else if (scheduler == null) {
      pending.add(t);
    } else {
      t.submit(scheduler);
    }
    return t;
  }

  private Runnable guard(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (Throwable t) {
        log.warn("perfmon task failed: {}", t.toString());
      }
    };
  }

  /**
   * Measures the cost of one timed call on this machine ({@link SelfCost}), on the snapshot
   * thread at the first three ticks, keeping the lowest figure (a disturbed run only reads high).
   */
  private void calibrate() {
    if (calibrations >= 3) {
      return;
    }
    calibrations++;
    double c = SelfCost.nanosPerCall();
    if (c > 0 && (costNanos < 0 || c < costNanos)) {
      synchronized (this) {
        costNanos = c;
      }
    }
  }

  /**
   * Runs the scheduled snapshot and schedules the next one at the next due time not yet passed:
   * due times are fixed multiples of the interval from the start (on the monotonic clock), so a
   * late snapshot does not shift the later ones, and due times that passed while the thread could
   * not run are not caught up with a burst of snapshots but counted as skipped in the snapshot
   * that covers them.
   */
  private void tick() {
    try {
      runScheduled();
    } catch (Throwable t) {
      warnOnce("snapshot", "snapshot failed; recording goes on and the next snapshot is tried at the next interval", t);
    }
    long delay;
    synchronized (this) {
      if (closed || closing) {
        return;
      }
      delay = nextDueNanos - clock.getAsLong();
    }
    scheduleTick(delay);
  }

  // The tick's Future is ignored: tick() catches and logs everything itself.
  @SuppressWarnings("FutureReturnValueIgnored")
  private synchronized void scheduleTick(long delayNanos) {
    if (scheduler == null || closed) {
      return;
    }
    try {
      scheduler.schedule(this::tick, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // shut down by close() meanwhile
    }
  }

  /**
   * The body of a scheduled snapshot (package-private for tests, which call it with their clock
   * instead of waiting for the scheduler): measures how late it is against its due time, then
   * writes the snapshot.
   */
  void runScheduled() {
    long lateNanos;
    long skipped;
    synchronized (this) {
      long now = clock.getAsLong();
      lateNanos = Math.max(0, now - nextDueNanos);
      skipped = lateNanos / periodNanos;
      nextDueNanos += (skipped + 1) * periodNanos;
    }
    calibrate();
    boolean late = lateNanos > lateThresholdNanos() || skipped > 0;
    writeSnapshot(late ? lateNanos : 0, skipped);
  }

  /** Computes a snapshot, writes it to every output and notifies the tick listeners. */
  public Snapshot writeSnapshot() {
    return writeSnapshot(0, 0);
  }

  private synchronized Snapshot writeSnapshot(long lateNanos, long skippedIntervals) {
    if (closed) {
      return null;
    }
    Snapshot s = snapshot(lateNanos, skippedIntervals);
    List<SnapshotJson.Body> extras = new ArrayList<>();
    for (SnapshotContributor c : contributors) {
      try {
        SnapshotJson.Body b = c.contribute(s);
        if (b != null) {
          extras.add(b);
        }
      } catch (Throwable t) {
        log.warn("snapshot contributor failed: {}", t.toString());
      }
    }
    byte[] line = SnapshotJson.snapshot(s, extras, lastLineBytes + lastLineBytes / 8 + 1024);
    lastLineBytes = line.length;
    writeLine(line);
    for (TickListener l : tickListeners) {
      try {
        l.onTick(this, s);
      } catch (Throwable t) {
        log.warn("snapshot listener failed: {}", t.toString());
      }
    }
    return s;
  }

  /** Writes one line to every output. Called on the agent's own threads only. */
  public synchronized void writeLine(byte[] line) {
    if (closed) {
      return;
    }
    for (Output o : outputs) {
      try {
        if (o instanceof FileOutput) {
          Faults.check(Faults.OUTPUT);
        }
        o.write(line);
      } catch (RuntimeException e) {
        // One output that fails never keeps the line from the others.
        warnOnce("output:" + o.describe(), "output " + o.describe() + " failed; the other outputs go on", e);
      }
    }
  }

  private final java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** Logs a failure of one part of the snapshot path at WARN the first time, at DEBUG later. */
  private void warnOnce(String part, String what, Throwable t) {
    if (warned.add(part)) {
      log.warn("{}: {} (further failures of this kind are logged at debug level)", what, t.toString());
    } else {
      log.debug("{}: {}", what, t.toString());
    }
  }

  /** Computes a snapshot without writing it (interval figures advance). */
  synchronized Snapshot snapshot() {
    return snapshot(0, 0);
  }

  private synchronized Snapshot snapshot(long lateNanos, long skippedIntervals) {
    Faults.check(Faults.SNAPSHOT);
    long t0 = clock.getAsLong();
    List<Snapshot.Operation> ops = new ArrayList<>();
    long footprint = 0;
    long calls = 0;
    List<OperationRecorder> recorders = registry.recorders(); // a copy, taken once
    for (OperationRecorder r : recorders) {
      int id = r.id();
      if (id >= readers.length) {
        readers = Arrays.copyOf(readers, Math.max(id + 1, readers.length * 2));
      }
      StatsReader reader = readers[id];
      if (reader == null || reader.recorder() != r) {
        reader = new StatsReader(r);
        readers[id] = reader;
      }
      StatsReader.Reading reading = reader.read(buffers, extraPercentiles, histograms);
      footprint += r.footprintBytes();
      calls += reading.interval().count();
      if (reading.cumulative().count() == 0
          || (resetEachInterval && reading.interval().count() == 0)) {
        continue;
      }
      ops.add(operation(r, reading, resetEachInterval, true));
    }
    MemorySampler.Reading mem = null;
    if (memoryEnabled) {
      if (memory == null) {
        memory = new MemorySampler();
      }
      try {
        mem = memory.read();
      } catch (RuntimeException | LinkageError e) {
        // The operations' figures still go out, without the memory section.
        warnOnce("memory", "JVM memory readings failed; snapshots go on without them", e);
      }
    }
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
            self(recorders.size(), footprint, calls, intervalNanos, mem, lateNanos / 1e6, skippedIntervals));
    partial = false;
    lastSnapshotMillis = (clock.getAsLong() - t0) / 1e6;
    return s;
  }

  /**
   * Runs {@code read} while no snapshot is being computed: a recorder has one reader at a time
   * ({@link OperationRecorder#readInto}), and the snapshot thread is one. For figures read on
   * request (the application API's {@code getStats}); waits for a snapshot in progress.
   */
  public synchronized <T> T whileNotSnapshotting(java.util.function.Supplier<T> read) {
    return read.get();
  }

  /**
   * The figures as of now, for readers on request ({@link LiveStats}): the operations that {@code
   * include} accepts, with cumulative figures and those since the previous snapshot, computed
   * without changing what the next snapshot reports. Holds the monitor's lock while it reads (as
   * a snapshot does); application threads never wait for it. With {@code bounds} the figures are
   * cumulative even under {@code reset=interval} (Prometheus counters only grow). The agent
   * section's {@code callsRecorded} covers the listed operations.
   *
   * @param bounds histogram bucket bounds (ns, ascending), or null
   * @param histograms receives, when {@code bounds} is given, each listed operation's cumulative
   *     bucket counts ({@code bounds.length + 1} values, the last one all timed calls)
   * @param mem the memory section, or null
   */
  synchronized Snapshot peek(
      java.util.function.Predicate<String> include,
      long[] bounds,
      Map<String, long[]> histograms,
      MemorySampler.Reading mem) {
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
        self(recorders.size(), footprint, calls, intervalNanos, mem, 0, 0));
  }

  /**
   * One operation of a snapshot: its figures (the interval's as the main ones when {@code reset})
   * with the counters the sources keep for it (e.g. servlet status classes) and their change since
   * the previous snapshot, which becomes the new baseline when {@code advance}.
   */
  private Snapshot.Operation operation(
      OperationRecorder r, StatsReader.Reading reading, boolean reset, boolean advance) {
    int id = r.id();
    counterSink.map = null;
    for (CounterSource c : counterSources) {
      c.read(id, counterSink);
    }
    Map<String, Long> extra = counterSink.map == null ? Map.of() : counterSink.map;
    Map<String, Long> intervalExtra = Map.of();
    if (!extra.isEmpty()) {
      Map<String, Long> prev = prevCounters.getOrDefault(id, Map.of());
      intervalExtra = new LinkedHashMap<>();
      for (Map.Entry<String, Long> e : extra.entrySet()) {
        intervalExtra.put(e.getKey(), e.getValue() - prev.getOrDefault(e.getKey(), 0L));
      }
      if (advance) {
        prevCounters.put(id, extra);
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
      long skipped) {
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
        lostLines(),
        lateMs,
        skipped,
        suppressed,
        matchingBytes());
  }

  /** {@code AgentBuilders.matchingStateBytes()}, or -1 when it cannot be read. */
  private static long matchingBytes() {
    try {
      return dev.perfmon.instrumentation.api.AgentBuilders.matchingStateBytes();
    } catch (RuntimeException | LinkageError e) {
      return -1;
    }
  }

  /** True from the start of {@link #close()}: tick listeners see the final snapshot. */
  public boolean isClosing() {
    return closing;
  }

  /**
   * Writes the final snapshot and closes the outputs; later calls do nothing. Called from the
   * shutdown hook and on detach.
   */
  public void close() {
    ScheduledExecutorService s;
    synchronized (this) {
      if (closed) {
        return;
      }
      s = scheduler;
    }
    closing = true;
    if (s != null) {
      s.shutdownNow();
    }
    for (SnapshotContributor c : contributors) {
      try {
        c.beforeFinalSnapshot();
      } catch (Throwable t) {
        log.warn("snapshot contributor failed at shutdown: {}", t.toString());
      }
    }
    synchronized (this) {
      try {
        writeSnapshot();
      } catch (Throwable t) {
        warnOnce("snapshot", "final snapshot failed", t);
      }
      closed = true;
      for (Output o : outputs) {
        o.close();
      }
    }
  }

  /** Lines the outputs could not write, including those of the monitors this one continues. */
  /** {@code agent.suppressedByModule}: every module's suppressed failures so far. */
  static Map<String, Long> suppressedByModule() {
    Map<String, Long> out = new java.util.LinkedHashMap<>();
    for (int m = 0; m < AgentErrors.MODULES; m++) {
      out.put(AgentErrors.moduleName(m), AgentErrors.suppressedCount(m));
    }
    return out;
  }

  private synchronized long lostLines() {
    long n = lostLinesBefore;
    for (Output o : outputs) {
      n += o.lostLines();
    }
    return n;
  }

  public List<Output> outputs() {
    return outputs;
  }

  public Duration interval() {
    return interval;
  }
}
