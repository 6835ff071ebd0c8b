package dev.perfmon.bootstrap;

import java.util.Locale;

/**
 * A test-only fault switch: {@code -Dperfmon.test.faults=record,snapshot,...} makes the named
 * parts of the agent fail on purpose, so that tests can prove the application is unaffected, the
 * fault is logged once and the rest of the agent keeps working. Unset (always, outside tests),
 * {@link #MASK} is 0 and every check is a constant the JIT removes.
 *
 * <p>Kinds: {@code record} (woven code's recording call), {@code snapshot} (computing a
 * snapshot), {@code json} (writing it as JSON), {@code memory} (JVM memory readings), {@code
 * output} (file writes), {@code handlers} (slow-call handlers), {@code advice} (the JDBC and
 * servlet hooks that woven advice calls, so that the advice itself fails).
 */
public final class Faults {
  public static final int RECORD = 1;
  public static final int SNAPSHOT = 1 << 1;
  public static final int JSON = 1 << 2;
  public static final int MEMORY = 1 << 3;
  public static final int OUTPUT = 1 << 4;
  public static final int HANDLERS = 1 << 5;
  public static final int ADVICE = 1 << 6;

  private static final String[] NAMES = {"record", "snapshot", "json", "memory", "output", "handlers", "advice"};

  /** The kinds switched on, read once from {@code perfmon.test.faults}. */
  public static final int MASK = parse(System.getProperty("perfmon.test.faults", ""));

  private Faults() {}

  static int parse(String list) {
    int mask = 0;
    for (String part : list.split(",", -1)) {
      String p = part.trim().toLowerCase(Locale.ROOT);
      for (int i = 0; i < NAMES.length; i++) {
        if (NAMES[i].equals(p)) {
          mask |= 1 << i;
        }
      }
    }
    return mask;
  }

  /** Throws the test fault of {@code kind} when it is switched on. */
  public static void check(int kind) {
    if ((MASK & kind) != 0) {
      throw new IllegalStateException("perfmon test fault: " + NAMES[Integer.numberOfTrailingZeros(kind)]);
    }
  }
}
