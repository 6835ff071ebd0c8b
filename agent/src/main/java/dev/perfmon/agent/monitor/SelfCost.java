package dev.perfmon.agent.monitor;

import dev.perfmon.bootstrap.OperationRecorder;

/**
 * Calibrates what tracking one call costs on this machine: the time of a {@link System#nanoTime()}
 * pair plus one {@link OperationRecorder#record} into a private recorder, minus the time of an empty
 * loop with the same trip count. Multiplied by the calls recorded in an interval it estimates the
 * agent's own share of the application's time.
 *
 * <p>Runs in rounds of {@value #CALLS_PER_ROUND} calls through one small method, so that the JIT
 * compiles it as it compiles woven code, and keeps the cheapest round of each loop: preemption,
 * other processes and not-yet-compiled code only ever make a round slower. Bounded by {@value
 * #MAX_ROUNDS} rounds and {@value #BUDGET_MILLIS} ms of the calling thread's time (the first call
 * in a JVM needs most of that to get the loops compiled). Call it on the agent's snapshot thread,
 * never in {@code premain}; calling it again later (say at the first few snapshots) and keeping the
 * smallest figure removes the rest of the warm-up noise. Allocates one recorder, a few kilobytes,
 * per calibration.
 *
 * <p>The figure is a lower bound of the real per-call cost: woven code also looks the recorder up
 * by id, and in the application's threads the recorder's cache lines compete with the
 * application's data.
 */
public final class SelfCost {
  static final int CALLS_PER_ROUND = 2048;
  static final int MAX_ROUNDS = 400;
  static final long BUDGET_MILLIS = 20;

  // JMH-style sink: written so the JIT cannot drop the empty loop, read by nobody on purpose.
  @SuppressWarnings("UnusedVariable")
  private static volatile long sink;

  private SelfCost() {}

  /** Nanoseconds per tracked call on this machine; positive and finite. */
  // The sink's value is never read, so a lost update between two concurrent calls is harmless.
  @SuppressWarnings("NonAtomicVolatileUpdate")
  public static double nanosPerCall() {
    OperationRecorder recorder = new OperationRecorder(-1, "perfmon.self-cost");
    long deadline = System.nanoTime() + BUDGET_MILLIS * 1_000_000L;
    long bestTimed = Long.MAX_VALUE;
    long bestEmpty = Long.MAX_VALUE;
    for (int round = 0; round < MAX_ROUNDS; round++) {
      long t0 = System.nanoTime();
      timedCalls(recorder, CALLS_PER_ROUND);
      long t1 = System.nanoTime();
      sink += emptyLoop(CALLS_PER_ROUND, t1);
      long t2 = System.nanoTime();
      // Minima taken separately: each loop's cheapest round is its compiled, undisturbed cost.
      bestTimed = Math.min(bestTimed, t1 - t0);
      bestEmpty = Math.min(bestEmpty, t2 - t1);
      if (t2 - deadline > 0) {
        break;
      }
    }
    double perCall = (bestTimed - bestEmpty) / (double) CALLS_PER_ROUND;
    // Not positive only if timer noise swamped every round; report the timer's granularity then.
    return perCall > 0 ? perCall : 1.0;
  }

  /** What a tracked call adds: a nanoTime pair, a subtraction, a record. */
  private static void timedCalls(OperationRecorder recorder, int calls) {
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      recorder.record(System.nanoTime() - start, false);
    }
  }

  /** A loop with the same trip count whose result the JIT cannot drop. */
  private static long emptyLoop(int calls, long seed) {
    long x = seed;
    for (int i = 0; i < calls; i++) {
      x += i ^ (x >>> 7);
    }
    return x;
  }
}
