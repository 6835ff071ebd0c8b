package dev.perfmon.instrumentation.api;

import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.bootstrap.Recorders;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    Recorders.install(r);
    recorders.add(r);
    ids.put(name, next);
    return next;
  }

  @Override
  public void describe(int id, String key, String value) {
    if (id == OVERFLOW_ID) {
      return;
    }
    metadata.computeIfAbsent(id, k -> new ConcurrentHashMap<>()).put(key, value);
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
