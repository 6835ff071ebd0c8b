package dev.perfmon.bootstrap.servlet;

import dev.perfmon.bootstrap.Recorders;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of HTTP responses per operation and status class (2xx, 3xx, 4xx, 5xx), next to the
 * operation's {@link dev.perfmon.bootstrap.OperationRecorder}. Indexed by operation id * 4 + class,
 * where class 0 = 2xx (and 1xx), 1 = 3xx, 2 = 4xx, 3 = 5xx (and a request that threw).
 *
 * <p>Storage is allocated lazily in pages of {@value #OPS_PER_PAGE} operations, and each counter is
 * a {@link LongAdder} created on the counter's first increment, so an application with a handful
 * of routes holds a handful of adders. After that first increment {@link #increment} allocates
 * nothing (except a {@code LongAdder} cell the first time it is contended).
 *
 * <p>Thread-safe: any number of writers; readers may read at any time. Counts are monotonic and
 * cumulative: interval figures are deltas between two reads, like the recorders'.
 */
public final class StatusCounters {
  public static final int CLASS_2XX = 0;
  public static final int CLASS_3XX = 1;
  public static final int CLASS_4XX = 2;
  public static final int CLASS_5XX = 3;
  private static final String[] FIELD_NAMES = {"status2xx", "status3xx", "status4xx", "status5xx"};

  static final int OPS_PER_PAGE = 256;
  private static final int SLOTS_PER_PAGE = OPS_PER_PAGE * 4;
  private static final VarHandle PAGES = MethodHandles.arrayElementVarHandle(LongAdder[][].class);
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(LongAdder[].class);
  private static final LongAdder[][] TABLE = new LongAdder[Recorders.CAPACITY / OPS_PER_PAGE][];

  private StatusCounters() {}

  /** The status class of an HTTP status; the 1xx range (never final in practice) counts as 2xx. */
  public static int classOf(int status) {
    if (status >= 500) {
      return CLASS_5XX;
    }
    if (status >= 400) {
      return CLASS_4XX;
    }
    if (status >= 300) {
      return CLASS_3XX;
    }
    return CLASS_2XX;
  }

  /**
   * The field name of status class {@code statusClass} (0..3) as the snapshot writes it: {@code
   * status2xx}, {@code status3xx}, {@code status4xx} or {@code status5xx}.
   */
  public static String fieldName(int statusClass) {
    return FIELD_NAMES[statusClass];
  }

  /** Counts one response of class {@code statusClass} (0..3) for operation {@code id}. */
  public static void increment(int id, int statusClass) {
    if (id < 0 || id >= Recorders.CAPACITY || statusClass < 0 || statusClass > 3) {
      return;
    }
    LongAdder[] page = (LongAdder[]) PAGES.getAcquire(TABLE, id / OPS_PER_PAGE);
    if (page == null) {
      LongAdder[] fresh = new LongAdder[SLOTS_PER_PAGE];
      LongAdder[] witness =
          (LongAdder[]) PAGES.compareAndExchange(TABLE, id / OPS_PER_PAGE, (LongAdder[]) null, fresh);
      page = witness == null ? fresh : witness;
    }
    int slot = (id % OPS_PER_PAGE) * 4 + statusClass;
    LongAdder a = (LongAdder) SLOTS.getAcquire(page, slot);
    if (a == null) {
      LongAdder fresh = new LongAdder();
      LongAdder witness = (LongAdder) SLOTS.compareAndExchange(page, slot, (LongAdder) null, fresh);
      a = witness == null ? fresh : witness;
    }
    a.increment();
  }

  /**
   * Reads the four cumulative counts of operation {@code id} into {@code out[0..3]} (2xx, 3xx,
   * 4xx, 5xx).
   *
   * @return false, with {@code out} zeroed, when the operation never counted a status (it is not a
   *     servlet operation): the snapshot then writes no status fields for it
   */
  public static boolean read(int id, long[] out) {
    out[0] = out[1] = out[2] = out[3] = 0;
    if (id < 0 || id >= Recorders.CAPACITY) {
      return false;
    }
    LongAdder[] page = (LongAdder[]) PAGES.getAcquire(TABLE, id / OPS_PER_PAGE);
    if (page == null) {
      return false;
    }
    boolean any = false;
    int base = (id % OPS_PER_PAGE) * 4;
    for (int c = 0; c < 4; c++) {
      LongAdder a = (LongAdder) SLOTS.getAcquire(page, base + c);
      if (a != null) {
        out[c] = a.sum();
        any = true;
      }
    }
    return any;
  }

  /** Cumulative count of one status class of one operation (0 when never counted). */
  public static long get(int id, int statusClass) {
    long[] out = new long[4];
    read(id, out);
    return out[statusClass];
  }

  /** Drops every counter (used when the agent detaches, together with {@code Recorders.clear()}). */
  public static void clear() {
    for (int p = 0; p < TABLE.length; p++) {
      PAGES.setRelease(TABLE, p, (LongAdder[]) null);
    }
  }
}
