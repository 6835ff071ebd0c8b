package dev.perfmon.agent;

/**
 * Times the phases of start-up for one debug line ("config 12 ms, builder 180 ms, ..."): each
 * phase's elapsed time and, with {@code -Dperfmon.debug.transformerCpu=true} (a measurement
 * setting: reading the JVM's thread bean loads its management classes), the bytes the starting
 * thread allocated in it ("builder 180 ms 2100 KB"), which a short-lived application pays for in
 * touched heap.
 */
final class Stopwatch {
  private static final boolean ALLOCATION = dev.perfmon.instrumentation.api.TransformerCost.cpuRequested();

  private final StringBuilder laps = new StringBuilder();
  private long last = System.nanoTime();
  private long lastAllocated = allocated();

  /** Ends the current phase under {@code name} and starts the next. */
  void lap(String name) {
    long now = System.nanoTime();
    long allocated = allocated();
    if (laps.length() > 0) {
      laps.append(", ");
    }
    laps.append(name).append(' ').append((now - last) / 1_000_000).append(" ms");
    if (allocated >= 0 && lastAllocated >= 0) {
      laps.append(' ').append((allocated - lastAllocated) / 1024).append(" KB");
    }
    last = now;
    lastAllocated = allocated;
  }

  /** Bytes the current thread has allocated, or -1 when not measured or the JVM does not say. */
  private static long allocated() {
    return ALLOCATION ? dev.perfmon.instrumentation.api.TransformerCost.currentThreadAllocatedBytes() : -1;
  }

  @Override
  public String toString() {
    return laps.toString();
  }
}
