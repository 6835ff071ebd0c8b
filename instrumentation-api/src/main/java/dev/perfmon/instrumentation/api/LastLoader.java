package dev.perfmon.instrumentation.api;

import java.lang.ref.WeakReference;

/**
 * A one-entry, lock-free memo in front of a per-loader map: the class loader asked last (held
 * weakly: it keeps no loader reachable) and what was found for it. Classes load in runs from one
 * loader, so most questions are about the loader asked just before.
 */
final class LastLoader<V> {
  private static final class Entry<V> {
    final WeakReference<ClassLoader> loader;
    final V value;

    Entry(ClassLoader loader, V value) {
      this.loader = new WeakReference<>(loader);
      this.value = value;
    }
  }

  private volatile Entry<V> last;

  /** The value remembered for {@code loader} when it was the last one {@link #set}, else null. */
  V get(ClassLoader loader) {
    Entry<V> e = last;
    return e != null && loader != null && e.loader.get() == loader ? e.value : null;
  }

  void set(ClassLoader loader, V value) {
    last = new Entry<>(loader, value);
  }
}
