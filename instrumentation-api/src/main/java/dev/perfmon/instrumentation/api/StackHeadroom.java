package dev.perfmon.instrumentation.api;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps class-file transformation away from the end of a thread's stack.
 *
 * <p>The JVM transforms a class on the thread that loads it, wherever that thread is: also a few
 * frames above the end of its stack, in an application that recurses until {@code
 * StackOverflowError} and catches it. A transformation that runs out of stack there can leave
 * lasting damage: a Byte Buddy or agent class whose static initialiser fails is unusable for the
 * rest of the JVM's life, and a lock or cache half updated stays so. So the agent's transformer
 * first asks {@link #ample()}, which recurses a fixed number of frames (each keeping 16 values
 * live across its call, so that interpreted and compiled frames alike take a few hundred bytes)
 * and catches the {@code StackOverflowError} itself. Every Java call also needs the JVM's shadow
 * zone (tens of KB on x86-64) beyond its frame, so when the probe's deepest frame could be entered,
 * that much is free above it. When the probe fails, the class is left as it is for now and {@link
 * #defer deferred}: the agent retransforms it on its own thread a moment later ({@link #drain}).
 *
 * <p>The probe costs well under a microsecond per class that reaches the transformer's matching
 * (the JDK's and the agent's own classes never do).
 */
public final class StackHeadroom {
  /**
   * Frames the probe needs: about 18 KB of stack when compiled (more in the interpreter), plus the
   * JVM's shadow zone; as deep as the 96 larger frames of the probe before (17 KB).
   */
  static final int PROBE_FRAMES = 108;

  /** At most this many deferred classes wait for retransformation; more are counted as lost. */
  static final int MAX_DEFERRED = 1_024;

  private static final ConcurrentLinkedQueue<Deferred> DEFERRED = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger QUEUED = new AtomicInteger();
  private static final AtomicInteger DROPPED = new AtomicInteger();
  /** Written, never read: keeps the JIT from dropping the probe's recursion as dead code. */
  @SuppressWarnings("UnusedVariable")
  private static volatile long sink;

  private StackHeadroom() {}

  /** True when the current thread has stack to spare for a transformation. Never throws. */
  public static boolean ample() {
    try {
      sink = probe(PROBE_FRAMES, System.identityHashCode(Thread.currentThread()));
      return true;
    } catch (StackOverflowError e) {
      return false;
    }
  }

  /**
   * Recurses {@code n} frames. The sixteen values are live across the call, and a call clobbers
   * every register in HotSpot's calling convention, so each compiled frame spills them (at least
   * 128 bytes; 168 bytes a frame measured on Java 17 and 25, 177 with the chained values this
   * probe had before); an interpreted frame holds them as locals. They depend on {@code x} only,
   * not on one another, so the processor computes them side by side, and they are combined with
   * the call's result as a tree: a chain of dependent multiplications made each frame cost 29 ns,
   * this one about 5 ns, well under a microsecond a class in all. The method is too large to be
   * inlined into itself.
   */
  private static long probe(int n, long x) {
    long a = x ^ 0x9E3779B97F4A7C15L;
    long b = x ^ 0xC2B2AE3D27D4EB4FL;
    long c = x ^ 0x165667B19E3779F9L;
    long d = x ^ 0x85EBCA77C2B2AE63L;
    long e = x ^ 0x27D4EB2F165667C5L;
    long f = x ^ 0xFF51AFD7ED558CCDL;
    long g = x ^ 0xC4CEB9FE1A85EC53L;
    long h = x ^ 0x94D049BB133111EBL;
    long i = x ^ 0xBF58476D1CE4E5B9L;
    long j = x ^ 0x2545F4914F6CDD1DL;
    long k = x ^ 0xD6E8FEB86659FD93L;
    long l = x ^ 0xA0761D6478BD642FL;
    long m = x ^ 0xE7037ED1A0B428DBL;
    long o = x ^ 0x8EBC6AF09C88C6E3L;
    long p = x ^ 0x589965CC75374CC3L;
    long q = x ^ 0x1D8E4E27C47D124FL;
    long r = n <= 0 ? x : probe(n - 1, x + n);
    // Each term needs r, so all sixteen values wait for the call (a sum of them alone could be
    // computed before it, leaving one value live and the frame small).
    return (((r ^ a) + (r ^ b)) + ((r ^ c) + (r ^ d))) + (((r ^ e) + (r ^ f)) + ((r ^ g) + (r ^ h)))
        + ((((r ^ i) + (r ^ j)) + ((r ^ k) + (r ^ l))) + (((r ^ m) + (r ^ o)) + ((r ^ p) + (r ^ q))));
  }

  /** Remembers a class whose transformation was skipped for lack of stack. Never throws. */
  public static void defer(ClassLoader loader, String internalName) {
    try {
      if (QUEUED.incrementAndGet() > MAX_DEFERRED) {
        QUEUED.decrementAndGet();
        DROPPED.incrementAndGet();
        return;
      }
      DEFERRED.add(new Deferred(new WeakReference<>(loader), loader == null, internalName));
    } catch (Throwable t) {
      DROPPED.incrementAndGet();
    }
  }

  /** Classes deferred and not taken yet, for the agent's own thread: (loader, binary name). */
  public static List<Deferred> drain() {
    List<Deferred> out = new ArrayList<>();
    Deferred d;
    while ((d = DEFERRED.poll()) != null) {
      QUEUED.decrementAndGet();
      out.add(d);
    }
    return out;
  }

  /** Deferrals that did not fit the queue (or failed): those classes stay as loaded. */
  public static int dropped() {
    return DROPPED.get();
  }

  /** A class whose transformation waits: its loader (weakly held) and binary name. */
  public static final class Deferred {
    private final WeakReference<ClassLoader> loader;
    private final boolean bootstrap;
    private final String internalName;

    Deferred(WeakReference<ClassLoader> loader, boolean bootstrap, String internalName) {
      this.loader = loader;
      this.bootstrap = bootstrap;
      this.internalName = internalName;
    }

    /** The loader, or null when it was the bootstrap loader or has been collected. */
    public ClassLoader loader() {
      return loader.get();
    }

    /** True when the loader is gone (the class went with it): nothing left to do. */
    public boolean loaderCollected() {
      return !bootstrap && loader.get() == null;
    }

    public String className() {
      return internalName == null ? null : internalName.replace('/', '.');
    }
  }
}
