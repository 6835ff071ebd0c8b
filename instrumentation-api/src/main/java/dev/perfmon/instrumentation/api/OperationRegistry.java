package dev.perfmon.instrumentation.api;

import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.bootstrap.Recorders;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The agent's {@link Operations}: names to ids, with the {@code max-operations} cap. Id 0 is always
 * the overflow operation {@link Operations#OVERFLOW}; ids 1..cap are handed out in order of first
 * use, and every recorder is installed in {@link Recorders} before its id is returned, so woven
 * code never sees an id without a recorder.
 *
 * <p>Thread-safe. A known name costs one {@link ConcurrentHashMap} look-up; a new one takes a
 * lock once.
 */
public final class OperationRegistry implements Operations {
  public static final int OVERFLOW_ID = 0;

  private final int cap;
  private final Map<String, Integer> ids = new ConcurrentHashMap<>();
  private final List<OperationRecorder> recorders = new ArrayList<>();
  private final Map<Integer, Map<String, String>> metadata = new ConcurrentHashMap<>();
  private final Consumer<String> onOverflow;
  private final List<Consumer<OperationRecorder>> registrationListeners = new CopyOnWriteArrayList<>();
  private volatile boolean overflowed;

  /**
   * @param maxOperations distinct operations tracked besides the overflow one
   * @param onOverflow called once, with the first rejected name, when the cap is first reached
   */
  public OperationRegistry(int maxOperations, Consumer<String> onOverflow) {
    if (maxOperations < 1 || maxOperations >= Recorders.CAPACITY) {
      throw new IllegalArgumentException("maxOperations out of range: " + maxOperations);
    }
    this.cap = maxOperations;
    this.onOverflow = onOverflow;
    register(OVERFLOW);
  }

  @Override
  public int idOf(String name) {
    Integer id = ids.get(name);
    if (id != null) {
      return id;
    }
    return register(name);
  }

  private synchronized int register(String name) {
    Integer id = ids.get(name);
    if (id != null) {
      return id;
    }
    int next = recorders.size();
    if (next > cap) {
      if (!overflowed) {
        overflowed = true;
        onOverflow.accept(name);
      }
      return OVERFLOW_ID;
    }
    OperationRecorder r = new OperationRecorder(next, name);
    notifyRegistered(r);
    Recorders.install(r);
    recorders.add(r);
    ids.put(name, next);
    return next;
  }

  /**
   * Adds a listener that configures every recorder (e.g. its slow threshold) before woven code can
   * reach it: it is called at once, under the registry's lock, for every recorder registered so
   * far, and then for each new one before its id is handed out. Must be quick and must not call
   * back into this registry. A listener that throws is ignored for that recorder.
   */
  public synchronized void addRegistrationListener(Consumer<OperationRecorder> listener) {
    registrationListeners.add(listener);
    for (OperationRecorder r : recorders) {
      apply(listener, r);
    }
  }

  /** Removes a listener added with {@link #addRegistrationListener}. */
  public synchronized void removeRegistrationListener(Consumer<OperationRecorder> listener) {
    registrationListeners.remove(listener);
  }

  private void notifyRegistered(OperationRecorder r) {
    for (Consumer<OperationRecorder> l : registrationListeners) {
      apply(l, r);
    }
  }

  private static void apply(Consumer<OperationRecorder> l, OperationRecorder r) {
    try {
      l.accept(r);
    } catch (RuntimeException e) {
      // A listener's failure must not stop registration (woven code is waiting for the id).
    }
  }

  @Override
  public void describe(int id, String key, String value) {
    if (id == OVERFLOW_ID) {
      return;
    }
    Map<String, String> m = metadata.get(id); // no lambda (computeIfAbsent): see package-info
    if (m == null) {
      m = new ConcurrentHashMap<>();
      Map<String, String> had = metadata.putIfAbsent(id, m);
      if (had != null) {
        m = had;
      }
    }
    m.put(key, value);
  }

  /** Metadata of an operation (an unmodifiable view; empty when none). */
  public Map<String, String> metadata(int id) {
    Map<String, String> m = metadata.get(id);
    return m == null ? Map.of() : Collections.unmodifiableMap(m);
  }

  /** A copy of the recorders registered so far, in id order (index = id). */
  public synchronized List<OperationRecorder> recorders() {
    return new ArrayList<>(recorders);
  }

  /** The recorder of {@code name}, or null when not registered. */
  public OperationRecorder find(String name) {
    Integer id = ids.get(name);
    return id == null ? null : Recorders.get(id);
  }

  /** True once a name has been refused because the cap was reached. */
  public boolean overflowed() {
    return overflowed;
  }

  public int cap() {
    return cap;
  }
}
