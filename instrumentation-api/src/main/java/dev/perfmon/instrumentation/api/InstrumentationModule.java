package dev.perfmon.instrumentation.api;

import java.util.List;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * One technology the agent instruments (servlet, jdbc, ...). Implementations are listed in
 * {@code META-INF/services/dev.perfmon.instrumentation.api.InstrumentationModule} and found by the
 * agent with {@link java.util.ServiceLoader}.
 *
 * <p>Lifecycle: the agent calls {@link #start} (install bootstrap hooks backed by agent-side logic)
 * before it installs the transformations of {@link #typeInstrumentations()}, and {@link #stop} when
 * it detaches.
 */
public interface InstrumentationModule {
  /** Kebab-case name; {@code instrument.<name>} switches the module on or off. */
  String name();

  /** A cheap check that a class loader can hold the instrumented library at all. */
  default ElementMatcher<ClassLoader> classLoaderMatcher() {
    return ElementMatchers.any();
  }

  List<TypeInstrumentation> typeInstrumentations();

  /** Called once before the transformations are installed. Must not throw. */
  default void start(AgentContext context) {}

  /** Called when the agent detaches: uninstall hooks, drop caches. */
  default void stop() {}

  /**
   * Adds this module's own cumulative counters of one operation (e.g. {@code status5xx}) to a
   * snapshot: calls {@code sink} once per counter with a non-zero value. Called on the snapshot
   * thread; must be cheap and must not throw.
   */
  default void readCounters(int operationId, java.util.function.ObjLongConsumer<String> sink) {}
}
