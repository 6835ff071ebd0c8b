package dev.perfmon.agent.events;

import dev.perfmon.api.MemoryWarning;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.time.Instant;

/**
 * One heap reading per run, on the snapshot thread every {@code memory.interval}: the limits are
 * judged by {@link MemoryWatch}, and each warning goes to the events queue. The {@link
 * MemoryMXBean} is looked up at the first run, never before the application's {@code main}.
 */
final class HeapCheck implements Runnable {
  private final MemoryWatch watch;
  private final EventQueue events;
  private MemoryMXBean memoryBean;

  HeapCheck(MemoryWatch watch, EventQueue events) {
    this.watch = watch;
    this.events = events;
  }

  @Override
  public void run() {
    if (memoryBean == null) {
      memoryBean = ManagementFactory.getMemoryMXBean();
    }
    MemoryUsage heap = memoryBean.getHeapMemoryUsage();
    for (MemoryWarning w : watch.check(heap.getUsed(), heap.getMax(), Instant.now())) {
      events.offer(new ReactionEvent.HeapWarning(w));
    }
  }
}
