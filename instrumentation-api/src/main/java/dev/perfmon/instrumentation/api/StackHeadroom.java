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
 * <p>The probe costs about a microsecond per class that reaches the transformer's matching (the
 * JDK's and the agent's own classes never do).
 */
public final class StackHeadroom {
  /** Frames the probe needs: about 20 to 40 KB of stack, plus the JVM's shadow zone. */
  static final int PROBE_FRAMES = 96;

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
   * 128 bytes); an interpreted frame holds them as locals. The method is too large to be inlined
   * into itself.
   */
  private static long probe(int n, long x) {
    long a = x * 31 + 1;
    long b = a ^ (a >>> 7);
    long c = b * 0x9E3779B97F4A7C15L;
    long d = c + (c << 3);
    long e = d ^ (d >>> 11);
    long f = e * 5 + n;
    long g = f ^ (f << 13);
    long h = g + (g >>> 17);
    long i = h * 3 - a;
    long j = i ^ b;
    long k = j + c;
    long l = k ^ d;
    long m = l * 7 + e;
    long o = m ^ f;
    long p = o + g;
    long q = p ^ h;
    long r = n <= 0 ? q : probe(n - 1, q);
    return r + a + b + c + d + e + f + g + h + i + j + k + l + m + o + p + q;
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
