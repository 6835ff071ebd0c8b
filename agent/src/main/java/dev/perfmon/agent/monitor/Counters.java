package dev.perfmon.agent.monitor;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An operation's counters in a snapshot (e.g. {@code status2xx}): an immutable map in the order
 * the sources gave them, held in two arrays rather than in a hash map of boxed values, because a
 * snapshot makes two of them for each operation with counters. {@link SnapshotJson} writes them
 * from the arrays.
 */
final class Counters extends AbstractMap<String, Long> {
  final String[] keys;
  final long[] values;

  /** Takes both arrays (same length, no key twice, not changed afterwards). */
  Counters(String[] keys, long[] values) {
    this.keys = keys;
    this.values = values;
  }

  /** The value of {@code key}, or 0 when it has none. */
  long valueOf(String key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return values[i];
      }
    }
    return 0;
  }

  /** These counters' change since {@code previous} (null: since 0), with the same keys. */
  Counters since(Counters previous) {
    long[] d = new long[values.length];
    for (int i = 0; i < d.length; i++) {
      d[i] = values[i] - (previous == null ? 0 : previous.valueOf(keys[i]));
    }
    return new Counters(keys, d);
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public boolean containsKey(Object key) {
    for (String k : keys) {
      if (k.equals(key)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public Long get(Object key) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i].equals(key)) {
        return values[i];
      }
    }
    return null;
  }

  @Override
  public Set<Entry<String, Long>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return keys.length;
      }

      @Override
      public Iterator<Entry<String, Long>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < keys.length;
          }

          @Override
          public Entry<String, Long> next() {
            if (next >= keys.length) {
              throw new NoSuchElementException();
            }
            int i = next++;
            return new SimpleImmutableEntry<>(keys[i], values[i]);
          }
        };
      }
    };
  }
}
