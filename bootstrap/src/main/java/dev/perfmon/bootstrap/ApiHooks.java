package dev.perfmon.bootstrap;

import java.util.Iterator;
import java.util.Map;

/**
 * The entry points of the application API ({@code perfmon-api}, package {@code dev.perfmon.api})
 * into the agent. Every copy of the API jar, whatever class loader loaded it (the system loader, a
 * web application's, Spring Boot's fat-jar loader), finds this class on the boot class path by
 * name and calls it through constant method handles; the API's own {@code AgentBackend} is the
 * caller. Nothing here refers to the API's types, so one agent serves every copy.
 *
 * <p>{@link #record} is the hot path: allocation-free and lock-free unless the call is slow and
 * carries metadata (then the metadata becomes the call's {@link CallDetails}). The other methods
 * forward to the agent's {@link Handler}; without one (no agent, or after a detach) they know no
 * operation and keep nothing.
 *
 * <p>Thread-safe; no method throws.
 */
public final class ApiHooks {
  /** The agent side: names to ids ({@code max-operations} applies) and figures on request. */
  public interface Handler {
    /** The id of operation {@code name}: the overflow id past {@code max-operations}. */
    int register(String name);

    /** The figures of {@code name} ({@link #FIELDS} values, see there), or null when it has none. */
    double[] stats(String name);

    /** The figures of every operation whose name starts with {@code prefix} ("" for all). */
    Map<String, double[]> statsUnder(String prefix);

    /** Resets the figures that {@link #stats} reports for names starting with {@code prefix}. */
    void clear(String prefix);
  }

  /**
   * The layout of a figures array: count, successes, errors, then in milliseconds average, minimum,
   * maximum, p50, p90, p95, p99, p999.
   */
  public static final int FIELDS = 11;

  /** Metadata entries copied into a slow call's event; the rest are left out. */
  static final int MAX_METADATA = 32;

  /** Characters kept of a metadata key or value in a slow call's event. */
  static final int MAX_METADATA_CHARS = 256;

  private static volatile Handler handler;

  private ApiHooks() {}

  /** True while an agent handler is installed: the API binds itself to the agent then. */
  public static boolean active() {
    return handler != null;
  }

  /** Installs the agent's handler. Called by the agent only. */
  public static synchronized void setHandler(Handler h) {
    handler = h;
  }

  /**
   * Removes {@code h} if it is still the installed handler (a newer agent start's stays).
   *
   * @return true when it was removed
   */
  public static synchronized boolean clearHandler(Handler h) {
    if (handler == h) {
      handler = null;
      return true;
    }
    return false;
  }

  /** The id under which {@code name} is recorded; -1 (records nothing) without the agent. */
  public static int register(String name) {
    Handler h = handler;
    if (h == null) {
      return -1;
    }
    try {
      return h.register(name);
    } catch (Throwable t) {
      AgentErrors.adviceError(AgentErrors.API, t);
      return -1;
    }
  }

  /**
   * Records one call of operation {@code id} that took {@code nanos}. A sampled operation ({@code
   * sample.<glob>}) counts the calls its sampler skips without their duration, as woven sampled
   * methods do. When the call reaches the operation's slow threshold and carries metadata, the
   * metadata goes with it to the slow event and the handlers; a fast call never reads it.
   */
  public static void record(int id, long nanos, boolean error, Map<String, ?> metadataOrNull) {
    try {
      if (Faults.MASK != 0) {
        Faults.check(Faults.RECORD); // tests only: a constant 0 otherwise
      }
      OperationRecorder r = Recorders.get(id);
      if (r == null) {
        return;
      }
      if (r.sampleThreshold() != OperationRecorder.SAMPLE_SCALE && !r.sampleCall()) {
        if (error) {
          r.recordSkippedError();
        }
        return;
      }
      if (metadataOrNull == null || nanos < r.slowThresholdNanos()) {
        r.record(nanos, error);
        return;
      }
      CallDetails.put(id, details(metadataOrNull));
      try {
        r.record(nanos, error);
      } finally {
        CallDetails.clear();
      }
    } catch (Throwable t) {
      AgentErrors.adviceError(AgentErrors.API, t);
    }
  }

  /** The metadata as alternating keys and values (slow calls only), bounded in size. */
  static String[] details(Map<String, ?> metadata) {
    int n = Math.min(metadata.size(), MAX_METADATA);
    String[] kv = new String[2 * n];
    Iterator<? extends Map.Entry<String, ?>> it = metadata.entrySet().iterator();
    for (int i = 0; i < n && it.hasNext(); i++) {
      Map.Entry<String, ?> e = it.next();
      kv[2 * i] = bounded(e.getKey());
      kv[2 * i + 1] = bounded(e.getValue());
    }
    return kv;
  }

  private static String bounded(Object o) {
    if (o == null) {
      return null;
    }
    String s = String.valueOf(o);
    return s.length() > MAX_METADATA_CHARS ? s.substring(0, MAX_METADATA_CHARS) : s;
  }

  /** The figures of {@code name} ({@link #FIELDS} values), or null. */
  public static double[] stats(String name) {
    Handler h = handler;
    if (h == null) {
      return null;
    }
    try {
      return h.stats(name);
    } catch (Throwable t) {
      AgentErrors.adviceError(AgentErrors.API, t);
      return null;
    }
  }

  /** The figures of every operation under {@code prefix}, or null without the agent. */
  public static Map<String, double[]> statsUnder(String prefix) {
    Handler h = handler;
    if (h == null) {
      return null;
    }
    try {
      return h.statsUnder(prefix);
    } catch (Throwable t) {
      AgentErrors.adviceError(AgentErrors.API, t);
      return null;
    }
  }

  /** Resets the figures the API reads for names under {@code prefix}. */
  public static void clear(String prefix) {
    Handler h = handler;
    if (h == null) {
      return;
    }
    try {
      h.clear(prefix);
    } catch (Throwable t) {
      AgentErrors.adviceError(AgentErrors.API, t);
    }
  }
}
