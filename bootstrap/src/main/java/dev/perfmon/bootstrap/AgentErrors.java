package dev.perfmon.bootstrap;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counts failures inside woven advice and the agent's hooks, which are suppressed so that the host
 * never sees them, per instrumentation module ({@link #SERVLET}, {@link #JDBC}, {@link #METHODS},
 * {@link #API}, and {@link #OTHER} for the agent's shared hooks such as the slow-call hand-off). The
 * agent reports the counts in every snapshot and logs the throwables from its snapshot thread
 * ({@link #drain}): never on the application thread that failed.
 *
 * <h2>Cost</h2>
 *
 * <p>Nothing here runs while nothing fails: the woven exception handler is only reached when
 * advice throws. When it is, it stores the throwable into a small per-module ring ({@link #RING},
 * {@value #RING_SIZE} slots per module, so at most that many throwables per module wait for the
 * snapshot thread) and increments the module's counter: no lock, no allocation.
 *
 * <h2>Running out of stack</h2>
 *
 * <p>The exception handler woven into every advice must never throw itself: when a method runs out
 * of stack inside the advice, the handler runs in the same frame, with no more stack than the call
 * that just failed, so a method call from the handler would fail again and the application would
 * see a {@code StackOverflowError} that the agent made. The woven handler therefore calls nothing:
 * it stores the throwable in {@link #RING} and increments {@link #IN_ADVICE} with plain field and
 * array instructions (see {@code AdviceSupport.exceptionHandler(int)}), which cannot fail once this
 * class is initialised (the agent initialises it in {@code premain}, see {@link BootstrapClasses}):
 * the arrays are final and non-null, the index is masked into the module's slots, and the array's
 * element type is {@code Throwable}. Those increments are not atomic: two threads failing at the
 * same instant may count once. The agent's own Java code ({@link #adviceError(int, Throwable)})
 * counts atomically.
 */
public final class AgentErrors {
  /** Module index of the servlet instrumentation. */
  public static final int SERVLET = 0;
  /** Module index of the JDBC instrumentation. */
  public static final int JDBC = 1;
  /** Module index of the configured methods and annotations ({@code methods=}, {@code annotations=}). */
  public static final int METHODS = 2;
  /** Module index of the application API ({@code perfmon-api}). */
  public static final int API = 3;
  /** The agent's hooks shared by all modules (the slow-call hand-off). */
  public static final int OTHER = 4;

  /** Number of modules. */
  public static final int MODULES = 5;

  private static final String[] NAMES = {"servlet", "jdbc", "methods", "api", "other"};

  /** Slots of the ring per module; a power of two. */
  public static final int RING_SIZE = 16;

  /**
   * Failures counted by the woven exception handler, per module (plain increments, see the class
   * comment). Public for the woven code only.
   */
  @SuppressWarnings("MutablePublicArray") // written by woven code with field and array instructions only
  public static final long[] IN_ADVICE = new long[MODULES];

  /**
   * Throwables not yet taken by {@link #drain}: module {@code m} uses the slots {@code m *
   * RING_SIZE} to {@code m * RING_SIZE + RING_SIZE - 1}. Plain stores: the snapshot thread reads
   * them eventually. Public for the woven code only.
   */
  @SuppressWarnings("MutablePublicArray") // written by woven code with field and array instructions only
  public static final Throwable[] RING = new Throwable[MODULES * RING_SIZE];

  private static final AtomicLongArray COUNTED = new AtomicLongArray(MODULES);

  private AgentErrors() {}

  /** The module's name as written in snapshots and log lines. */
  public static String moduleName(int module) {
    return NAMES[module];
  }

  /** The module index of an instrumentation module's name, {@link #OTHER} when it is not one of ours. */
  public static int moduleOf(String name) {
    for (int i = 0; i < NAMES.length; i++) {
      if (NAMES[i].equals(name)) {
        return i;
      }
    }
    return OTHER;
  }

  /**
   * Called by the agent's own code in application threads (hooks, listeners) of {@code module}.
   * Never throws.
   */
  public static void adviceError(int module, Throwable t) {
    long n = COUNTED.getAndIncrement(module);
    RING[module * RING_SIZE + (int) (n & (RING_SIZE - 1))] = t;
  }

  /** The failures of {@code module} suppressed so far. */
  public static long suppressedCount(int module) {
    return COUNTED.get(module) + IN_ADVICE[module];
  }

  /** The failures suppressed so far, all modules together. */
  public static long suppressedCount() {
    long sum = 0;
    for (int m = 0; m < MODULES; m++) {
      sum += suppressedCount(m);
    }
    return sum;
  }

  /**
   * Takes the throwables of {@code module} waiting in the ring (at most {@link #RING_SIZE}; later
   * failures overwrite earlier ones not taken yet) into {@code into}, clearing their slots so that
   * the agent never keeps a throwable (and through its stack trace, an application's classes)
   * alive. For the snapshot thread (one caller at a time).
   *
   * @return how many were taken (their order is not kept)
   */
  public static int drain(int module, Throwable[] into) {
    int n = 0;
    int base = module * RING_SIZE;
    for (int i = 0; i < RING_SIZE && n < into.length; i++) {
      Throwable t = RING[base + i];
      if (t != null) {
        RING[base + i] = null;
        into[n++] = t;
      }
    }
    return n;
  }

  /** Some throwable waiting in any module's ring, without taking it, or null (for tests). */
  public static Throwable peek() {
    for (Throwable t : RING) {
      if (t != null) {
        return t;
      }
    }
    return null;
  }
}
