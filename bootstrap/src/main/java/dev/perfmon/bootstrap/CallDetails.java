package dev.perfmon.bootstrap;

/**
 * Per-call details (e.g. a request's path and status) handed from an instrumentation's agent-side
 * handler to the agent's slow-call listener on the same thread.
 *
 * <p>Protocol: a handler that knows details of the call it is about to record checks whether the
 * call is slow ({@code nanos >= recorder.slowThresholdNanos()}); only then it calls {@link #put}
 * before recording and {@link #clear} after it. The recorder reports the slow call to {@link
 * SlowCalls} on the same thread, and the listener {@link #take}s the details. Fast calls therefore
 * never touch this class and allocate nothing; a slow call allocates the details array and, on a
 * thread's first slow call, one thread-local entry.
 *
 * <p>Thread-safety: each thread sees only its own slot.
 */
public final class CallDetails {
  private static final ThreadLocal<Slot> SLOT = new ThreadLocal<>();

  private CallDetails() {}

  private static final class Slot {
    final int id;
    final String[] keyValues;

    Slot(int id, String[] keyValues) {
      this.id = id;
      this.keyValues = keyValues;
    }
  }

  /**
   * Attaches details to the call of operation {@code id} that the current thread records next.
   *
   * @param keyValues alternating keys and values; null values are skipped by readers
   */
  public static void put(int id, String[] keyValues) {
    SLOT.set(new Slot(id, keyValues));
  }

  /**
   * Takes (and removes) the current thread's details if they belong to operation {@code id}; null
   * otherwise. Called by the slow-call listener.
   */
  public static String[] take(int id) {
    Slot s = SLOT.get();
    if (s == null) {
      return null;
    }
    SLOT.remove();
    return s.id == id ? s.keyValues : null;
  }

  /** Removes the current thread's details (after recording, whether or not they were taken). */
  public static void clear() {
    SLOT.remove();
  }
}
