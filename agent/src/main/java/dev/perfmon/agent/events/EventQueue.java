package dev.perfmon.agent.events;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;

/**
 * The bounded hand-off between the threads that notice events and the {@code perfmon-events}
 * daemon that processes them.
 *
 * <p>{@link #offer} never blocks: when the queue is full the event is
 * dropped and counted ({@link #dropped()}), so an application thread never waits for the agent.
 * With an {@code onTurn} task (the handlers' timeout check), the events thread polls with a short
 * timeout so that the task runs even when nothing arrives; without one (no handler installed: the
 * default configuration) it sleeps until an event comes, and an idle JVM never wakes it. {@link
 * #drain()} processes what is queued on the calling thread (shutdown, the final snapshot).
 */
final class EventQueue {
  /** Events waiting for the events thread. */
  static final int CAPACITY = 4096;

  private final BlockingQueue<ReactionEvent> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final AtomicLong dropped = new AtomicLong();
  /** Turns of the events loop completed; see {@link #awaitLoopTurn()}. */
  private final AtomicLong loopTurns = new AtomicLong();
  /**
   * Queued by {@link #awaitLoopTurn()} so that an events thread waiting for an event ends its turn;
   * never processed.
   */
  private static final ReactionEvent WAKE = new ReactionEvent.Wake();

  private final Consumer<ReactionEvent> process;
  /** Run after every turn of the events loop, or null: then the loop waits for events only. */
  private final Runnable onTurn;
  private final Logger log;
  private final Thread thread;
  private volatile boolean running = true;

  EventQueue(Consumer<ReactionEvent> process, Runnable onTurn, Logger log) {
    this.process = process;
    this.onTurn = onTurn;
    this.log = log;
    this.thread =
        new Thread(
            new Runnable() { // not a method reference: see AgentRuntime
              @Override
              public void run() {
                loop();
              }
            },
            "perfmon-events");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Queues {@code event}, or drops and counts it when the queue is full. */
  void offer(ReactionEvent event) {
    if (!queue.offer(event)) {
      dropped.incrementAndGet();
    }
  }

  /**
   * As {@link #offer}, but also drops (and counts) the event once {@link #close()} has begun: for
   * the application's threads, whose events may keep coming while the agent stops.
   */
  void offerUnlessClosed(ReactionEvent event) {
    if (!running || !queue.offer(event)) {
      dropped.incrementAndGet();
    }
  }

  /** Turns of the events loop completed so far (tests). */
  long turns() {
    return loopTurns.get();
  }

  /** Events dropped so far. */
  long dropped() {
    return dropped.get();
  }

  private void loop() {
    while (running) {
      try {
        ReactionEvent e = onTurn == null ? queue.take() : queue.poll(50, TimeUnit.MILLISECONDS);
        if (e != null && e != WAKE) {
          process.accept(e);
        }
        if (onTurn != null) {
          onTurn.run();
        }
      } catch (InterruptedException e) {
        // close() interrupts; the loop condition decides
      } catch (Throwable t) {
        log.warn("event processing failed: {}", t.toString());
      } finally {
        loopTurns.incrementAndGet();
      }
    }
  }

  /** Processes everything queued now, on the calling thread. */
  void drain() {
    ReactionEvent e;
    while ((e = queue.poll()) != null) {
      if (e == WAKE) {
        continue;
      }
      try {
        process.accept(e);
      } catch (Throwable t) {
        log.warn("event processing failed: {}", t.toString());
      }
    }
  }

  /**
   * Processes everything queued, including an event the events thread took from the queue just
   * before: after this a JVM that exits right after a slow call still has it in its final snapshot.
   */
  void flush() {
    drain();
    awaitLoopTurn();
    drain();
  }

  /**
   * Waits (at most a second) until the events loop has finished the turn it is in: an event it
   * took from the queue just before {@link #drain()} emptied it is then processed too. A loop that
   * waits for an event is woken by one that is not processed ({@link #WAKE}); when the queue is
   * full, the loop is busy and its turn ends anyway.
   */
  private void awaitLoopTurn() {
    if (!running || !thread.isAlive() || Thread.currentThread() == thread) {
      return;
    }
    long turn = loopTurns.get();
    queue.offer(WAKE);
    long end = System.nanoTime() + 1_000_000_000L;
    while (loopTurns.get() == turn && System.nanoTime() < end && thread.isAlive()) {
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Processes what is queued, stops the events thread (waiting up to a second) and drains again. */
  void close() {
    drain();
    running = false;
    thread.interrupt();
    try {
      thread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    drain();
  }
}
