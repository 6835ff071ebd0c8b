package dev.perfmon.agent;

import dev.perfmon.bootstrap.AgentErrors;
import java.util.Arrays;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Logs the failures that woven advice and the agent's hooks suppressed on application threads
 * ({@link AgentErrors}), from the snapshot thread: per instrumentation module, the first one at
 * WARN with its stack trace, once; with {@code log.level=debug}, each later one with its stack
 * trace, at most {@value #DEBUG_LINES_PER_MINUTE} a minute per module (the rest are summed up in one
 * line when the minute is over). Taking a throwable drops the agent's only reference to it, so that
 * it never keeps an application's classes alive.
 *
 * <p>Not thread-safe: one caller (the snapshot thread).
 */
final class SuppressedErrors {
  /** Debug lines per module and minute. */
  static final int DEBUG_LINES_PER_MINUTE = 10;

  /** Frames written per throwable (a stack overflow's trace has 1,024), causes included. */
  static final int MAX_FRAMES = 40;

  private static final long MINUTE_MILLIS = 60_000;

  private final Logger log;
  private final LongSupplier clockMillis;
  private final Throwable[] taken = new Throwable[AgentErrors.RING_SIZE];
  private final boolean[] warned = new boolean[AgentErrors.MODULES];
  private final long[] seen = new long[AgentErrors.MODULES];
  private final long[] windowStart = new long[AgentErrors.MODULES];
  private final int[] linesInWindow = new int[AgentErrors.MODULES];
  private final long[] notLogged = new long[AgentErrors.MODULES];

  SuppressedErrors(Logger log, LongSupplier clockMillis) {
    this.log = log;
    this.clockMillis = clockMillis;
    for (int m = 0; m < AgentErrors.MODULES; m++) {
      // Failures counted before this agent instance (a re-attach) are not "new" to it.
      seen[m] = AgentErrors.suppressedCount(m);
    }
  }

  /** Logs what was suppressed since the previous call. */
  void report() {
    for (int m = 0; m < AgentErrors.MODULES; m++) {
      report(m);
    }
  }

  private void report(int m) {
    long count = AgentErrors.suppressedCount(m);
    long fresh = count - seen[m];
    seen[m] = count;
    int n = AgentErrors.drain(m, taken);
    try {
      String name = AgentErrors.moduleName(m);
      int i = 0;
      if (n > 0 && !warned[m]) {
        warned[m] = true;
        i = 1;
        log.warn(
            "the {} instrumentation failed inside the application and the failure was suppressed (the"
                + " application was not affected; failures are counted in agent.suppressedByModule.{}"
                + " and, with log.level=debug, logged): {}",
            name,
            name,
            stackTrace(taken[0]));
      }
      // Failures whose throwable was overwritten in the ring before it could be taken.
      long unseen = Math.max(0, fresh - n);
      if (!log.isDebugEnabled()) {
        return;
      }
      long now = clockMillis.getAsLong();
      if (now - windowStart[m] >= MINUTE_MILLIS) {
        if (notLogged[m] > 0) {
          log.debug("{} more suppressed {} failures were not logged (at most {} lines a minute)", notLogged[m], name, DEBUG_LINES_PER_MINUTE);
        }
        windowStart[m] = now;
        linesInWindow[m] = 0;
        notLogged[m] = 0;
      }
      notLogged[m] += unseen;
      for (; i < n; i++) {
        if (linesInWindow[m] < DEBUG_LINES_PER_MINUTE) {
          linesInWindow[m]++;
          log.debug("suppressed {} failure: {}", name, stackTrace(taken[i]));
        } else {
          if (linesInWindow[m] == DEBUG_LINES_PER_MINUTE) {
            linesInWindow[m]++; // once per minute
            log.debug("{} suppressed {} failures logged this minute: further ones are counted, not logged, until the minute is over", DEBUG_LINES_PER_MINUTE, name);
          }
          notLogged[m]++;
        }
      }
    } finally {
      Arrays.fill(taken, null);
    }
  }

  /**
   * {@code t} and its causes as {@link Throwable#printStackTrace()} writes them, one frame a line,
   * at most {@link #MAX_FRAMES} frames in all (the rest counted).
   */
  static String stackTrace(Throwable t) {
    StringBuilder b = new StringBuilder(t.toString());
    int budget = MAX_FRAMES;
    Throwable cur = t;
    int depth = 0;
    while (cur != null && depth < 8) {
      if (cur != t) {
        b.append("\n\tCaused by: ").append(cur);
      }
      StackTraceElement[] frames = cur.getStackTrace();
      int shown = Math.min(frames.length, budget);
      for (int i = 0; i < shown; i++) {
        b.append("\n\t\tat ").append(frames[i]);
      }
      budget -= shown;
      if (shown < frames.length) {
        b.append("\n\t\t... ").append(frames.length - shown).append(" more frames");
      }
      Throwable next = cur.getCause();
      cur = next == cur ? null : next;
      depth++;
    }
    return b.toString();
  }
}
