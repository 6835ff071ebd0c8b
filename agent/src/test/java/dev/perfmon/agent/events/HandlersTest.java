package dev.perfmon.agent.events;

import dev.perfmon.agent.CapturingLogger;
import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.api.Severity;
import dev.perfmon.api.SlowOperationEvent;
import dev.perfmon.api.SlowOperationHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class HandlersTest {
  static SlowOperationEvent event(String op) {
    return new SlowOperationEvent(
        op, Duration.ofMillis(1500), Severity.SLOW, Duration.ofSeconds(1), Instant.EPOCH, "main", false, Map.of());
  }

  /** Blocks until released, ignoring interrupts (the worst kind of handler). */
  static final class Stubborn implements SlowOperationHandler {
    final CountDownLatch release = new CountDownLatch(1);
    final List<String> got = new CopyOnWriteArrayList<>();

    @Override
    public void onSlowOperation(SlowOperationEvent event) {
      got.add(event.operation());
      if (got.size() == 1) {
        boolean done = false;
        while (!done) {
          try {
            release.await();
            done = true;
          } catch (InterruptedException ignored) {
            // keeps blocking
          }
        }
      }
    }
  }

  @Test
  void throwingAndStuckHandlersNeitherBlockTheCallerNorOtherHandlers() throws Exception {
    CapturingLogger log = new CapturingLogger();
    List<String> good = new CopyOnWriteArrayList<>();
    Stubborn stubborn = new Stubborn();
    Map<String, Object> hs = new LinkedHashMap<>();
    hs.put("throwing", (SlowOperationHandler) e -> {
      throw new IllegalStateException("handler bug");
    });
    hs.put("stubborn", stubborn);
    hs.put("good", (SlowOperationHandler) e -> good.add(e.operation()));
    Handlers handlers = Handlers.of(hs, Duration.ofMillis(200).toNanos(), log);
    try {
      long t0 = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        handlers.slow(event("op" + i));
      }
      assertThat(System.nanoTime() - t0).as("dispatch never waits for handlers").isLessThan(Duration.ofSeconds(1).toNanos());

      await(() -> good.size() == 5 && handlers.stats().get("throwing")[1] == 5, handlers);
      assertThat(good).containsExactly("op0", "op1", "op2", "op3", "op4");
      await(() -> handlers.stats().get("stubborn")[2] == 1, handlers);

      long[] stuck = handlers.stats().get("stubborn");
      assertThat(stuck[0]).as("delivered").isZero();
      assertThat(stuck[3]).as("events queued behind the stuck call are skipped").isEqualTo(4);
      handlers.slow(event("while-stuck"));
      assertThat(handlers.stats().get("stubborn")[3]).isEqualTo(5);
      await(() -> good.size() == 6 && handlers.stats().get("throwing")[1] == 6, handlers);

      assertThat(log.at("WARN"))
          .anyMatch(l -> l.startsWith("event handler throwing failed on slow call of op0: java.lang.IllegalStateException: handler bug"))
          .anyMatch(l -> l.startsWith("event handler stubborn did not return within 200 ms (slow call of op0)"));
      assertThat(log.at("WARN")).filteredOn(l -> l.contains("throwing failed")).hasSize(1);
      assertThat(log.at("DEBUG")).filteredOn(l -> l.contains("throwing failed")).hasSize(5);

      stubborn.release.countDown();
      await(() -> log.at("WARN").stream().anyMatch(l -> l.startsWith("event handler stubborn returned after")), handlers);
      handlers.slow(event("after"));
      await(() -> stubborn.got.contains("after"), handlers);
      assertThat(stubborn.got).containsExactly("op0", "after");
    } finally {
      handlers.close();
    }
  }

  /** Polls like the events thread does: checks timeouts while waiting. */
  static void await(BooleanSupplier condition, Handlers handlers) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("condition not met within 10s");
      }
      handlers.checkTimeouts();
      Thread.sleep(20);
    }
  }
}
