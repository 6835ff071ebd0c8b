package dev.perfmon.instrumentation.api;

import java.lang.ref.WeakReference;

/** For tests that prove something is not kept: collects until a weak reference clears. */
final class Collected {
  private Collected() {}

  /** Runs {@code System.gc()} until {@code ref} is cleared, at most {@code rounds} times. */
  static boolean await(WeakReference<?> ref, int rounds) throws InterruptedException {
    for (int i = 0; i < rounds && ref.get() != null; i++) {
      System.gc();
      Thread.sleep(20);
    }
    return ref.get() == null;
  }
}
