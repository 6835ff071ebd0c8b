package dev.perfmon.instrumentation.api;

import net.bytebuddy.agent.builder.AgentBuilder;

/**
 * The agent's circularity lock: held by a thread while it matches or transforms a class, so that a
 * class that thread loads meanwhile (the transformer's own class loading, a super type's class file
 * read through a class loader) is left alone instead of being matched inside the first match.
 *
 * <p>Byte Buddy's default lock keeps the threads that hold it in a {@code ConcurrentHashMap}, and
 * guards that map's own class loading with one of a hundred monitors: for every class a JVM loads,
 * a monitor, a map insertion and a map removal, once for the agent's class-file pre-test and again
 * for Byte Buddy's transformer. Here each thread has its own flag, so acquiring and releasing are a
 * thread-local read and a plain write. The flag is a {@code boolean[]} in the thread's map (a JDK
 * type: nothing of the agent's class loader stays reachable from an application thread after a
 * detach), created by {@link #acquire} the first time a thread asks; creating it loads no class
 * (the thread-local's own class is loaded with this lock, in premain).
 * Not reentrant, as Byte Buddy's is not: a second {@link #acquire} on the holding thread fails.
 */
final class ThreadCircularityLock implements AgentBuilder.CircularityLock {
  @SuppressWarnings("ThreadLocalUsage") // one per agent, referenced from a static final field
  private final ThreadLocal<boolean[]> held =
      new ThreadLocal<>() { // not a lambda: see package-info
        @Override
        protected boolean[] initialValue() {
          return new boolean[1];
        }
      };

  @Override
  public boolean acquire() {
    boolean[] h = held.get();
    if (h[0]) {
      return false;
    }
    h[0] = true;
    return true;
  }

  @Override
  public void release() {
    held.get()[0] = false;
  }
}
