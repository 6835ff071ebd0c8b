package dev.perfmon.agent.monitor;

import dev.perfmon.agent.output.FileOutput;
import dev.perfmon.agent.output.Output;
import dev.perfmon.bootstrap.Faults;
import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * here is between the snapshot thread, readers on request and the shutdown hook.
 *
 * <p>This class wires two parts and writes: {@link SnapshotSchedule} decides when (the thread, due
 * times, late and skipped snapshots, shutdown), {@link SnapshotTaker} what a snapshot holds; here
 * the snapshot gets the contributors' fields, becomes one JSON line and goes to every output, and
 * the tick listeners are told.
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

    synchronized void submit(ScheduledExecutorService s) {
      if (cancelled) {
        return;
      }
      future =
          periodMs > 0
              ? s.scheduleAtFixedRate(body, delayMs, periodMs, TimeUnit.MILLISECONDS)
              : s.schedule(body, delayMs, TimeUnit.MILLISECONDS);
    }
  }

  private final List<Output> outputs;
  private final Duration interval;
  private final Logger log;
  private final List<TickListener> tickListeners = new CopyOnWriteArrayList<>();
  private final List<SnapshotContributor> contributors = new CopyOnWriteArrayList<>();
  private final SnapshotTaker taker;
  private final SnapshotSchedule schedule;
  private boolean closed;
  /** Set when {@link #close()} starts: the snapshot being written is the final one. */
  private volatile boolean closing;
  /** The operations' JSON names, encoded once (snapshot thread, under this monitor's lock). */
  private final SnapshotJson.Names jsonNames = new SnapshotJson.Names();
  /** Length of the previous snapshot line: the next one's buffer starts a little larger. */
  private int lastLineBytes;
  /** Lines lost by the outputs of the monitors this one continues from (a reconfiguration). */
  private long lostLinesBefore;

  public Monitor(
      OperationRegistry registry,
      List<Output> outputs,
      Duration interval,
      List<CounterSource> counterSources,
      boolean memoryEnabled,
      boolean partialFirst,
      Logger log) {
    this(registry, outputs, interval, counterSources, memoryEnabled, partialFirst, log, NANO_TIME);
  }

  // Named classes instead of lambdas and method references on the start-up and final-snapshot
  // paths: see the note in AgentRuntime (lambdas spun on Java 24+ cost a hello-world MBs of RSS).
  private static final LongSupplier NANO_TIME =
      new LongSupplier() {
        @Override
        public long getAsLong() {
          return System.nanoTime();
        }
      };

  /** The schedule's and the snapshot taker's calls back into this monitor. */
  private final class Callbacks implements SnapshotTaker.Failures, SnapshotSchedule.Body, SnapshotSchedule.Failures {
    @Override
    public void warnOnce(String part, String what, Throwable t) {
      Monitor.this.warnOnce(part, what, t);
    }

    @Override
    public void run(long lateNanos, long skippedIntervals) {
      runScheduledSnapshot(lateNanos, skippedIntervals);
    }

    @Override
    public void snapshotFailed(Throwable t) {
      Monitor.this.warnOnce("snapshot", "snapshot failed; recording goes on and the next snapshot is tried at the next interval", t);
    }
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
    this.outputs = List.copyOf(outputs);
    this.interval = interval;
    this.log = log;
    Callbacks callbacks = new Callbacks();
    this.taker = new SnapshotTaker(registry, counterSources, memoryEnabled, partialFirst, clock, callbacks);
    this.schedule = new SnapshotSchedule(Math.max(1, interval.toMillis()) * 1_000_000L, clock, callbacks, callbacks);
  }

  /** See {@link SnapshotSchedule#lateThresholdNanos()}. */
  long lateThresholdNanos() {
    return schedule.lateThresholdNanos();
  }

  /**
   * Continues where {@code previous} (closed by a reconfiguration of the agent) left off: the next
   * snapshot's interval figures start at the previous monitor's last snapshot, and the uptime at
   * the agent's start. Call before {@link #start()}.
   */
  public synchronized void continueFrom(Monitor previous) {
    synchronized (previous) {
      taker.continueFrom(previous.taker);
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

  /**
   * {@code output.histograms=true}: every operation in a snapshot also carries its interval's
   * sparse histogram (computed on the snapshot thread from the buckets it reads anyway).
   */
  public synchronized void setHistograms(boolean on) {
    taker.setHistograms(on);
  }

  /**
   * Also computes the value at {@code p} (0..1] for every operation's distributions, available as
   * {@link Distribution#percentile(double)} (the standard p50..p999 always are).
   */
  public synchronized void requestPercentile(double p) {
    taker.requestPercentile(p);
  }

  /**
   * {@code reset=interval}: every snapshot's top-level figures cover only the calls since the
   * previous snapshot (they equal the {@code interval} figures), and only operations with calls in
   * the interval are listed. Default false ({@code reset=cumulative}).
   */
  public synchronized void setResetEachInterval(boolean on) {
    taker.setResetEachInterval(on);
  }

  public synchronized boolean resetEachInterval() {
    return taker.resetEachInterval();
  }

  /** Starts the snapshot schedule on a daemon thread. */
  public synchronized void start() {
    if (!closed) {
      schedule.start();
    }
  }

  /**
   * Runs a task on the snapshot thread after {@code delay} (e.g. the first coverage report). Tasks
   * scheduled before {@link #start()} are held until it; the delay counts from then.
   */
  public Task schedule(Runnable task, Duration delay) {
    return schedule.add(new Task(guard(task), Math.max(0, delay.toMillis()), 0));
  }

  /**
   * Runs a task on the snapshot thread every {@code period}, first after one period (e.g. memory
   * checks on their own schedule). Held until {@link #start()} like {@link #schedule}.
   */
  public Task scheduleAtFixedRate(Runnable task, Duration period) {
    long ms = Math.max(1, period.toMillis());
    return schedule.add(new Task(guard(task), ms, ms));
  }

  private Runnable guard(Runnable task) {
    return new Runnable() {
      @Override
      public void run() {
        try {
          task.run();
        } catch (Throwable t) {
          log.warn("perfmon task failed: {}", t.toString());
        }
      }
    };
  }

  /**
   * A scheduled snapshot, run by the schedule on the snapshot thread (package-private for tests,
   * which call it with their clock instead of waiting for the thread).
   */
  void runScheduled() {
    schedule.runScheduled();
  }

  /** The schedule's body: calibrates the cost per call (first few times), then writes. */
  private void runScheduledSnapshot(long lateNanos, long skippedIntervals) {
    taker.calibrate();
    writeSnapshot(lateNanos, skippedIntervals);
  }

  /** Computes a snapshot, writes it to every output and notifies the tick listeners. */
  public Snapshot writeSnapshot() {
    return writeSnapshot(0, 0);
  }

  private synchronized Snapshot writeSnapshot(long lateNanos, long skippedIntervals) {
    if (closed) {
      return null;
    }
    Snapshot s = taker.take(lateNanos, skippedIntervals, lostLines());
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
    byte[] line = SnapshotJson.snapshot(s, extras, lastLineBytes + lastLineBytes / 8 + 1024, jsonNames);
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
    return taker.take(0, 0, lostLines());
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
   * The figures as of now, for readers on request ({@link LiveStats}), without changing what the
   * next snapshot reports: see {@link SnapshotTaker#peek}. Holds the monitor's lock while it reads
   * (as a snapshot does); application threads never wait for it.
   */
  synchronized Snapshot peek(
      java.util.function.Predicate<String> include,
      long[] bounds,
      Map<String, long[]> histograms,
      MemorySampler.Reading mem) {
    return taker.peek(include, bounds, histograms, mem, lostLines());
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
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    closing = true;
    schedule.stop();
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
