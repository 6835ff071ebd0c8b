package dev.perfmon.agent.api;

import dev.perfmon.agent.events.GlobTable;
import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.bootstrap.ApiHooks;
import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Binds the application API ({@code perfmon-api}, class {@value #PERFMON}) to the running agent.
 *
 * <p>How: the agent installs this object as the handler of the bootstrap class {@link ApiHooks}.
 * A copy of the API that loads while the handler is installed sees it ({@code
 * ApiHooks.active()}) and installs its own {@code AgentBackend}, which calls {@link ApiHooks} from
 * then on; copies that loaded before (the agent attached later) are found among the loaded classes
 * and told to bind, through reflection ({@link #bindLoaded}). Each copy, in whatever class loader,
 * gets its own backend object in its own loader, and all of them feed the one operation registry:
 * an operation name used by two web applications is one operation. No class is transformed or
 * injected.
 *
 * <p>What: names go through the {@link OperationRegistry} ({@code max-operations} and its overflow
 * operation apply; an {@code Operation} handle resolves its name once), calls are recorded by
 * {@link ApiHooks#record} into the same recorders as woven code (slow thresholds, events,
 * handlers and budgets apply, and {@code sample.<glob>} is applied to API operations when they are
 * first named), and the figures are read on request by {@link ApiFigures}.
 *
 * <p>{@link #close} (detach) removes the handler and sets every loaded copy back to its
 * pass-through backend, so that nothing of the agent stays reachable from the application.
 */
public final class ApiBinding implements ApiHooks.Handler {
  /** The API's entry class, one per copy of the jar. */
  static final String PERFMON = "dev.perfmon.api.PerfMon";

  private final OperationRegistry registry;
  private final Supplier<Monitor> monitor;
  private final Logger log;
  private final ApiFigures figures;
  /** Ids whose sampling was looked up (1), so that {@code sample.<glob>} is resolved once per id. */
  private final AtomicIntegerArray configured;
  private volatile GlobTable<Double> samples = new GlobTable<>(Map.of());

  /**
   * @param monitor the agent's current monitor (it changes on reconfiguration); its lock keeps
   *     reads on request apart from the snapshot thread's
   */
  public ApiBinding(OperationRegistry registry, Supplier<Monitor> monitor, Logger log) {
    this.registry = registry;
    this.monitor = monitor;
    this.log = log;
    this.figures = new ApiFigures(registry);
    this.configured = new AtomicIntegerArray(registry.cap() + 1);
  }

  /** The {@code sample.<glob>} settings of the current configuration (for names not seen yet). */
  public void configure(Map<String, Double> sampleRates) {
    samples = new GlobTable<>(sampleRates);
  }

  /** Installs the handler: copies of the API that load from now on bind themselves. */
  public void start() {
    ApiHooks.setHandler(this);
  }

  /**
   * Binds the copies of the API loaded before the agent started (an attach). Call after {@link
   * #start()}: a copy that loads meanwhile binds itself, one loaded before is found here, and
   * binding twice does nothing.
   *
   * @return the number of copies bound
   */
  public int bindLoaded(Instrumentation inst) {
    return setAll(inst, true);
  }

  /**
   * Detach: new copies stay unbound, and every loaded copy is a pass-through again.
   *
   * <p>The loaded copies are set back before the handler goes, so that a copy whose calls stop
   * reaching the agent already has its pass-through backend (an application that polls its figures
   * sees both changes at once); the second pass catches a copy that loaded, and bound itself, in
   * between.
   */
  public void close(Instrumentation inst) {
    setAll(inst, false);
    ApiHooks.clearHandler(this);
    setAll(inst, false);
  }

  private int setAll(Instrumentation inst, boolean on) {
    int n = 0;
    for (Class<?> c : inst.getAllLoadedClasses()) {
      if (PERFMON.equals(c.getName()) && bind(inst, c, on)) {
        n++;
      }
    }
    if (n > 0) {
      log.debug("perfmon-api: {} loaded cop{} {}", n, n == 1 ? "y" : "ies", on ? "bound to the agent" : "set back to pass-through");
    }
    return n;
  }

  private boolean bind(Instrumentation inst, Class<?> perfMon, boolean on) {
    try {
      Module module = perfMon.getModule();
      Module self = ApiBinding.class.getModule();
      String pkg = perfMon.getPackageName();
      if (!module.isOpen(pkg, self)) {
        // The API on the module path: open its package to the agent for this one call site.
        inst.redefineModule(module, Set.of(), Map.of(), Map.of(pkg, Set.of(self)), Set.of(), Map.of());
      }
      Method m = perfMon.getDeclaredMethod("bindAgent", boolean.class);
      m.setAccessible(true);
      return Boolean.TRUE.equals(m.invoke(null, on));
    } catch (Throwable t) {
      log.debug("perfmon-api in {} could not be {}: {}", perfMon.getClassLoader(), on ? "bound" : "unbound", t.toString());
      return false;
    }
  }

  // -------------------------------------------------------------------------------------------
  // ApiHooks.Handler, called on application threads

  @Override
  public int register(String name) {
    int id;
    if (registry.overflowed()) {
      // Past max-operations an unknown name is the overflow operation, without the registry's lock.
      OperationRecorder known = registry.find(name);
      id = known == null ? OperationRegistry.OVERFLOW_ID : known.id();
    } else {
      id = registry.idOf(name);
    }
    if (id > 0 && id < configured.length() && configured.get(id) == 0 && configured.compareAndSet(id, 0, 1)) {
      double rate = samples.resolve(name, 1.0);
      if (rate < 1) {
        OperationRecorder r = Recorders.get(id);
        if (r != null) {
          r.setSampleRate(rate);
        }
        registry.describe(id, "sampleRate", Double.toString(rate));
      }
    }
    return id;
  }

  @Override
  public double[] stats(String name) {
    return read(() -> figures.stats(name));
  }

  @Override
  public Map<String, double[]> statsUnder(String prefix) {
    return read(() -> figures.statsUnder(prefix));
  }

  @Override
  public void clear(String prefix) {
    read(
        () -> {
          figures.clear(prefix);
          return null;
        });
  }

  private <T> T read(Supplier<T> body) {
    Monitor m = monitor.get();
    return m == null ? null : m.whileNotSnapshotting(body);
  }
}
