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
}
