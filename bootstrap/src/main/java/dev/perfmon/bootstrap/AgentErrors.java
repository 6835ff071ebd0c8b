package dev.perfmon.bootstrap;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts failures inside woven advice, which Byte Buddy suppresses so that the host never sees
 * them. The agent reports the count in every snapshot and logs the first failure.
 */
public final class AgentErrors {
  private static final AtomicLong SUPPRESSED = new AtomicLong();
  private static volatile Throwable first;

  private AgentErrors() {}

  /** Called from the exception handler of every advice. Never throws. */
  // Deliberate: the first suppressed advice failure is kept so the agent can log it later.
  @SuppressWarnings("StaticAssignmentOfThrowable")
  public static void adviceError(Throwable t) {
    if (SUPPRESSED.getAndIncrement() == 0) {
      first = t;
    }
  }

  public static long suppressedCount() {
    return SUPPRESSED.get();
  }

  /** The first suppressed throwable, or null. */
  public static Throwable first() {
    return first;
  }
}
