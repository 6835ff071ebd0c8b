package dev.perfmon.bootstrap;

/**
 * Per-thread nesting depth per instrumentation category, so that a servlet request passing through
 * a filter chain, or a JDBC call going through a pool proxy into the driver, is timed once at its
 * outermost level. Categories are small integers (no hashing, no {@code Class} keys).
 *
 * <p>Usage in advice: {@code enter} calls {@link #enter(int)} and times only when it returns true;
 * {@code exit} always calls {@link #exit(int)} first, so that depths stay balanced even when the
 * advice itself fails later on.
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

  /** Increments the depth of {@code category}; true when this call is the outermost one. */
  public static boolean enter(int category) {
    int[] d = DEPTH.get();
    return d[category]++ == 0;
  }

  /** Decrements the depth of {@code category}; true when the outermost call is leaving. */
  public static boolean exit(int category) {
    int[] d = DEPTH.get();
    int v = d[category] - 1;
    if (v < 0) {
      v = 0; // unbalanced: advice woven into an already running frame (attach); repair
    }
    d[category] = v;
    return v == 0;
  }

  /** Current depth of {@code category} on this thread (for tests and diagnostics). */
  public static int depth(int category) {
    return DEPTH.get()[category];
  }
}
