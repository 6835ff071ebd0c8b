package dev.perfmon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With a backend installed through {@link PerfMon#backend} (what the agent will do): names, scopes,
 * errors, metadata, stats look-ups and {@code clear(prefix)} reach it exactly as given.
 */
class BackendBindingTest {
  /** One recorded call, as the backend received it. */
  record Call(String name, long nanos, boolean error, Map<String, ?> metadata) {}

  /** Keeps everything it is given; ids index {@link #names}. */
  static final class FakeBackend implements Backend {
    final List<String> names = new ArrayList<>();
    final List<Call> calls = new ArrayList<>();
    final List<String> statsNames = new ArrayList<>();
    final List<String> statsPrefixes = new ArrayList<>();
    final List<String> cleared = new ArrayList<>();
    final OperationStats stats = new OperationStats(2, 1, 1, 1.5, 1.0, 2.0, 1.0, 2.0, 2.0, 2.0, 2.0);

    @Override
    public synchronized int register(String name) {
      names.add(name);
      return names.size() - 1;
    }

    @Override
    public synchronized void record(int id, long nanos, boolean error, Map<String, ?> metadata) {
      calls.add(new Call(names.get(id), nanos, error, metadata));
    }

    @Override
    public OperationStats stats(String name) {
      statsNames.add(name);
      return name.equals("known") ? stats : null;
    }

    @Override
    public Map<String, OperationStats> statsUnder(String prefix) {
      statsPrefixes.add(prefix);
      return Map.of(prefix + "op", stats);
    }

    @Override
    public void clear(String prefix) {
      cleared.add(prefix);
    }

    synchronized List<Call> calls() {
      return List.copyOf(calls);
    }
  }

  private final FakeBackend backend = new FakeBackend();
  private final PerformanceMonitor monitor = PerfMon.monitor();

  @BeforeEach
  void install() {
    PerfMon.backend = backend;
  }

  @AfterEach
  void uninstall() {
    PerfMon.backend = NoopBackend.INSTANCE;
  }

  @Test
  void namesErrorsAndMetadataReachTheBackend() {
    Map<String, Object> metadata = Map.of("table", "orders", "rows", 3);
    IOException failure = new IOException("disk");
    assertThat(monitor.trackOperation("database.query", () -> 42, metadata)).isEqualTo(42);
    assertThatThrownBy(() -> monitor.trackOperation("database.query", () -> { throw failure; }))
        .isSameAs(failure);
    IllegalStateException runtime = new IllegalStateException("x");
    assertThatThrownBy(() -> monitor.trackOperation("jobs.run", () -> { throw runtime; }, metadata))
        .isSameAs(runtime);
    monitor.trackOperation("jobs.run", () -> NoAgentTest.spin(2));

    List<Call> calls = backend.calls();
    assertThat(calls).extracting(Call::name)
        .containsExactly("database.query", "database.query", "jobs.run", "jobs.run");
    assertThat(calls).extracting(Call::error).containsExactly(false, true, true, false);
    assertThat(calls.get(0).metadata()).isSameAs(metadata);
    assertThat(calls.get(1).metadata()).isNull();
    assertThat(calls.get(2).metadata()).isSameAs(metadata);
    assertThat(calls).allSatisfy(c -> assertThat(c.nanos()).isNotNegative());
    assertThat(calls.get(3).nanos()).isGreaterThanOrEqualTo(2_000_000L);
  }

  @Test
  void scopesPrefixNamesStatsAndClear() {
    PerformanceMonitor users = monitor.scope("api").scope("users");
    users.trackOperation("list", () -> "page");
    users.operation("get").trackOperation(() -> { });
    users.startTimer("save").stop();
    assertThat(backend.calls()).extracting(Call::name)
        .containsExactly("api.users.list", "api.users.get", "api.users.save");

    assertThat(users.getStats()).containsOnlyKeys("api.users.op");
    assertThat(monitor.getStats()).containsOnlyKeys("op");
    assertThat(backend.statsPrefixes).containsExactly("api.users.", "");
    assertThat(monitor.getStats("known")).isSameAs(backend.stats);
    assertThat(users.getStats("known")).as("a scope looks up its own full name").isNull();
    assertThat(backend.statsNames).containsExactly("known", "api.users.known");

    users.clear();
    monitor.scope("api").clear();
    monitor.clear();
    assertThat(backend.cleared).containsExactly("api.users.", "api.", "");
  }

  @Test
  void namedTimersRecordOnceAndUnnamedOnesNever() {
    Timer named = monitor.startTimer("render");
    NoAgentTest.spin(1);
    double first = named.stop();
    assertThat(named.stop()).isEqualTo(first);
    monitor.startTimer().stop();
    List<Call> calls = backend.calls();
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).name()).isEqualTo("render");
    assertThat(calls.get(0).error()).isFalse();
    assertThat(calls.get(0).nanos() / 1_000_000.0).isEqualTo(first);
  }

  @Test
  void concurrentStopsOfOneTimerRecordExactlyOnce() throws Exception {
    int threads = 8;
    for (int round = 0; round < 50; round++) {
      Timer timer = monitor.startTimer("contended");
      CyclicBarrier start = new CyclicBarrier(threads);
      ExecutorService pool = Executors.newFixedThreadPool(threads, Thread::new);
      try {
        List<Future<Double>> stops = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          stops.add(pool.submit(() -> {
            start.await();
            return timer.stop();
          }));
        }
        Set<Double> durations = new HashSet<>();
        for (Future<Double> f : stops) {
          durations.add(f.get(30, TimeUnit.SECONDS));
        }
        assertThat(durations).as("every stop returns the one duration").hasSize(1);
      } finally {
        pool.shutdownNow();
      }
    }
    assertThat(backend.calls()).hasSize(50).allSatisfy(c -> assertThat(c.name()).isEqualTo("contended"));
  }

  @Test
  void errorsThrownByTheWorkAreRecordedAndRethrown() {
    AssertionError error = new AssertionError("bad");
    Runnable throwsError = () -> { throw error; };
    assertThatThrownBy(() -> monitor.trackOperation("r", throwsError)).isSameAs(error);
    assertThatThrownBy(() -> monitor.operation("r").trackOperation(() -> { throw error; }))
        .isSameAs(error);
    assertThat(backend.calls()).extracting(Call::error).containsExactly(true, true);
  }

  @Test
  void operationHandlesRegisterOncePerBackendAndFollowALateInstall() {
    PerfMon.backend = NoopBackend.INSTANCE;
    Operation op = monitor.scope("orders").operation("query");
    op.trackOperation(() -> 1); // before the agent: nothing reaches the fake
    PerfMon.backend = backend; // the agent attaches
    op.trackOperation(() -> 1);
    op.stop(op.start());
    op.stop(op.start(), true);
    assertThat(backend.names).containsExactly("orders.query");
    assertThat(backend.calls()).extracting(Call::error).containsExactly(false, false, true);

    FakeBackend second = new FakeBackend();
    PerfMon.backend = second;
    op.trackOperation(() -> { });
    assertThat(second.names).containsExactly("orders.query");
    assertThat(second.calls()).hasSize(1);
    assertThat(backend.calls()).hasSize(3);
  }

  @Test
  void asyncWorkIsRecordedAtCompletionWithTheSameOutcome() {
    CompletableFuture<String> pending = new CompletableFuture<>();
    CompletionStage<String> tracked = monitor.trackAsync("remote.call", () -> pending);
    assertThat(backend.calls()).as("not recorded before completion").isEmpty();
    NoAgentTest.spin(2);
    pending.complete("done");
    assertThat(tracked.toCompletableFuture().join()).isEqualTo("done");
    assertThat(backend.calls()).singleElement().satisfies(c -> {
      assertThat(c.name()).isEqualTo("remote.call");
      assertThat(c.error()).isFalse();
      assertThat(c.nanos()).isGreaterThanOrEqualTo(2_000_000L);
    });

    IOException failure = new IOException("refused");
    CompletableFuture<String> failing = new CompletableFuture<>();
    CompletionStage<String> trackedFailure =
        monitor.operation("remote.call").trackAsync(() -> failing);
    failing.completeExceptionally(failure);
    Throwable seen = trackedFailure.toCompletableFuture().handle((v, e) -> e).join();
    assertThat(seen).isSameAs(failure);
    assertThat(backend.calls()).extracting(Call::error).containsExactly(false, true);

    IllegalStateException thrown = new IllegalStateException("no connection");
    assertThatThrownBy(() -> monitor.trackAsync("remote.call", () -> { throw thrown; }))
        .isSameAs(thrown);
    assertThat(monitor.<String>trackAsync("remote.call", () -> null)).isNull();
    assertThat(backend.calls()).extracting(Call::error).containsExactly(false, true, true);
  }
}
