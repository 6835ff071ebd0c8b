package dev.perfmon.agent.monitor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * When snapshots are taken: the snapshot thread ({@code perfmon-snapshot}, a daemon), the due
 * times of the scheduled snapshots, how late each one started and how many due times passed
 * without one, the other agent tasks that run on that thread ({@link Monitor.Task}), and stopping
 * it all at shutdown. What a snapshot is and where it goes is the {@link Body}'s business.
 *
 * <p>Due times are fixed multiples of the period from the start, on the monotonic clock, so a late
 * snapshot does not shift the later ones, and due times that passed while the thread could not
 * run are not caught up with a burst of snapshots but counted as skipped in the snapshot that
 * covers them. Thread-safe (its own lock).
 */
final class SnapshotSchedule {
  /** One scheduled snapshot. */
  interface Body {
    /**
     * Takes and writes the snapshot due now.
     *
     * @param lateNanos how long after its due time it started when that is more than {@link
     *     #lateThresholdNanos()} (or intervals were skipped), else 0
     * @param skippedIntervals due times passed without a snapshot since the previous one
     */
    void run(long lateNanos, long skippedIntervals);
  }

  /** Where a failed scheduled snapshot is reported (it never stops the schedule). */
  interface Failures {
    void snapshotFailed(Throwable t);
  }

  private final Body body;
  private final Failures failures;

  /** {@link #tick} as a task (not a method reference: see AgentRuntime). */
  private final Runnable tickTask =
      new Runnable() {
        @Override
        public void run() {
          tick();
        }
      };
  /** The monotonic clock (System.nanoTime, or a test's). */
  private final LongSupplier clock;
  /** The snapshot period, ns. */
  private final long periodNanos;
  /** Tasks scheduled before {@link #start()}: submitted by it. */
  private final List<Monitor.Task> pending = new ArrayList<>();
  private ScheduledExecutorService scheduler;
  /** When the next scheduled snapshot is due (clock time): start + k periods. */
  private long nextDueNanos;
  private boolean stopped;

  SnapshotSchedule(long periodNanos, LongSupplier clock, Body body, Failures failures) {
    this.periodNanos = periodNanos;
    this.clock = clock;
    this.body = body;
    this.failures = failures;
    this.nextDueNanos = clock.getAsLong() + periodNanos;
  }

  /**
   * A scheduled snapshot that starts more than this after its due time is reported as late: half
   * the interval, at most one second.
   */
  long lateThresholdNanos() {
    return Math.min(periodNanos / 2, 1_000_000_000L);
  }

  /** Starts the snapshot thread: the first snapshot is due one period from now. */
  @SuppressWarnings("ThreadPriorityCheck") // a hint only: a late snapshot says so anyway
  synchronized void start() {
    if (scheduler != null || stopped) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            new java.util.concurrent.ThreadFactory() { // not a lambda: see AgentRuntime
              @Override
              public Thread newThread(Runnable r) {
                Thread t = new Thread(r, "perfmon-snapshot");
                t.setDaemon(true);
                // A little above the application's threads, so that a busy host delays snapshots
                // less (where the JVM applies Java priorities; HotSpot on Linux does not by default).
                t.setPriority(Thread.NORM_PRIORITY + 2);
                return t;
              }
            });
    nextDueNanos = clock.getAsLong() + periodNanos;
    scheduleTick(periodNanos);
    for (Monitor.Task t : pending) {
      t.submit(scheduler);
    }
    pending.clear();
  }

  /** Runs {@code t} on the snapshot thread (held until {@link #start()}; cancelled once stopped). */
  synchronized Monitor.Task add(Monitor.Task t) {
    if (stopped) {
      t.cancel();
    } else if (scheduler == null) {
      pending.add(t);
    } else {
      t.submit(scheduler);
    }
    return t;
  }

  /**
   * Runs the scheduled snapshot and schedules the next one at the next due time not yet passed.
   */
  private void tick() {
    try {
      runScheduled();
    } catch (Throwable t) {
      failures.snapshotFailed(t);
    }
    long delay;
    synchronized (this) {
      if (stopped) {
        return;
      }
      delay = nextDueNanos - clock.getAsLong();
    }
    scheduleTick(delay);
  }

  // The tick's Future is ignored: tick() catches and reports everything itself.
  @SuppressWarnings("FutureReturnValueIgnored")
  private synchronized void scheduleTick(long delayNanos) {
    if (scheduler == null || stopped) {
      return;
    }
    try {
      scheduler.schedule(tickTask, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // shut down by stop() meanwhile
    }
  }

  /**
   * The body of a scheduled snapshot (package-private for tests, which call it with their clock
   * instead of waiting for the thread): measures how late it is against its due time, moves the
   * due time on past now, then runs the snapshot.
   */
  void runScheduled() {
    long lateNanos;
    long skipped;
    synchronized (this) {
      long now = clock.getAsLong();
      lateNanos = Math.max(0, now - nextDueNanos);
      skipped = lateNanos / periodNanos;
      nextDueNanos += (skipped + 1) * periodNanos;
    }
    boolean late = lateNanos > lateThresholdNanos() || skipped > 0;
    body.run(late ? lateNanos : 0, skipped);
  }

  /**
   * Stops the schedule: no further snapshot or task starts (one in progress completes; the
   * thread is interrupted). Later calls do nothing.
   */
  void stop() {
    ScheduledExecutorService s;
    synchronized (this) {
      stopped = true;
      s = scheduler;
      for (Monitor.Task t : pending) {
        t.cancel();
      }
      pending.clear();
    }
    if (s != null) {
      s.shutdownNow();
    }
  }
}
