package dev.perfmon.agent.monitor;

import dev.perfmon.agent.output.Output;
import dev.perfmon.bootstrap.AgentErrors;
import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

  private final OperationRegistry registry;
  private final List<Output> outputs;
  private final Duration interval;
  private final Logger log;
  private final List<CounterSource> counterSources;
  private final List<TickListener> tickListeners = new ArrayList<>();
  private final boolean memoryEnabled;
  private final long startNanos;
  private final long pid = ProcessHandle.current().pid();

  private final Map<Integer, StatsReader> readers = new HashMap<>();
  private final Map<Integer, Map<String, Long>> prevCounters = new HashMap<>();
  private final long[] scratch = new long[Buckets.BUCKETS];
  private final long[] delta = new long[Buckets.BUCKETS];
  private final long[] totals = new long[4];
  private MemorySampler memory;
  private ScheduledExecutorService scheduler;
  private boolean partial;
  private boolean closed;
  private double lastSnapshotMillis;
  private long lastTickNanos;

  public Monitor(
      OperationRegistry registry,
      List<Output> outputs,
      Duration interval,
      List<CounterSource> counterSources,
      boolean memoryEnabled,
      boolean partialFirst,
      Logger log) {
    this.registry = registry;
    this.outputs = List.copyOf(outputs);
    this.interval = interval;
    this.counterSources = List.copyOf(counterSources);
    this.memoryEnabled = memoryEnabled;
    this.partial = partialFirst;
    this.log = log;
    this.startNanos = System.nanoTime();
    this.lastTickNanos = startNanos;
  }

  public synchronized void addTickListener(TickListener l) {
    tickListeners.add(l);
  }

  /** Starts the snapshot schedule on a daemon thread. */
  public synchronized void start() {
    if (scheduler != null || closed) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "perfmon-snapshot");
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(1, interval.toMillis());
    scheduler.scheduleAtFixedRate(this::tick, ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Runs a task on the snapshot thread after {@code delay} (e.g. the first coverage report). */
  public synchronized void schedule(Runnable task, Duration delay) {
    if (scheduler != null && !closed) {
      scheduler.schedule(guard(task), delay.toMillis(), TimeUnit.MILLISECONDS);
    }
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

  private void tick() {
    try {
      writeSnapshot();
    } catch (Throwable t) {
      log.warn("snapshot failed: {}", t.toString(), t);
    }
  }

  /** Computes a snapshot, writes it to every output and notifies the tick listeners. */
  public synchronized Snapshot writeSnapshot() {
    if (closed) {
      return null;
    }
    Snapshot s = snapshot();
    byte[] line = SnapshotJson.snapshot(s);
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
      o.write(line);
    }
  }

  /** Computes a snapshot without writing it (interval figures advance). */
  synchronized Snapshot snapshot() {
    long t0 = System.nanoTime();
    List<Snapshot.Operation> ops = new ArrayList<>();
    long footprint = 0;
    for (OperationRecorder r : registry.recorders()) {
      StatsReader reader = readers.computeIfAbsent(r.id(), k -> new StatsReader(r));
      StatsReader.Reading reading = reader.read(scratch, delta, totals);
      footprint += r.footprintBytes();
      if (reading.cumulative().count() == 0) {
        continue;
      }
      Map<String, Long> extra = new LinkedHashMap<>();
      for (CounterSource c : counterSources) {
        c.read(r.id(), (k, v) -> extra.merge(k, v, Long::sum));
      }
      Map<String, Long> prev = prevCounters.getOrDefault(r.id(), Map.of());
      Map<String, Long> intervalExtra = new LinkedHashMap<>();
      for (Map.Entry<String, Long> e : extra.entrySet()) {
        intervalExtra.put(e.getKey(), e.getValue() - prev.getOrDefault(e.getKey(), 0L));
      }
      if (!extra.isEmpty()) {
        prevCounters.put(r.id(), extra);
      }
      ops.add(
          new Snapshot.Operation(
              r.name(),
              reading.cumulative(),
              reading.interval(),
              extra,
              intervalExtra,
              registry.metadata(r.id())));
    }
    MemorySampler.Reading mem = null;
    if (memoryEnabled) {
      if (memory == null) {
        memory = new MemorySampler();
      }
      mem = memory.read();
    }
    long now = System.nanoTime();
    long intervalMs = (now - lastTickNanos) / 1_000_000;
    lastTickNanos = now;
    Snapshot s =
        new Snapshot(
            Instant.now(),
            pid,
            (now - startNanos) / 1_000_000,
            intervalMs,
            partial,
            ops,
            mem,
            new Snapshot.Self(
                registry.recorders().size(),
                registry.cap(),
                registry.overflowed(),
                AgentErrors.suppressedCount(),
                lastSnapshotMillis,
                footprint));
    partial = false;
    lastSnapshotMillis = (System.nanoTime() - t0) / 1e6;
    return s;
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
    if (s != null) {
      s.shutdownNow();
    }
    synchronized (this) {
      try {
        writeSnapshot();
      } catch (Throwable t) {
        log.warn("final snapshot failed: {}", t.toString());
      }
      closed = true;
      for (Output o : outputs) {
        o.close();
      }
    }
  }

  public List<Output> outputs() {
    return outputs;
  }

  public Duration interval() {
    return interval;
  }
}
