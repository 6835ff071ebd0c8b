package dev.perfmon.agent.events;

import dev.perfmon.bootstrap.Faults;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Runs one handler's calls on a daemon thread of its own ({@code perfmon-handler-<name>}), one at a
 * time, from a bounded queue.
 *
 * <p>Isolation, as a contract:
 *
 * <ul>
 *   <li>{@link #offer} never blocks: it is called by the agent's events thread, which must keep up
 *       with the application. When the queue is full, or the handler is stuck (below), the event is
 *       skipped and counted.
 *   <li>A call that throws is logged (the first at WARN, later ones at DEBUG) and the next event
 *       proceeds.
 *   <li>A call running longer than the timeout is detected by {@link #checkTimeout} (called
 *       regularly by the events thread): it is logged at WARN, its thread interrupted, the events
 *       queued behind it dropped, and the handler marked stuck: it receives no events until that
 *       call returns, and then resumes (logged). A handler that never returns keeps its one thread
 *       and nothing else: every handler has its own thread, so a stuck handler never delays the
 *       others, the events thread or the snapshot schedule, and its memory is bounded by its queue.
 * </ul>
 *
 * <p>Thread-safe.
 */
final class HandlerWorker {
  /** One handler invocation. */
  interface Call {
    void run() throws Exception;

    /** What the call delivers, for log messages (e.g. "slow event for op"). */
    String describe();
  }

  static final int QUEUE = 256;

  private final String name;
  private final long timeoutNanos;
  private final Logger log;
  private final BlockingQueue<Call> queue = new ArrayBlockingQueue<>(QUEUE);
  private final Thread thread;
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong timeouts = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private volatile long callStart; // 0 when idle
  private volatile Call current;
  private volatile boolean stuck;
  private volatile boolean running = true;
  private boolean warnedSkip;

  HandlerWorker(String name, long timeoutNanos, Logger log) {
    this.name = name;
    this.timeoutNanos = timeoutNanos;
    this.log = log;
    this.thread = new Thread(this::loop, "perfmon-handler-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  String name() {
    return name;
  }

  /** Queues a call; never blocks. Returns false when the call was skipped. */
  boolean offer(Call call) {
    if (!running || stuck) {
      skipped.incrementAndGet();
      return false;
    }
    if (!queue.offer(call)) {
      skipped.incrementAndGet();
      synchronized (this) {
        if (!warnedSkip) {
          warnedSkip = true;
          log.warn(
              "event handler {} cannot keep up: its queue of {} events is full, further events are skipped for it",
              name,
              QUEUE);
        }
      }
      return false;
    }
    return true;
  }

  /** Detects a call that has run past the timeout; see the class comment. */
  void checkTimeout(long nowNanos) {
    Call c = current;
    long start = callStart;
    if (c == null || start == 0 || stuck || nowNanos - start < timeoutNanos || current != c) {
      return; // idle, already reported, within time, or a different call by now
    }
    stuck = true;
    timeouts.incrementAndGet();
    int dropped = queue.size();
    queue.clear();
    skipped.addAndGet(dropped);
    log.warn(
        "event handler {} did not return within {} ms ({}): interrupted; it gets no events until it returns",
        name,
        timeoutNanos / 1_000_000,
        c.describe());
    thread.interrupt();
  }

  private void loop() {
    while (running) {
      Call c;
      try {
        // Sleeps until a call comes: close() sets running before it interrupts, so the loop
        // ends whether the interrupt finds it waiting here or in a call.
        c = queue.take();
      } catch (InterruptedException e) {
        continue; // an interrupt meant for a previous call, or close()
      }
      current = c;
      long start = System.nanoTime();
      callStart = start == 0 ? 1 : start;
      try {
        Faults.check(Faults.HANDLERS);
        c.run();
        delivered.incrementAndGet();
      } catch (Throwable t) {
        if (t instanceof InterruptedException && stuck) {
          // the interrupt from checkTimeout; already reported
        } else if (failures.getAndIncrement() == 0) {
          log.warn("event handler {} failed on {}: {} (later failures are logged at debug level)", name, c.describe(), t.toString());
        } else {
          log.debug("event handler {} failed on {}: {}", name, c.describe(), t.toString());
        }
      } finally {
        callStart = 0;
        current = null;
        Thread.interrupted(); // never carry an interrupt into the next call
      }
      if (stuck) {
        stuck = false;
        log.warn(
            "event handler {} returned after {} ms and receives events again",
            name,
            (System.nanoTime() - start) / 1_000_000);
      }
    }
  }

  long delivered() {
    return delivered.get();
  }

  long failures() {
    return failures.get();
  }

  long timeouts() {
    return timeouts.get();
  }

  long skipped() {
    return skipped.get();
  }

  boolean stuck() {
    return stuck;
  }

  /** Stops the thread (a call in progress is interrupted); queued calls are dropped. */
  void close() {
    running = false;
    queue.clear();
    thread.interrupt();
  }
}
