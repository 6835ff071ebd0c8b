package dev.perfmon.bootstrap;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Initialises every bootstrap class, and the JDK classes their recording paths use, before any
 * application code can call them.
 *
 * <p>Why: woven code may make the first call of these classes anywhere, also at the bottom of a
 * thread's stack, in an application that runs out of stack on purpose and catches the {@code
 * StackOverflowError}. A static initialiser that fails there fails for good: the JVM marks the
 * class as erroneous, and every later use, by the advice and by the agent's snapshot thread,
 * throws {@code NoClassDefFoundError}. The agent therefore calls {@link #initialise()} in {@code
 * premain} and {@code agentmain}, on a thread with stack to spare. It also exercises each
 * recording path once on a recorder that no operation uses, so that the JDK's own lazily linked
 * pieces behind them ({@code VarHandle} access modes, {@link ThreadLocalRandom}, thread-local maps)
 * are set up there too, not first at the bottom of an application's stack.
 *
 * <p>{@code BootstrapClassesTest} fails when a class is added to this module without being listed
 * here.
 */
public final class BootstrapClasses {
  /** Every class of this module, nested ones included, by binary name. */
  static final String[] NAMES = {
    "dev.perfmon.bootstrap.AgentErrors",
    "dev.perfmon.bootstrap.ApiHooks",
    "dev.perfmon.bootstrap.ApiHooks$Handler",
    "dev.perfmon.bootstrap.BootstrapClasses",
    "dev.perfmon.bootstrap.Buckets",
    "dev.perfmon.bootstrap.CallDepth",
    "dev.perfmon.bootstrap.CallDepth$1",
    "dev.perfmon.bootstrap.CallDetails",
    "dev.perfmon.bootstrap.CallDetails$Slot",
    "dev.perfmon.bootstrap.Faults",
    "dev.perfmon.bootstrap.OperationRecorder",
    "dev.perfmon.bootstrap.OperationRecorder$Stripe",
    "dev.perfmon.bootstrap.PerfMon",
    "dev.perfmon.bootstrap.Recorders",
    "dev.perfmon.bootstrap.SlowCalls",
    "dev.perfmon.bootstrap.SlowCalls$1",
    "dev.perfmon.bootstrap.SlowCalls$Listener",
    "dev.perfmon.bootstrap.jdbc.JdbcHooks",
    "dev.perfmon.bootstrap.jdbc.JdbcHooks$Handler",
    "dev.perfmon.bootstrap.jdbc.JdbcHooks$NoOp",
    "dev.perfmon.bootstrap.servlet.ServletHooks",
    "dev.perfmon.bootstrap.servlet.ServletHooks$1",
    "dev.perfmon.bootstrap.servlet.ServletHooks$Handler",
    "dev.perfmon.bootstrap.servlet.StatusCounters",
  };

  private BootstrapClasses() {}

  /**
   * Initialises every class of this module and runs each recording path once. Idempotent; cheap
   * after the first call.
   *
   * @return the number of classes initialised (for tests)
   * @throws IllegalStateException when a listed class is missing (a packaging error)
   */
  public static int initialise() {
    ClassLoader loader = BootstrapClasses.class.getClassLoader();
    for (String name : NAMES) {
      try {
        Class.forName(name, true, loader);
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("bootstrap class missing: " + name, e);
      }
    }
    exerciseRecordingPaths();
    return NAMES.length;
  }

  private static void exerciseRecordingPaths() {
    // A recorder that no table holds: nothing it counts is ever reported.
    OperationRecorder r = new OperationRecorder(-1, "perfmon.warm-up");
    r.record(1_000, false); // claims a lane: the owned path
    r.record(2_000, true);
    r.sampleCall();
    r.recordSkippedError();
    OperationRecorder.Stripe shared = new OperationRecorder.Stripe(r, null);
    shared.recordShared(3_000, true); // the contended path, with its compare-and-set loops
    shared.skippedShared();
    shared.skippedErrorShared();
    long[] counts = new long[Buckets.BUCKETS];
    long[] totals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    r.readInto(counts, totals);
    r.readSkipped(new long[2]);
    ThreadLocalRandom.current().nextInt();
    CallDepth.slots(); // the thread-local machinery behind the depth arrays
    CallDetails.clear();
  }
}
