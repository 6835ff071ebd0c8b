package dev.perfmon.bootstrap;

/**
 * Per-thread nesting depth per instrumentation category, so that a servlet request passing through
 * a filter chain, or a JDBC call going through a pool proxy into the driver, is timed once at its
 * outermost level. Categories are small integers (no hashing, no {@code Class} keys).
 *
 * <p>Usage in advice: the enter advice stores {@link #slots()} in an {@code @Advice.Local} of the
 * woven method <em>before</em> it increments its category, and times only when the depth was 0;
 * the exit advice decrements that local's array first, inline, and records only when it reaches 0.
 * The exit therefore makes no method call to keep the depths balanced: a thread that runs out of
 * stack inside the advice (a call there can throw {@code StackOverflowError}) leaves every depth
 * as it was, where a depth left at 1 would make that thread's later calls look nested forever.
 */
public final class CallDepth {
  public static final int SERVLET = 0;
  public static final int JDBC_STATEMENT = 1;
  public static final int JDBC_CONNECTION = 2;
  public static final int JDBC_TRANSACTION = 3;
  public static final int JDBC_PREPARE = 4;
  /** Free for further instrumentations; keep below {@link #CATEGORIES}. */
  public static final int CATEGORIES = 16;

  private static final ThreadLocal<int[]> DEPTH =
      new ThreadLocal<int[]>() {
        @Override
        protected int[] initialValue() {
          return new int[CATEGORIES];
        }
      };

  private CallDepth() {}

  /** This thread's depths, indexed by category: for advice, see the class comment. */
  public static int[] slots() {
    return DEPTH.get();
  }

  /** Current depth of {@code category} on this thread (for tests and diagnostics). */
  public static int depth(int category) {
    return DEPTH.get()[category];
  }
}
