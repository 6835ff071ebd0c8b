package dev.perfmon.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The backend with the agent: forwards to the agent's entry points, the class {@value #HOOKS} that
 * the agent puts on the boot class path, which every class loader sees. This class is loaded only
 * when the agent is there ({@link PerfMon#bindAgent}; its static initialiser looks the entry points up, so nothing may touch this class before); it finds the entry points by name, so the
 * API jar compiles against the JDK alone, and an agent without them (another version) leaves the
 * API unbound instead of failing a call later.
 *
 * <p>The method handles are {@code static final}, so the JIT treats them as constants and inlines
 * the target: {@link #record} costs a static call into the agent's recorder, no look-up and no
 * allocation. Every copy of the API jar (one per web application, say) has its own copy of this
 * class and its own instance, and all of them feed the one agent.
 */
final class AgentBackend implements Backend {
  static final String HOOKS = "dev.perfmon.bootstrap.ApiHooks";

  private static final MethodHandle REGISTER;
  private static final MethodHandle RECORD;
  private static final MethodHandle STATS;
  private static final MethodHandle STATS_UNDER;
  private static final MethodHandle CLEAR;

  static {
    try {
      Class<?> hooks = Class.forName(HOOKS, false, null);
      MethodHandles.Lookup l = MethodHandles.publicLookup();
      REGISTER = l.findStatic(hooks, "register", MethodType.methodType(int.class, String.class));
      RECORD =
          l.findStatic(
              hooks,
              "record",
              MethodType.methodType(void.class, int.class, long.class, boolean.class, Map.class));
      STATS = l.findStatic(hooks, "stats", MethodType.methodType(double[].class, String.class));
      STATS_UNDER = l.findStatic(hooks, "statsUnder", MethodType.methodType(Map.class, String.class));
      CLEAR = l.findStatic(hooks, "clear", MethodType.methodType(void.class, String.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @Override
  public int register(String name) {
    try {
      return (int) REGISTER.invokeExact(name);
    } catch (Throwable t) {
      return -1;
    }
  }

  @Override
  public void record(int id, long nanos, boolean error, Map<String, ?> metadataOrNull) {
    try {
      RECORD.invokeExact(id, nanos, error, (Map<?, ?>) metadataOrNull);
    } catch (Throwable t) {
      // the entry point suppresses its own failures; nothing can reach the application
    }
  }

  @Override
  public OperationStats stats(String name) {
    try {
      return toStats((double[]) STATS.invokeExact(name));
    } catch (Throwable t) {
      return null;
    }
  }

  @Override
  public Map<String, OperationStats> statsUnder(String prefix) {
    Map<?, ?> figures;
    try {
      figures = (Map<?, ?>) STATS_UNDER.invokeExact(prefix);
    } catch (Throwable t) {
      return Map.of();
    }
    if (figures == null || figures.isEmpty()) {
      return Map.of();
    }
    Map<String, OperationStats> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : figures.entrySet()) {
      OperationStats s = toStats((double[]) e.getValue());
      if (s != null) {
        out.put((String) e.getKey(), s);
      }
    }
    return Collections.unmodifiableMap(out);
  }

  @Override
  public void clear(String prefix) {
    try {
      CLEAR.invokeExact(prefix);
    } catch (Throwable t) {
      // nothing to reset
    }
  }

  /** count, successes, errors, avg, min, max, p50, p90, p95, p99, p999 (the agent's layout). */
  static OperationStats toStats(double[] f) {
    if (f == null || f.length < 11) {
      return null;
    }
    return new OperationStats(
        (long) f[0], (long) f[1], (long) f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10]);
  }

  @Override
  public String toString() {
    return "AgentBackend";
  }
}
