package dev.perfmon.bootstrap;

/**
 * The table of operation recorders, indexed by the operation id that the agent binds into woven
 * code as a constant. The table is a {@code static final} array of fixed size, so the JIT folds the
 * array reference and a look-up is one bounds-checked load.
 *
 * <p>Only the agent installs or removes entries; woven code only reads them. An id whose entry is
 * {@code null} (never installed, or removed when the agent detaches) records nothing.
 */
public final class Recorders {
  /** Hard upper bound of operation ids, above any configurable {@code max-operations}. */
  public static final int CAPACITY = 1 << 16;

  private static final OperationRecorder[] TABLE = new OperationRecorder[CAPACITY];

  private Recorders() {}

  /** The recorder for {@code id}, or null. */
  public static OperationRecorder get(int id) {
    return id >= 0 && id < CAPACITY ? TABLE[id] : null;
  }

  /** Installs a recorder under its own id. Called by the agent only. */
  public static synchronized void install(OperationRecorder recorder) {
    TABLE[recorder.id()] = recorder;
  }

  /** Removes every recorder, so that code still woven records nothing (used on detach). */
  public static synchronized void clear() {
    java.util.Arrays.fill(TABLE, null);
  }
}
