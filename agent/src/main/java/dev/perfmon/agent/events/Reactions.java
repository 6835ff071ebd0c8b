package dev.perfmon.agent.events;

import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.bootstrap.CallDetails;
import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.bootstrap.SlowCalls;
import dev.perfmon.config.AgentConfig;
import dev.perfmon.config.Durations;
import dev.perfmon.config.Keys;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The agent's reactions to what it measures: slow and very slow calls, latency budgets, heap
 * limits, and the handlers that receive these events (the built-in {@code log} and {@code exec},
 * and custom handlers from {@code handlers.path}). This class wires the parts together for one
 * agent start and takes them apart again; each part does one thing:
 *
 * <ul>
 *   <li>{@link EventQueue}: the bounded hand-off to the {@code perfmon-events} daemon;
 *   <li>{@link EventDispatcher}: what the events thread does with each {@link ReactionEvent};
 *   <li>{@link SnapshotSection}: budgets and the events' fields in each snapshot;
 *   <li>{@link HeapCheck}: the heap readings every {@code memory.interval};
 *   <li>{@link Handlers}: the exec and custom handlers, each on a worker of its own.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * <ul>
 *   <li><b>Application threads</b> only reach {@link SlowCalls} for calls at or above their
 *       operation's threshold (fast calls pay one comparison in the recorder). The listener takes
 *       the thread's {@link CallDetails}, captures the time and thread name into one small record
 *       and offers it to the queue; when the queue is full the event is dropped and counted
 *       ({@code droppedEvents}), never waited for.
 *   <li><b>{@code perfmon-events}</b> (daemon) takes events from the queue and dispatches them:
 *       writes the {@code slow} and {@code memory-warning} lines at once, keeps slow calls for the
 *       next snapshot, logs (built-in {@code log} handler) and hands events to the handler workers
 *       without blocking (see {@link HandlerWorker}).
 *   <li><b>{@code perfmon-snapshot}</b> checks budgets while a snapshot is written (adding {@code
 *       slowOperations}, {@code budgetViolations} and {@code droppedEvents} to it) and reads the
 *       heap every {@code memory.interval}.
 * </ul>
 *
 * <p>One instance per agent start; {@link #close()} undoes everything {@link #start} did.
 */
public final class Reactions {
  private final OperationRegistry registry;
  private final Monitor monitor;
  private final Handlers handlers;
  private final EventQueue events;
  private final EventDispatcher dispatcher;
  private final SnapshotSection section;
  private final HeapCheck heapCheck;

  // Anonymous classes, not lambdas or method references: see AgentRuntime.
  private final SlowCalls.Listener slowListener =
      new SlowCalls.Listener() {
        @Override
        public void onSlow(int id, long nanos, boolean error) {
          Reactions.this.onSlow(id, nanos, error);
        }
      };
  private final Consumer<OperationRecorder> onRegister;
  private final Monitor.TickListener snapshotListener;
  private Monitor.Task memoryTask;
  private boolean closed;

  private Reactions(
      AgentConfig config,
      OperationRegistry registry,
      Monitor monitor,
      Logger log,
      Handlers handlers,
      LogHandler logHandler,
      BudgetCheck budgets) {
    this.registry = registry;
    this.monitor = monitor;
    this.handlers = handlers;
    RecentSlowCalls recent = new RecentSlowCalls();
    this.dispatcher =
        new EventDispatcher(registry, monitor, new Thresholds(config), recent, logHandler, handlers, log);
    EventDispatcher d = dispatcher;
    this.events =
        new EventQueue(
            new Consumer<ReactionEvent>() {
              @Override
              public void accept(ReactionEvent e) {
                d.process(e);
              }
            },
            // No handler, no timeout to check: the events thread then sleeps until an event comes.
            handlers.isEmpty()
                ? null
                : new Runnable() {
                  @Override
                  public void run() {
                    handlers.checkTimeouts();
                  }
                },
            log);
    SnapshotSection sec = new SnapshotSection(budgets, recent, events, handlers);
    this.section = sec;
    this.onRegister =
        new Consumer<OperationRecorder>() {
          @Override
          public void accept(OperationRecorder r) {
            d.configure(r);
          }
        };
    this.snapshotListener =
        new Monitor.TickListener() {
          @Override
          public void onTick(Monitor m, dev.perfmon.agent.monitor.Snapshot s) {
            sec.afterSnapshot(s);
          }
        };
    MemoryWatch memoryWatch =
        new MemoryWatch(
            config.get(Keys.MEMORY_WARN_HEAP_USED).orElse(0L),
            config.get(Keys.MEMORY_WARN_HEAP_RATIO).orElse(0.0));
    this.heapCheck = memoryWatch.active() ? new HeapCheck(memoryWatch, events) : null;
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
    BudgetCheck budgets = new BudgetCheck(config.prefixed(Keys.BUDGETS), config.get(Keys.BUDGET_PERCENTILE));
    LogHandler logHandler = logOn ? new LogHandler(log) : null;
    Reactions r = new Reactions(config, registry, monitor, log, handlers, logHandler, budgets);
    r.install(config, budgets);
    log.debug(
        "reactions: slow.threshold={}, very-slow.threshold={}, {} budget(s) at p{}, reset={}, handlers {}{}",
        Durations.format(config.get(Keys.SLOW_THRESHOLD)),
        Durations.format(config.get(Keys.VERY_SLOW_THRESHOLD)),
        config.prefixed(Keys.BUDGETS).size(),
        LogHandler.percentileName(budgets.percentile()),
        config.get(Keys.RESET),
        logHandler != null ? "[log] + " : "",
        handlers.names());
    return r;
  }

  private void install(AgentConfig config, BudgetCheck budgets) {
    events.start();
    registry.addRegistrationListener(onRegister);
    SlowCalls.setListener(slowListener);
    if (!budgets.isEmpty()) {
      monitor.requestPercentile(budgets.percentile());
    }
    monitor.setResetEachInterval("interval".equals(config.get(Keys.RESET)));
    monitor.addContributor(section);
    monitor.addTickListener(snapshotListener);
    if (heapCheck != null) {
      Duration period = config.get(Keys.MEMORY_INTERVAL).orElse(monitor.interval());
      memoryTask = monitor.scheduleAtFixedRate(heapCheck, period);
    }
  }

  /** Called on the application thread for a slow call: capture and hand off, never block. */
  private void onSlow(int id, long nanos, boolean error) {
    String[] details = CallDetails.take(id);
    events.offerUnlessClosed(
        new ReactionEvent.SlowCall(
            id, nanos, error, System.currentTimeMillis(), Thread.currentThread().getName(), details));
  }

  /** Events dropped so far because the queue was full. */
  public long droppedEvents() {
    return events.dropped();
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
    monitor.removeContributor(section);
    monitor.removeTickListener(snapshotListener);
    events.close();
    handlers.close();
  }
}
