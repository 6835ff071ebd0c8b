package dev.perfmon.api;

/** How slow a call was: at or above its slow threshold, or at or above its very-slow threshold. */
public enum Severity {
  SLOW("slow"),
  VERY_SLOW("very-slow");

  private final String label;

  Severity(String label) {
    this.label = label;
  }

  /** The form used in the agent's JSON and logs: {@code slow} or {@code very-slow}. */
  public String label() {
    return label;
  }
}
