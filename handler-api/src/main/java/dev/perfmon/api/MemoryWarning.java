package dev.perfmon.api;

import java.time.Instant;
import java.util.Objects;

/**
 * The used heap crossed a configured limit ({@code memory.warn.heap-used} or {@code
 * memory.warn.heap-ratio}). Raised once per crossing: the warning re-arms only after the reading
 * dropped 10% below the limit.
 *
 * @param timestamp when the heap was read
 * @param reason which limit was crossed
 * @param heapUsedBytes used heap at that time
 * @param heapMaxBytes maximum heap, or -1 when the JVM does not define one
 * @param limit the limit crossed: bytes for {@link Reason#HEAP_USED}, a fraction for {@link
 *     Reason#HEAP_RATIO}
 */
public record MemoryWarning(
    Instant timestamp, Reason reason, long heapUsedBytes, long heapMaxBytes, double limit) {

  /** Which limit was crossed. */
  public enum Reason {
    HEAP_USED("heap-used"),
    HEAP_RATIO("heap-ratio");

    private final String label;

    Reason(String label) {
      this.label = label;
    }

    /** The configuration key suffix and JSON form: {@code heap-used} or {@code heap-ratio}. */
    public String label() {
      return label;
    }
  }

  public MemoryWarning {
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(reason, "reason");
  }
}
