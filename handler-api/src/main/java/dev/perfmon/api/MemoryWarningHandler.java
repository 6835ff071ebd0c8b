package dev.perfmon.api;

/**
 * Receives an event each time the used heap crossed a configured limit. Register an implementation in {@code
 * META-INF/services/dev.perfmon.api.MemoryWarningHandler} of a jar named in the agent's {@code
 * handlers.path}; it needs a public no-argument constructor.
 *
 * <p>Called on a daemon thread of the agent that belongs to this handler alone, one event at a
 * time. A call that throws is logged and that event skipped; a call that takes longer than {@code
 * handlers.timeout} is logged and its thread interrupted, and the handler receives no further
 * events until it returns. The application is never slowed down by a handler.
 */
@FunctionalInterface
public interface MemoryWarningHandler {
  void onMemoryWarning(MemoryWarning event) throws Exception;
}
