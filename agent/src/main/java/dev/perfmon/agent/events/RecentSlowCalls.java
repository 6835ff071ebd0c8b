package dev.perfmon.agent.events;

import dev.perfmon.api.SlowOperationEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The slow calls since the last snapshot, for its {@code slowOperations} list: the first {@link
 * #MAX} are kept, further ones only counted ({@code slowOperationsOmitted}). Written by the events
 * thread, taken by the snapshot thread; both under one lock, held for a list add or swap.
 */
final class RecentSlowCalls {
  /** Slow calls kept per snapshot. */
  static final int MAX = 100;

  /** What one snapshot lists. */
  record Taken(List<SlowOperationEvent> events, long omitted) {}

  private final Object lock = new Object();
  private List<SlowOperationEvent> recent = new ArrayList<>();
  private long omitted;

  void add(SlowOperationEvent event) {
    synchronized (lock) {
      if (recent.size() < MAX) {
        recent.add(event);
      } else {
        omitted++;
      }
    }
  }

  /** The calls kept since the previous take, and how many were omitted; starts a new list. */
  Taken take() {
    synchronized (lock) {
      Taken t = new Taken(recent, omitted);
      recent = new ArrayList<>();
      omitted = 0;
      return t;
    }
  }
}
