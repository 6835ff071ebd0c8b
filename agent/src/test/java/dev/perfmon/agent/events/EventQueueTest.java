package dev.perfmon.agent.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.agent.CapturingLogger;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The events thread wakes for events (and, with handlers installed, for their timeout check). */
class EventQueueTest {
  private final List<ReactionEvent> processed = new CopyOnWriteArrayList<>();
  private final CapturingLogger log = new CapturingLogger();
  private EventQueue queue;

  private EventQueue start(Runnable onTurn) {
    queue =
        new EventQueue(
            new Consumer<ReactionEvent>() {
              @Override
              public void accept(ReactionEvent e) {
                processed.add(e);
              }
            },
            onTurn,
            log);
    queue.start();
    return queue;
  }

  @AfterEach
  void close() {
    if (queue != null) {
      queue.close();
    }
  }

  private static ReactionEvent slowCall(int id) {
    return new ReactionEvent.SlowCall(id, 1_000_000L, false, 0L, "main", null);
  }

  @Test
  void withoutHandlersAnIdleEventsThreadDoesNotWakeUp() throws Exception {
    EventQueue q = start(null);
    q.offer(slowCall(1));
    q.flush();
    assertThat(processed).hasSize(1);
    long turns = q.turns();
    Thread.sleep(400); // eight of the 50 ms polls it used to make
    assertThat(q.turns()).as("turns of the loop while idle").isEqualTo(turns);

    // flush() wakes the waiting loop (a turn ends) rather than waiting out its one-second bound,
    // and the marker it uses is never processed.
    q.offer(slowCall(2));
    q.flush();
    assertThat(q.turns()).isGreaterThan(turns);
    q.flush();
    q.drain();
    assertThat(processed).hasSize(2).allMatch(e -> e instanceof ReactionEvent.SlowCall);
    assertThat(log.lines()).isEmpty();
  }

  @Test
  void withHandlersTheLoopTurnsRegularlyForTheirTimeoutCheck() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    EventQueue q =
        start(
            new Runnable() {
              @Override
              public void run() {
                checks.incrementAndGet();
              }
            });
    Thread.sleep(400);
    assertThat(checks.get()).as("timeout checks in 400 ms of idleness").isGreaterThanOrEqualTo(2);
    q.offer(slowCall(3));
    q.flush();
    assertThat(processed).hasSize(1);
  }

  @Test
  void closeEndsAWaitingEventsThread() {
    java.util.Set<Thread> before = eventThreads();
    EventQueue q = start(null);
    q.flush();
    assertThat(eventThreads()).hasSize(before.size() + 1);
    q.close(); // joins the thread (up to a second)
    queue = null;
    assertThat(eventThreads()).isSubsetOf(before);
  }

  private static java.util.Set<Thread> eventThreads() {
    java.util.Set<Thread> out = new java.util.HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("perfmon-events") && t.isAlive()) {
        out.add(t);
      }
    }
    return out;
  }
}
