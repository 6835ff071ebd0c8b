package dev.perfmon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Without the agent: every call is a pass-through, timers measure, nothing is recorded or kept. */
class NoAgentTest {
  private final PerformanceMonitor monitor = PerfMon.monitor();

  @BeforeEach
  void noAgent() {
    assertThat(PerfMon.backend).isSameAs(NoopBackend.INSTANCE);
  }

  /** Spins until at least {@code millis} have passed on {@link System#nanoTime()}. */
  static void spin(long millis) {
    long start = System.nanoTime();
    while (System.nanoTime() - start < millis * 1_000_000L) {
      Thread.onSpinWait();
    }
  }

  @Test
  void monitorIsOneInstance() {
    assertThat(PerfMon.monitor()).isSameAs(monitor);
  }

  @Test
  void callableResultsPassThrough() {
    Object value = new Object();
    assertThat(monitor.trackOperation("db.query", () -> value)).isSameAs(value);
    assertThat(monitor.trackOperation("db.query", () -> value, Map.of("table", "orders")))
        .isSameAs(value);
    assertThat(monitor.<Object>trackOperation("db.query", () -> null)).isNull();
    Operation op = monitor.operation("db.query");
    assertThat(op.trackOperation(() -> value)).isSameAs(value);
    assertThat(op.trackOperation(() -> value, Map.of("k", 1))).isSameAs(value);
  }

  @Test
  void checkedExceptionsKeepTheirClassAndInstance() {
    IOException failure = new IOException("disk");
    assertThatThrownBy(() -> monitor.trackOperation("io", () -> { throw failure; }))
        .isSameAs(failure);
    assertThatThrownBy(
            () -> monitor.trackOperation("io", () -> { throw failure; }, Map.of("file", "a")))
        .isSameAs(failure);
    assertThatThrownBy(() -> monitor.operation("io").trackOperation(() -> { throw failure; }))
        .isSameAs(failure);
    assertThatThrownBy(
            () -> monitor.scope("api").operation("io").trackOperation(() -> { throw failure; }, null))
        .isSameAs(failure);
  }

  @Test
  void uncheckedExceptionsAndErrorsPassThrough() {
    IllegalStateException runtime = new IllegalStateException("bad state");
    AssertionError error = new AssertionError("bad");
    Runnable throwsRuntime = () -> { throw runtime; };
    Runnable throwsError = () -> { throw error; };
    assertThatThrownBy(() -> monitor.trackOperation("r", throwsRuntime)).isSameAs(runtime);
    assertThatThrownBy(() -> monitor.trackOperation("r", throwsError, Map.of())).isSameAs(error);
    assertThatThrownBy(() -> monitor.operation("r").trackOperation(throwsRuntime)).isSameAs(runtime);
    assertThatThrownBy(() -> monitor.operation("r").trackOperation(throwsError, Map.of()))
        .isSameAs(error);
  }

  @Test
  void runnablesRunOnce() {
    AtomicInteger runs = new AtomicInteger();
    Runnable work = runs::incrementAndGet;
    monitor.trackOperation("cache.refresh", work);
    monitor.trackOperation("cache.refresh", work, Map.of("size", 3));
    Operation op = monitor.scope("cache").operation("refresh");
    op.trackOperation(work);
    op.trackOperation(work, Map.of());
    assertThat(runs).hasValue(4);
  }

  @Test
  void asyncStagesComeBackUnchanged() {
    CompletableFuture<String> pending = new CompletableFuture<>();
    CompletionStage<String> tracked = monitor.trackAsync("remote.call", () -> pending);
    assertThat(tracked).isSameAs(pending);
    assertThat(monitor.operation("remote.call").trackAsync(() -> pending)).isSameAs(pending);
    pending.complete("done");
    assertThat(tracked.toCompletableFuture().join()).isEqualTo("done");

    IOException failure = new IOException("refused");
    CompletableFuture<String> failed = CompletableFuture.failedFuture(failure);
    Throwable seen =
        monitor.trackAsync("remote.call", () -> failed).toCompletableFuture().handle((v, e) -> e).join();
    assertThat(seen).isSameAs(failure);

    IllegalStateException thrown = new IllegalStateException("no connection");
    assertThatThrownBy(() -> monitor.trackAsync("remote.call", () -> { throw thrown; }))
        .isSameAs(thrown);
    assertThat(monitor.<String>trackAsync("remote.call", () -> null)).isNull();
  }

