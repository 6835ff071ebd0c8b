package dev.perfmon.agent.events;

import dev.perfmon.bootstrap.Faults;
import dev.perfmon.agent.monitor.Distribution;
import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.agent.monitor.Snapshot;
import dev.perfmon.agent.monitor.SnapshotJson;
import dev.perfmon.api.BudgetViolation;
import dev.perfmon.api.MemoryWarning;
import dev.perfmon.api.Severity;
import dev.perfmon.api.SlowOperationEvent;
import dev.perfmon.api.SnapshotView;
import dev.perfmon.bootstrap.CallDetails;
import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.bootstrap.SlowCalls;
import dev.perfmon.config.AgentConfig;
import dev.perfmon.config.Durations;
import dev.perfmon.config.Keys;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The agent's reactions to what it measures: slow and very slow calls, latency budgets, heap
 * limits, and the handlers that receive these events (the built-in {@code log} and {@code exec},
 * and custom handlers from {@code handlers.path}).
 *
 * <h2>Threads</h2>
 *
 * <ul>
 *   <li><b>Application threads</b> only reach {@link SlowCalls} for calls at or above their
 *       operation's threshold (fast calls pay one comparison in the recorder). The listener takes
 *       the thread's {@link CallDetails}, captures the time and thread name into one small object
 *       and {@code offer}s it to a bounded queue; when the queue is full the event is dropped and
 *       counted ({@code droppedEvents}), never waited for.
 *   <li><b>{@code perfmon-events}</b> (daemon) takes events from the queue: writes the {@code slow}
 *       and {@code memory-warning} lines at once, keeps slow calls for the next snapshot, logs
 *       (built-in {@code log} handler) and hands events to the handler workers without blocking
 *       (see {@link HandlerWorker}).
 *   <li><b>{@code perfmon-snapshot}</b> checks budgets while a snapshot is written (adding {@code
 *       slowOperations}, {@code budgetViolations} and {@code droppedEvents} to it) and reads the
 *       heap every {@code memory.interval}.
 * </ul>
 *
 * <p>One instance per agent start; {@link #close()} undoes everything {@link #start} did.
 */
public final class Reactions {
  /** Events waiting for the events thread. */
  static final int QUEUE = 4096;
  /** Slow calls kept per snapshot; further ones are only counted ({@code slowOperationsOmitted}). */
  static final int MAX_RECENT = 100;

  // A private queue message, never compared or hashed: the details array is handed over as
  // CallDetails.take returns it, without a copy on the application's thread.
  private record Slow(
      int id,
      long nanos,
      boolean error,
      long epochMillis,
      String thread,
      @SuppressWarnings("ArrayRecordComponent") String[] details) {}

  private record Budget(BudgetViolation violation, Duration interval) {}

  private record Memory(MemoryWarning warning) {}

  private record Snap(SnapshotView view) {}

  private final OperationRegistry registry;
  private final Monitor monitor;
  private final Logger log;
  private final Thresholds thresholds;
  private final BudgetCheck budgets;
  private final MemoryWatch memoryWatch;
  private final LogHandler logHandler;
  private final Handlers handlers;
  private final Map<Integer, Thresholds.Pair> byId = new ConcurrentHashMap<>();
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  /** Turns of the events loop completed; see {@link #awaitLoopTurn()}. */
  private final AtomicLong loopTurns = new AtomicLong();
  private final Object processLock = new Object();
  private final Object recentLock = new Object();
  private List<SlowOperationEvent> recent = new ArrayList<>();
  private long recentOmitted;
  private final Thread eventsThread;
  private volatile boolean running = true;
  private boolean closed;

  private final SlowCalls.Listener slowListener = this::onSlow;
  private final Consumer<OperationRecorder> onRegister = this::configure;
  private final Contributor contributor = new Contributor();
  private final Monitor.TickListener snapshotListener = (m, s) -> contributor.afterSnapshot(s);
  private Monitor.Task memoryTask;
  private MemoryMXBean memoryBean;

  private Reactions(
      AgentConfig config, OperationRegistry registry, Monitor monitor, Logger log, Handlers handlers, LogHandler logHandler) {
    this.registry = registry;
    this.monitor = monitor;
    this.log = log;
    this.thresholds = new Thresholds(config);
    this.budgets = new BudgetCheck(config.prefixed(Keys.BUDGETS), config.get(Keys.BUDGET_PERCENTILE));
    this.memoryWatch =
        new MemoryWatch(
            config.get(Keys.MEMORY_WARN_HEAP_USED).orElse(0L),
            config.get(Keys.MEMORY_WARN_HEAP_RATIO).orElse(0.0));
    this.handlers = handlers;
    this.logHandler = logHandler;
    this.eventsThread = new Thread(this::loop, "perfmon-events");
    eventsThread.setDaemon(true);
  }

  /**
   * Starts slow-call detection, budgets, memory warnings and handlers for one agent start. Call
   * right after the monitor is created (before or after {@link Monitor#start()}); everything is
   * undone by {@link #close()}.
   */
  public static Reactions start(AgentConfig config, OperationRegistry registry, Monitor monitor, Logger log) {
    boolean logOn = false;
    boolean execOn = false;
    for (String h : config.get(Keys.HANDLERS)) {
      switch (h) {
        case "log" -> logOn = true;
        case "exec" -> execOn = true;
        case "none" -> {}
        default -> log.warn("unknown handler '{}' in handlers (built-in handlers: log, exec; custom handlers come from handlers.path); ignored", h);
      }
    }
    String exec = null;
    if (execOn) {
      exec = config.get(Keys.HANDLERS_EXEC_COMMAND).trim();
      if (exec.isEmpty()) {
        log.warn("handler 'exec' is listed in handlers but handlers.exec.command is empty; exec is not started");
        exec = null;
      }
    }
    long timeout = Math.max(Duration.ofMillis(10).toNanos(), config.get(Keys.HANDLERS_TIMEOUT).toNanos());
    Handlers handlers = Handlers.start(exec, config.get(Keys.HANDLERS_PATH), timeout, log);
    Reactions r = new Reactions(config, registry, monitor, log, handlers, logOn ? new LogHandler(log) : null);
    r.install(config);
    return r;
  }

  private void install(AgentConfig config) {
    eventsThread.start();
    registry.addRegistrationListener(onRegister);
    SlowCalls.setListener(slowListener);
    if (!budgets.isEmpty()) {
      monitor.requestPercentile(budgets.percentile());
    }
    monitor.setResetEachInterval("interval".equals(config.get(Keys.RESET)));
    monitor.addContributor(contributor);
    monitor.addTickListener(snapshotListener);
    if (memoryWatch.active()) {
      Duration period = config.get(Keys.MEMORY_INTERVAL).orElse(monitor.interval());
      memoryTask = monitor.scheduleAtFixedRate(this::checkMemory, period);
    }
    log.debug(
        "reactions: slow.threshold={}, very-slow.threshold={}, {} budget(s) at p{}, reset={}, handlers {}{}",
        Durations.format(config.get(Keys.SLOW_THRESHOLD)),
        Durations.format(config.get(Keys.VERY_SLOW_THRESHOLD)),
        config.prefixed(Keys.BUDGETS).size(),
        LogHandler.percentileName(budgets.percentile()),
        config.get(Keys.RESET),
        logHandler != null ? "[log] + " : "",
        handlers.names());
  }

  /** Registration listener: the recorder's report threshold, before woven code can use it. */
  private void configure(OperationRecorder r) {
    Thresholds.Pair p = thresholds.of(r.name());
    byId.put(r.id(), p);
    r.setSlowThresholdNanos(p.reportNanos());
  }

  // ---------------------------------------------------------------------------------------------
  // Application threads

  /** Called on the application thread for a slow call: capture and hand off, never block. */
  private void onSlow(int id, long nanos, boolean error) {
    String[] details = CallDetails.take(id);
    Slow s = new Slow(id, nanos, error, System.currentTimeMillis(), Thread.currentThread().getName(), details);
    if (!running || !queue.offer(s)) {
      dropped.incrementAndGet();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Events thread

  private void offer(Object event) {
    if (!queue.offer(event)) {
      dropped.incrementAndGet();
    }
  }

  private void loop() {
    while (running) {
      try {
        Object e = queue.poll(50, TimeUnit.MILLISECONDS);
        if (e != null) {
          process(e);
        }
        handlers.checkTimeouts();
      } catch (InterruptedException e) {
        // close() interrupts; the loop condition decides
      } catch (Throwable t) {
        log.warn("event processing failed: {}", t.toString());
      } finally {
        loopTurns.incrementAndGet();
      }
    }
  }

  /**
   * Waits (at most a second) until the events loop has finished the turn it is in: an event it
   * took from the queue just before {@link #drain()} emptied it is then written too, and not lost
   * after the final snapshot (a JVM that exits right after a slow call).
   */
  private void awaitLoopTurn() {
    if (!running || !eventsThread.isAlive() || Thread.currentThread() == eventsThread) {
      return;
    }
    long turn = loopTurns.get();
    long end = System.nanoTime() + 1_000_000_000L;
    while (loopTurns.get() == turn && System.nanoTime() < end && eventsThread.isAlive()) {
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Processes everything queued now, on the calling thread (shutdown). */
  void drain() {
    Object e;
    while ((e = queue.poll()) != null) {
      try {
        process(e);
      } catch (Throwable t) {
        log.warn("event processing failed: {}", t.toString());
      }
    }
  }

  private void process(Object e) {
    synchronized (processLock) {
      if (e instanceof Slow s) {
        slow(s);
      } else if (e instanceof Budget b) {
        if (logHandler != null) {
          toLogHandler(() -> logHandler.budget(b.violation, b.interval));
        }
        handlers.budget(b.violation);
      } else if (e instanceof Memory m) {
        monitor.writeLine(EventJson.memoryLine(m.warning));
        if (logHandler != null) {
          toLogHandler(() -> logHandler.memory(m.warning));
        }
        handlers.memory(m.warning);
      } else if (e instanceof Snap v) {
        handlers.snapshot(v.view);
      }
    }
  }

  private boolean logHandlerFailed;

  /**
   * Runs the built-in log handler on one event; a failure there is logged once and never keeps the
   * event from the other handlers.
   */
  private void toLogHandler(Runnable call) {
    try {
      Faults.check(Faults.HANDLERS);
      call.run();
    } catch (RuntimeException e) {
      if (!logHandlerFailed) {
        logHandlerFailed = true;
        log.warn("event handler log failed: {} (later failures are logged at debug level)", e.toString());
      } else {
        log.debug("event handler log failed: {}", e.toString());
      }
    }
  }

  private void slow(Slow s) {
    OperationRecorder r = Recorders.get(s.id);
    String name = r != null ? r.name() : "#" + s.id;
    Thresholds.Pair p = byId.get(s.id);
    if (p == null) {
      p = thresholds.of(name);
    }
    boolean verySlow = p.verySlow(s.nanos);
    long threshold = verySlow || p.slowNanos() <= 0 ? p.verySlowNanos() : p.slowNanos();
    Map<String, String> metadata = new LinkedHashMap<>(registry.metadata(s.id));
    if (s.details != null) {
      for (int i = 0; i + 1 < s.details.length; i += 2) {
        if (s.details[i] != null && s.details[i + 1] != null) {
          metadata.put(s.details[i], s.details[i + 1]);
        }
      }
    }
    SlowOperationEvent event =
        new SlowOperationEvent(
            name,
            Duration.ofNanos(s.nanos),
            verySlow ? Severity.VERY_SLOW : Severity.SLOW,
            Duration.ofNanos(threshold),
            Instant.ofEpochMilli(s.epochMillis),
            s.thread,
            s.error,
            metadata);
    monitor.writeLine(EventJson.slowLine(event));
    synchronized (recentLock) {
      if (recent.size() < MAX_RECENT) {
        recent.add(event);
      } else {
        recentOmitted++;
      }
    }
    if (logHandler != null) {
      toLogHandler(() -> logHandler.slow(event));
    }
    handlers.slow(event);
  }

  // ---------------------------------------------------------------------------------------------
  // Snapshot thread

  private void checkMemory() {
    if (memoryBean == null) {
      memoryBean = ManagementFactory.getMemoryMXBean(); // lazily, on the snapshot thread
    }
    MemoryUsage heap = memoryBean.getHeapMemoryUsage();
    for (MemoryWarning w : memoryWatch.check(heap.getUsed(), heap.getMax(), Instant.now())) {
      offer(new Memory(w));
    }
  }

  /** Adds slow calls, budget violations and dropped events to each snapshot. */
  private final class Contributor implements Monitor.SnapshotContributor {
    private List<SlowOperationEvent> lastSlow = List.of();
    private List<BudgetViolation> lastViolations = List.of();

    @Override
    public SnapshotJson.Body contribute(Snapshot s) {
      List<SlowOperationEvent> slow;
      long omitted;
      synchronized (recentLock) {
        slow = recent;
        omitted = recentOmitted;
        recent = new ArrayList<>();
        recentOmitted = 0;
      }
      List<BudgetViolation> violations = budgets.check(s);
      Duration interval = Duration.ofMillis(s.intervalMs());
      for (BudgetViolation v : violations) {
        offer(new Budget(v, interval));
      }
      lastSlow = slow;
      lastViolations = violations;
      long droppedNow = dropped.get();
      return g -> {
        g.writeArrayFieldStart("slowOperations");
        for (SlowOperationEvent e : slow) {
          g.writeStartObject();
          EventJson.slowFields(g, e);
          g.writeEndObject();
        }
        g.writeEndArray();
        if (omitted > 0) {
          g.writeNumberField("slowOperationsOmitted", omitted);
        }
        g.writeArrayFieldStart("budgetViolations");
        for (BudgetViolation v : violations) {
          g.writeStartObject();
          EventJson.budgetFields(g, v);
          g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("droppedEvents", droppedNow);
      };
    }

    @Override
    public void beforeFinalSnapshot() {
      drain();
      awaitLoopTurn();
      drain();
    }

    void afterSnapshot(Snapshot s) {
      if (handlers.hasSnapshotHandlers()) {
        offer(new Snap(view(s, lastSlow, lastViolations, dropped.get())));
      }
    }
  }

  static SnapshotView view(
      Snapshot s, List<SlowOperationEvent> slow, List<BudgetViolation> violations, long dropped) {
    List<SnapshotView.OperationStats> ops = new ArrayList<>(s.operations().size());
    for (Snapshot.Operation op : s.operations()) {
      ops.add(new SnapshotView.OperationStats(op.name(), figures(op.cumulative()), figures(op.interval()), op.metadata()));
    }
    long used = s.memory() == null ? -1 : s.memory().heapUsedBytes();
    long max = s.memory() == null || s.memory().heapMaxMb() < 0 ? -1 : Math.round(s.memory().heapMaxMb() * 1024 * 1024);
    return new SnapshotView(
        s.timestamp(),
        s.pid(),
        Duration.ofMillis(s.uptimeMs()),
        Duration.ofMillis(s.intervalMs()),
        ops,
        used,
        max,
        slow,
        violations,
        dropped);
  }

  private static SnapshotView.Figures figures(Distribution d) {
    Map<String, Duration> p = new LinkedHashMap<>();
    for (int i = 0; i < Distribution.PERCENTILE_NAMES.size(); i++) {
      p.put(Distribution.PERCENTILE_NAMES.get(i), Duration.ofNanos(Math.round(d.percentiles()[i])));
    }
    return new SnapshotView.Figures(
        d.count(),
        d.errors(),
        Duration.ofNanos(Math.round(d.avgNanos())),
        Duration.ofNanos(d.minNanos()),
        Duration.ofNanos(d.maxNanos()),
        p);
  }

  // ---------------------------------------------------------------------------------------------

  /** Events dropped so far because the queue was full. */
  public long droppedEvents() {
    return dropped.get();
  }

  /** Per-handler counts (name -> delivered, failures, timeouts, skipped), for tests and status. */
  Map<String, long[]> handlerStats() {
    return handlers.stats();
  }

  /**
   * Stops everything {@link #start} set up: the slow-call listener (recorders stop reporting), the
   * registration listener, the memory schedule, the snapshot contributions, the events thread
   * (after processing what is queued), the handler threads and their class loader. Idempotent.
   * Call it after {@link Monitor#close()} so that the final snapshot still carries the slow calls
   * and budget violations (calling it before is safe too; the final snapshot then lacks them).
   */
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    SlowCalls.clearListener(slowListener);
    registry.removeRegistrationListener(onRegister);
    for (OperationRecorder r : registry.recorders()) {
      r.setSlowThresholdNanos(0);
    }
    if (memoryTask != null) {
      memoryTask.cancel();
    }
    monitor.removeContributor(contributor);
    monitor.removeTickListener(snapshotListener);
    drain();
    running = false;
    eventsThread.interrupt();
    try {
      eventsThread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drain();
    handlers.close();
  }
}
