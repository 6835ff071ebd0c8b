package dev.perfmon.bootstrap;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts failures inside woven advice, which the advice suppresses so that the host never sees
 * them. The agent reports the count in every snapshot and logs the first failure it sees.
 *
 * <h2>Running out of stack</h2>
 *
 * <p>The exception handler woven into every advice must never throw itself: when a method runs out
 * of stack inside the advice, the handler runs in the same frame, with no more stack than the call
 * that just failed, so a method call from the handler would fail again and the application would
 * see a {@code StackOverflowError} that the agent made. The woven handler therefore calls nothing:
 * it stores the throwable in {@link #latest} and increments {@link #inAdvice} with plain field
 * instructions (see {@code AdviceSupport.exceptionHandler()}), which cannot fail once this class
 * is initialised (the agent initialises it in {@code premain}, see {@link BootstrapClasses}).
 * Those increments are not atomic: two threads failing at the same instant may count once. The
 * agent's own Java code ({@link #adviceError}) counts atomically.
 */
public final class AgentErrors {
  private static final AtomicLong COUNTED = new AtomicLong();

  /**
   * Failures counted by the woven exception handler (plain increments, see the class comment).
   * Public for the woven code only.
   */
  public static long inAdvice;

  /**
   * The latest suppressed throwable that nobody has taken yet (see {@link #takeLatest}); written
   * by the woven handler and by {@link #adviceError}. Public for the woven code only.
   */
  @SuppressWarnings("StaticAssignmentOfThrowable") // deliberate: the agent logs it later
  public static volatile Throwable latest;

  private AgentErrors() {}

  /** Called by the agent's own code in application threads (hooks, listeners). Never throws. */
  @SuppressWarnings("StaticAssignmentOfThrowable") // deliberate: the agent logs it later
  public static void adviceError(Throwable t) {
    COUNTED.getAndIncrement();
    latest = t;
  }

  public static long suppressedCount() {
    return COUNTED.get() + inAdvice;
  }

  /**
   * The latest suppressed throwable not taken before, or null; taking it clears it, so that the
   * agent never keeps a throwable (and through its stack trace, an application's classes) alive.
   */
  public static Throwable takeLatest() {
    Throwable t = latest;
    latest = null;
    return t;
  }
}
