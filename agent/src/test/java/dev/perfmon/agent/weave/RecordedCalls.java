package dev.perfmon.agent.weave;

import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.instrumentation.api.OperationRegistry;

/** Reads what the woven code recorded, for the weaving tests. */
final class RecordedCalls {
  private RecordedCalls() {}

  /** Calls recorded under {@code name} in {@code registry}; 0 when it was never registered. */
  static long count(OperationRegistry registry, String name) {
    OperationRecorder r = registry.find(name);
    if (r == null) {
      return 0;
    }
    long[] counts = new long[Buckets.BUCKETS];
    long[] totals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    synchronized (r) {
      r.readInto(counts, totals);
    }
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return n;
  }
}