  @Test
  void timersMeasureMonotonicNonNegativeDurations() {
    Timer timer = monitor.startTimer();
    double first = timer.elapsed();
    assertThat(first).isGreaterThanOrEqualTo(0.0);
    spin(2);
    double second = timer.elapsed();
    assertThat(second).isGreaterThanOrEqualTo(first).isGreaterThanOrEqualTo(2.0);
    double stopped = timer.stop();
    assertThat(stopped).isGreaterThanOrEqualTo(second);
    spin(1);
    assertThat(timer.stop()).as("a second stop returns the same duration").isEqualTo(stopped);
    assertThat(timer.elapsed()).as("elapsed after stop is the stopped duration").isEqualTo(stopped);
    assertThat(timer.name()).isNull();
  }

  @Test
  void namedTimersMeasureAndKeepNothing() {
    Timer timer = monitor.scope("api").startTimer("render");
    assertThat(timer.name()).isEqualTo("api.render");
    spin(1);
    double stopped = timer.stop();
    assertThat(stopped).isGreaterThanOrEqualTo(1.0);
    assertThat(timer.stop()).isEqualTo(stopped);
    assertThat(monitor.getStats("api.render")).isNull();
    assertThat(monitor.getStats()).isEmpty();

    Operation op = monitor.operation("batch");
    long start = op.start();
    spin(1);
    assertThat(op.stop(start)).isGreaterThanOrEqualTo(1.0);
    assertThat(op.stop(start, true)).isGreaterThanOrEqualTo(1.0);
    assertThat(op.stop(System.nanoTime() + 1_000_000_000L)).as("never negative").isEqualTo(0.0);
    assertThat(op.startTimer().name()).isEqualTo("batch");
  }

  @Test
  void scopesComposeNames() {
    PerformanceMonitor users = monitor.scope("api").scope("users");
    assertThat(users.operation("list").name()).isEqualTo("api.users.list");
    assertThat(users.startTimer("get").name()).isEqualTo("api.users.get");
    assertThat(monitor.operation("list").name()).isEqualTo("list");
    assertThat(users).hasToString("PerformanceMonitor[api.users.]");
  }

  @Test
  void statsAreEmptyAndClearIsHarmless() {
    monitor.trackOperation("db.query", () -> 1);
    PerformanceMonitor api = monitor.scope("api");
    api.trackOperation("list", () -> { });
    assertThat(monitor.getStats("db.query")).isNull();
    assertThat(api.getStats("list")).isNull();
    assertThat(monitor.getStats()).isEmpty();
    assertThat(api.getStats()).isEmpty();
    monitor.clear();
    api.clear();
    assertThat(monitor.getStats()).isEmpty();
    assertThat(monitor.trackOperation("db.query", () -> 2)).isEqualTo(2);
  }

  @Test
  void nullOrBlankNamesAreRejectedNamingTheArgument() {
    for (String bad : new String[] {null, "", "  \t"}) {
      assertThatThrownBy(() -> monitor.trackOperation(bad, () -> 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("name must be a non-blank string");
      assertThatThrownBy(() -> monitor.trackOperation(bad, () -> { }, Map.of()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("name ");
      assertThatThrownBy(() -> monitor.trackAsync(bad, CompletableFuture::new))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("name ");
      assertThatThrownBy(() -> monitor.startTimer(bad)).hasMessageStartingWith("name ");
      assertThatThrownBy(() -> monitor.operation(bad)).hasMessageStartingWith("name ");
      assertThatThrownBy(() -> monitor.getStats(bad)).hasMessageStartingWith("name ");
      assertThatThrownBy(() -> monitor.scope(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("prefix must be a non-blank string");
    }
    assertThatThrownBy(() -> monitor.trackOperation(" ", () -> 1)).hasMessage(
        "name must be a non-blank string, got \" \"");
    AtomicInteger runs = new AtomicInteger();
    assertThatThrownBy(() -> monitor.trackOperation(null, runs::incrementAndGet))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(runs).as("rejected before the work runs").hasValue(0);
  }

  @Test
  void operationStatsIsAValue() {
    OperationStats a = new OperationStats(3, 2, 1, 2.0, 1.0, 3.0, 2.0, 3.0, 3.0, 3.0, 3.0);
    OperationStats b = new OperationStats(3, 2, 1, 2.0, 1.0, 3.0, 2.0, 3.0, 3.0, 3.0, 3.0);
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.count()).isEqualTo(3);
    assertThat(a.errorCount()).isEqualTo(1);
    assertThat(a.p999()).isEqualTo(3.0);
  }
}
