package dev.perfmon.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.perfmon.agent.CapturingLogger;
import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent side of perfmon-api without a JVM of its own: names, sampling and figures on request. */
class ApiBindingTest {
  private final OperationRegistry registry = new OperationRegistry(4, name -> {});
  private final ApiBinding binding = new ApiBinding(registry, () -> null, new CapturingLogger());
  private final ApiFigures figures = new ApiFigures(registry);

  @AfterEach
  void tearDown() {
    Recorders.clear();
  }

  private void record(String name, long nanos, boolean error) {
    Recorders.get(registry.idOf(name)).record(nanos, error);
  }

  /**
   * Detach sets a loaded copy of the API back to its pass-through backend before the hooks go
   * inactive: an application that sees its figures vanish already has the pass-through backend
   * (this order once made ApiIT fail on a slow machine). The second unbind catches a copy that
   * loaded in between.
   */
  @Test
  void detachUnbindsLoadedCopiesBeforeTheHooksGoInactive() {
    Instrumentation inst =
        (Instrumentation)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Instrumentation.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getAllLoadedClasses")) {
                    return new Class<?>[] {String.class, dev.perfmon.api.PerfMon.class};
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    dev.perfmon.api.PerfMon.CALLS.clear();
    binding.start();
    try {
      assertThat(binding.bindLoaded(inst)).isEqualTo(1);
      binding.close(inst);
      assertThat(dev.perfmon.bootstrap.ApiHooks.active()).isFalse();
      assertThat(dev.perfmon.api.PerfMon.CALLS)
          .containsExactly("bind while active", "unbind while active", "unbind while inactive");
    } finally {
      dev.perfmon.bootstrap.ApiHooks.clearHandler(binding);
    }
  }

  @Test
  void namesPastMaxOperationsGoToTheOverflowOperation() {
    int a = binding.register("a");
    assertThat(binding.register("a")).isEqualTo(a);
    for (String n : new String[] {"b", "c", "d"}) {
      assertThat(binding.register(n)).isPositive();
    }
    assertThat(binding.register("e")).isEqualTo(OperationRegistry.OVERFLOW_ID);
    assertThat(binding.register("f")).isEqualTo(OperationRegistry.OVERFLOW_ID);
    assertThat(binding.register("b")).as("known names keep their id").isPositive();
  }

  @Test
  void sampleGlobsApplyToApiOperationsWhenFirstNamed() {
    binding.configure(Map.of("cache.*", 0.25));
    int id = binding.register("cache.get");
    OperationRecorder r = Recorders.get(id);
    assertThat(r.sampleRate()).isEqualTo(0.25, within(1e-6));
    assertThat(registry.metadata(id)).containsEntry("sampleRate", "0.25");
    assertThat(Recorders.get(binding.register("db.query")).sampleRate()).isEqualTo(1.0);
  }

  @Test
  void figuresAreCumulativeUntilAClearThenCountFromIt() {
    assertThat(figures.stats("api.a")).isNull();
    for (int i = 1; i <= 3; i++) {
      record("api.a", i * 1_000_000L, i == 3);
    }
    record("other.b", 5_000_000L, false);
    double[] a = figures.stats("api.a");
    assertThat(a[0]).isEqualTo(3);
    assertThat(a[1]).isEqualTo(2);
    assertThat(a[2]).isEqualTo(1);
    assertThat(a[3]).isEqualTo(2.0, within(1e-9)); // avg ms, exact sum
    assertThat(a[4]).isEqualTo(1.0, within(1e-9)); // min, exact before a clear
    assertThat(a[5]).isEqualTo(3.0, within(1e-9));
    assertThat(figures.statsUnder("api.").keySet()).containsExactly("api.a");
    assertThat(figures.statsUnder("").keySet()).containsExactly("api.a", "other.b");

    figures.clear("api.");
    assertThat(figures.stats("api.a")).as("no calls since the clear").isNull();
    assertThat(figures.statsUnder("api.")).isEmpty();
    assertThat(figures.stats("other.b")[0]).as("outside the prefix").isEqualTo(1);

    record("api.a", 2_000_000L, false);
    double[] after = figures.stats("api.a");
    assertThat(after[0]).isEqualTo(1);
    assertThat(after[2]).isZero();
    assertThat(after[3]).isEqualTo(2.0, within(1e-9));
    assertThat(after[4]).isEqualTo(2.0, within(2.0 / 64)); // from the histogram: within a bucket
    assertThat(after[6]).isEqualTo(2.0, within(2.0 / 64));

    figures.clear("");
    assertThat(figures.statsUnder("")).isEmpty();
  }
}
