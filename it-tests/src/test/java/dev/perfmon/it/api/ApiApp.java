package dev.perfmon.it.api;

import dev.perfmon.api.Operation;
import dev.perfmon.api.OperationStats;
import dev.perfmon.api.PerfMon;
import dev.perfmon.api.PerformanceMonitor;
import dev.perfmon.api.Timer;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The monitored application of {@link ApiIT}: uses every call of {@code perfmon-api} and checks,
 * in-process, what the API itself reports ({@code getStats}, results, exceptions). Each check
 * prints {@code OK <what>} or {@code FAIL <what>: <detail>}; the last line is {@code DONE
 * failures=<n>}. The IT checks the agent's output file for the same calls.
 *
 * <p>Modes ({@code args[0]}): {@code agent} (started with {@code -javaagent}) runs everything once;
 * {@code attach} first uses the API without the agent (and checks that it is a pass-through), then
 * prints {@code WAITING} and waits until the agent has been attached, runs everything, prints
 * {@code WAITING-DETACH}, and waits until the agent was detached, when the API must be a
 * pass-through again.
 */
public final class ApiApp {
  private static int failures;

  /** Created before the agent arrives in mode attach: must record once it has. */
  private static final Operation EARLY = PerfMon.monitor().operation("app.early");

  private ApiApp() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 ? args[0] : "agent";
    PerformanceMonitor m = PerfMon.monitor();
    Module api = PerfMon.class.getModule();
    if (api.isNamed()) {
      System.out.println("OK the API is module " + api.getName());
    }
    if (mode.equals("attach")) {
      passThroughChecks(m, "before attach");
      System.out.println("WAITING");
      System.out.flush();
      awaitBound(m, true);
    }
    check("backend with the agent", backendClass().equals("dev.perfmon.api.AgentBackend"), backendClass());
    everything(m);
    if (mode.equals("attach")) {
      System.out.println("WAITING-DETACH");
      System.out.flush();
      awaitBound(m, false);
      passThroughChecks(m, "after detach");
      awaitFile(java.nio.file.Path.of("detached"));
    }
    System.out.println("DONE failures=" + failures);
    System.out.flush();
    System.exit(failures == 0 ? 0 : 1);
  }

  /** Waits (at most 90 s) until the API reports figures (bound) or none (pass-through). */
  private static void awaitBound(PerformanceMonitor m, boolean bound) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < end) {
      m.trackOperation("probe", () -> {});
      if ((m.getStats("probe") != null) == bound) {
        System.out.println("OK " + (bound ? "bound after attach" : "unbound after detach"));
        // The backend itself: the agent's after the attach; after the detach the pass-through one
        // again, so that no object of the binding stays referenced from the application's side.
        String backend = backendClass();
        check(
            "backend " + (bound ? "bound" : "pass-through"),
            backend.equals(bound ? "dev.perfmon.api.AgentBackend" : "dev.perfmon.api.NoopBackend"),
            backend);
        return;
      }
      Thread.sleep(50);
    }
    fail(bound ? "bound after attach" : "unbound after detach", "timed out");
  }

  /** Waits (at most 90 s) for the IT to create {@code file} (its detach command has returned). */
  private static void awaitFile(java.nio.file.Path file) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!java.nio.file.Files.exists(file) && System.nanoTime() < end) {
      Thread.sleep(50);
    }
  }

  /** The class of the API's current backend (package-private field, read reflectively). */
  private static String backendClass() {
    try {
      java.lang.reflect.Field f = PerfMon.class.getDeclaredField("backend");
      f.setAccessible(true);
      return f.get(null).getClass().getName();
    } catch (ReflectiveOperationException e) {
      return e.toString();
    }
  }

  private static void passThroughChecks(PerformanceMonitor m, String when) {
    check(when + ": result", m.trackOperation("app.callable", () -> 7) == 7, "");
    int[] ran = {0};
    EARLY.trackOperation(() -> ran[0]++);
    check(when + ": runnable ran", ran[0] == 1, "ran " + ran[0]);
    check(when + ": no stats", m.getStats("app.callable") == null && m.getStats().isEmpty(), m.getStats().toString());
  }

  private static void everything(PerformanceMonitor m) throws Exception {
    // Callables and runnables: results unchanged, counts exact.
    int sum = 0;
    for (int i = 0; i < 5; i++) {
      int k = i;
      sum += m.trackOperation("app.callable", () -> k * 10);
    }
    check("callable results", sum == 100, "sum " + sum);
    int[] runs = {0};
    for (int i = 0; i < 3; i++) {
      m.trackOperation("app.runnable", () -> runs[0]++);
    }
    check("runnable ran 3 times", runs[0] == 3, "ran " + runs[0]);
    expectStats(m, "app.callable", 5, 0);
    expectStats(m, "app.runnable", 3, 0);

    // Errors: counted, rethrown unchanged (a checked one as the same instance, not wrapped).
    IOException io = new IOException("disk");
    for (int i = 0; i < 2; i++) {
      try {
        m.trackOperation(
            "app.failing",
            () -> {
              throw io;
            });
        fail("checked exception", "nothing thrown");
      } catch (Exception e) {
        check("checked exception unchanged", e == io, String.valueOf(e));
      }
    }
    IllegalStateException ise = new IllegalStateException("state");
    try {
      m.trackOperation(
          "app.failing",
          (Runnable)
              () -> {
                throw ise;
              });
    } catch (IllegalStateException e) {
      check("runtime exception unchanged", e == ise, String.valueOf(e));
    }
    m.trackOperation("app.failing", () -> "fine");
    expectStats(m, "app.failing", 4, 3);

    // Async: timed to completion, not to the return of the supplier.
    CompletableFuture<String> gate = new CompletableFuture<>();
    CompletionStage<String> stage = m.trackAsync("app.async", () -> gate);
    check("async not recorded before completion", m.getStats("app.async") == null, String.valueOf(m.getStats("app.async")));
    Thread.sleep(150);
    gate.complete("done");
    check("async value", "done".equals(stage.toCompletableFuture().join()), "");
    CompletableFuture<String> failing = new CompletableFuture<>();
    CompletionStage<String> failed = m.trackAsync("app.async", () -> failing);
    IOException asyncError = new IOException("async");
    failing.completeExceptionally(asyncError);
    try {
      failed.toCompletableFuture().join();
      fail("async failure", "completed normally");
    } catch (CompletionException e) {
      check("async failure unchanged", e.getCause() == asyncError, String.valueOf(e.getCause()));
    }
    OperationStats async = expectStats(m, "app.async", 2, 1);
    check("async timed to completion", async != null && async.maxDuration() >= 140, String.valueOf(async));

    // Timers: named records once; unnamed records nothing.
    Timer t = m.startTimer("app.timer");
    Thread.sleep(30);
    double elapsed = t.elapsed();
    double stopped = t.stop();
    double again = t.stop();
    check("timer elapsed/stop", elapsed >= 29 && stopped >= elapsed && again == stopped, elapsed + " " + stopped + " " + again);
    Timer unnamed = m.startTimer();
    unnamed.stop();
    OperationStats timer = expectStats(m, "app.timer", 1, 0);
    check("timer duration", timer != null && timer.maxDuration() >= 29, String.valueOf(timer));

    // Metadata: a slow call (slow.threshold.app.slow=50ms) carries it to its slow event; a fast
    // call's metadata goes nowhere.
    m.trackOperation("app.slow", () -> sleep(120), Map.of("orderId", "o-17", "table", "orders"));
    m.trackOperation("app.slow", () -> {}, Map.of("orderId", "fast-one"));
    expectStats(m, "app.slow", 2, 0);

    // Scopes: prefixed names, stats limited to the scope.
    PerformanceMonitor api = m.scope("api");
    PerformanceMonitor users = api.scope("users");
    for (int i = 0; i < 4; i++) {
      users.trackOperation("list", () -> {});
    }
    api.trackOperation("health", () -> {});
    check("scoped name", users.getStats("list") != null && m.getStats("api.users.list") != null, "");
    check("scope sees only its own", users.getStats().keySet().equals(java.util.Set.of("api.users.list")), users.getStats().keySet().toString());
    check("outer scope", api.getStats().keySet().equals(java.util.Set.of("api.users.list", "api.health")), api.getStats().keySet().toString());
    check("root sees all", m.getStats().keySet().containsAll(java.util.List.of("app.callable", "api.users.list", "api.health")), m.getStats().keySet().toString());
    expectStats(m, "api.users.list", 4, 0);

    // Handles: created early or now, hot loop through start/stop and trackOperation.
    Operation handle = m.operation("app.handle");
    for (int i = 0; i < 1000; i++) {
      long s = handle.start();
      handle.stop(s);
    }
    for (int i = 0; i < 10; i++) {
      handle.trackOperation(() -> {});
    }
    EARLY.trackOperation(() -> {});
    expectStats(m, "app.handle", 1010, 0);
    expectStats(m, "app.early", 1, 0);

    // Sampling (sample.app.sampled=0.25): every call counted, a share timed.
    for (int i = 0; i < 400; i++) {
      m.trackOperation("app.sampled", () -> {});
    }
    expectStats(m, "app.sampled", 400, 0);

    // clear(): a scope clears only its operations; the root everything; then counting restarts.
    users.clear();
    check("scope cleared", users.getStats().isEmpty() && users.getStats("list") == null, users.getStats().toString());
    check("outside the scope kept", api.getStats("health") != null && m.getStats("app.callable") != null, "");
    users.trackOperation("list", () -> {});
    expectStats(m, "api.users.list", 1, 0);
    m.clear();
    check("root cleared", m.getStats().isEmpty(), m.getStats().keySet().toString());
    m.trackOperation("app.callable", () -> 1);
    expectStats(m, "app.callable", 1, 0);

    // max-operations (40 in the IT): names past it are counted under 'other'.
    for (int i = 0; i < 60; i++) {
      m.trackOperation("gen.n" + i, () -> {});
    }
    OperationStats other = m.getStats("other");
    check("overflow counted under other", other != null && other.count() > 0, String.valueOf(other));
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static OperationStats expectStats(PerformanceMonitor m, String name, long count, long errors) {
    OperationStats s = m.getStats(name);
    check(
        "stats of " + name,
        s != null && s.count() == count && s.errorCount() == errors && s.successCount() == count - errors,
        "expected " + count + "/" + errors + ", got " + s);
    return s;
  }

  private static void check(String what, boolean ok, String detail) {
    if (ok) {
      System.out.println("OK " + what);
    } else {
      fail(what, detail);
    }
  }

  private static void fail(String what, String detail) {
    failures++;
    System.out.println("FAIL " + what + ": " + detail);
  }
}
