package dev.perfmon.agent.events;

import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.api.Severity;
import dev.perfmon.api.SlowOperationEvent;
import dev.perfmon.bootstrap.Faults;
import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * Processes one {@link ReactionEvent} on the events thread (or on the thread that drains the queue
 * at shutdown): writes the {@code slow} and {@code memory-warning} lines, keeps slow calls for the
 * next snapshot, and hands each event to the built-in {@code log} handler and to the other
 * handlers. Calls are serialised, so the handlers see events one at a time and in queue order.
 */
final class EventDispatcher {
  private final OperationRegistry registry;
  private final Monitor monitor;
  private final Thresholds thresholds;
  private final RecentSlowCalls recent;
  private final LogHandler logHandler;
  private final Handlers handlers;
  private final Logger log;
  /** Each operation's thresholds, set when it registers; looked up again for a late arrival. */
  private final Map<Integer, Thresholds.Pair> byId = new ConcurrentHashMap<>();
  private final Object lock = new Object();
  private boolean logHandlerFailed;

  EventDispatcher(
      OperationRegistry registry,
      Monitor monitor,
      Thresholds thresholds,
      RecentSlowCalls recent,
      LogHandler logHandler,
      Handlers handlers,
      Logger log) {
    this.registry = registry;
    this.monitor = monitor;
    this.thresholds = thresholds;
    this.recent = recent;
    this.logHandler = logHandler;
    this.handlers = handlers;
    this.log = log;
  }

  /** Registration listener: the recorder's report threshold, before woven code can use it. */
  void configure(OperationRecorder r) {
    Thresholds.Pair p = thresholds.of(r.name());
    byId.put(r.id(), p);
    r.setSlowThresholdNanos(p.reportNanos());
  }

  void process(ReactionEvent e) {
    synchronized (lock) {
      if (e instanceof ReactionEvent.SlowCall s) {
        slow(s);
      } else if (e instanceof ReactionEvent.BudgetExceeded b) {
        if (logHandler != null) {
          toLogHandler(() -> logHandler.budget(b.violation(), b.interval()));
        }
        handlers.budget(b.violation());
      } else if (e instanceof ReactionEvent.HeapWarning m) {
        monitor.writeLine(EventJson.memoryLine(m.warning()));
        if (logHandler != null) {
          toLogHandler(() -> logHandler.memory(m.warning()));
        }
        handlers.memory(m.warning());
      } else if (e instanceof ReactionEvent.SnapshotTaken v) {
        handlers.snapshot(v.view());
      }
    }
  }

  private void slow(ReactionEvent.SlowCall s) {
    SlowOperationEvent event = describe(s);
    monitor.writeLine(EventJson.slowLine(event));
    recent.add(event);
    if (logHandler != null) {
      toLogHandler(() -> logHandler.slow(event));
    }
    handlers.slow(event);
  }

  /** The handlers' view of a slow call: name, severity, threshold and metadata resolved. */
  private SlowOperationEvent describe(ReactionEvent.SlowCall s) {
    OperationRecorder r = Recorders.get(s.id());
    String name = r != null ? r.name() : "#" + s.id();
    Thresholds.Pair p = byId.get(s.id());
    if (p == null) {
      p = thresholds.of(name);
    }
    boolean verySlow = p.verySlow(s.nanos());
    long threshold = verySlow || p.slowNanos() <= 0 ? p.verySlowNanos() : p.slowNanos();
    Map<String, String> metadata = new LinkedHashMap<>(registry.metadata(s.id()));
    String[] details = s.details();
    if (details != null) {
      for (int i = 0; i + 1 < details.length; i += 2) {
        if (details[i] != null && details[i + 1] != null) {
          metadata.put(details[i], details[i + 1]);
        }
      }
    }
    return new SlowOperationEvent(
        name,
        Duration.ofNanos(s.nanos()),
        verySlow ? Severity.VERY_SLOW : Severity.SLOW,
        Duration.ofNanos(threshold),
        Instant.ofEpochMilli(s.epochMillis()),
        s.thread(),
        s.error(),
        metadata);
  }

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
}
