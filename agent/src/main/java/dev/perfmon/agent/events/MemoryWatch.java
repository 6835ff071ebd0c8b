package dev.perfmon.agent.events;

import dev.perfmon.api.MemoryWarning;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The heap limits {@code memory.warn.heap-used} and {@code memory.warn.heap-ratio}, with
 * hysteresis: a limit warns once when a reading reaches it, and re-arms only after a reading falls
 * below 90% of it, so a heap hovering around the limit warns once, not at every reading.
 *
 * <p>Not thread-safe: used by the snapshot thread only.
 */
final class MemoryWatch {
  /** A limit re-arms below this share of itself. */
  static final double REARM = 0.9;

  private final long heapUsedLimit;
  private final double heapRatioLimit;
  private boolean usedArmed = true;
  private boolean ratioArmed = true;

  /**
   * @param heapUsedLimit bytes, or a value <= 0 for none
   * @param heapRatioLimit fraction of the maximum heap, or a value <= 0 for none
   */
  MemoryWatch(long heapUsedLimit, double heapRatioLimit) {
    this.heapUsedLimit = heapUsedLimit;
    this.heapRatioLimit = heapRatioLimit;
  }

  boolean active() {
    return heapUsedLimit > 0 || heapRatioLimit > 0;
  }

  /**
   * Checks one reading.
   *
   * @param max maximum heap, or a negative value when undefined (the ratio is then not checked)
   * @return the warnings this reading raises (usually none)
   */
  List<MemoryWarning> check(long used, long max, Instant now) {
    List<MemoryWarning> out = new ArrayList<>(0);
    if (heapUsedLimit > 0) {
      if (usedArmed && used >= heapUsedLimit) {
        usedArmed = false;
        out.add(new MemoryWarning(now, MemoryWarning.Reason.HEAP_USED, used, max, heapUsedLimit));
      } else if (!usedArmed && used < heapUsedLimit * REARM) {
        usedArmed = true;
      }
    }
    if (heapRatioLimit > 0 && max > 0) {
      double ratio = (double) used / max;
      if (ratioArmed && ratio >= heapRatioLimit) {
        ratioArmed = false;
        out.add(new MemoryWarning(now, MemoryWarning.Reason.HEAP_RATIO, used, max, heapRatioLimit));
      } else if (!ratioArmed && ratio < heapRatioLimit * REARM) {
        ratioArmed = true;
      }
    }
    return out;
  }
}
