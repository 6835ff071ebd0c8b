package dev.perfmon.instrumentation.api;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Predicate;

/**
 * A yes/no fact about each class loader, worked out once per loader and remembered weakly (an
 * undeployed application's loader is not kept by it): whether it sees the Servlet API, whether
 * its own resources may be read first, ... Thread-safe; the fact is worked out outside the lock
 * (two threads may both work it out the first time, with the same answer).
 */
public final class LoaderFacts<L extends ClassLoader> {
  private final Map<ClassLoader, Boolean> known = new WeakHashMap<>();
  private final Predicate<L> fact;
  private final boolean whenUnknown;

  /** The loader asked last and its answer. */
  private final LastLoader<Boolean> last = new LastLoader<>();

  /**
   * @param fact works the fact out (may throw: then {@code whenUnknown} is kept)
   * @param whenUnknown the answer when {@code fact} fails
   */
  public LoaderFacts(Predicate<L> fact, boolean whenUnknown) {
    this.fact = fact;
    this.whenUnknown = whenUnknown;
  }

  public boolean test(L loader) {
    // Asked for one loader many times in a row (each class it loads): that loader's answer
    // without the lock, most of the time.
    Boolean remembered = last.get(loader);
    if (remembered != null) {
      return remembered;
    }
    synchronized (known) {
      Boolean b = known.get(loader);
      if (b != null) {
        last.set(loader, b);
        return b;
      }
    }
    boolean answer;
    try {
      answer = fact.test(loader);
    } catch (RuntimeException | LinkageError e) {
      answer = whenUnknown;
    }
    synchronized (known) {
      known.put(loader, answer);
    }
    return answer;
  }
}
