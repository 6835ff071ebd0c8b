package dev.perfmon.config;

/**
 * The groups the configuration keys are documented in, in documentation order. Each key and key
 * family names its category where it is declared in {@link Keys}.
 */
public enum KeyCategory {
  GENERAL("General"),
  TIMING("What is timed"),
  OUTPUT("Snapshots and output files"),
  SLOW_CALLS("Slow calls, budgets and sampling"),
  MEMORY("Memory readings"),
  HANDLERS("Event handlers"),
  COVERAGE("Method-pattern coverage"),
  LIVE("Live numbers over HTTP and JMX");

  private final String title;

  KeyCategory(String title) {
    this.title = title;
  }

  /** The heading of the category's table in {@code docs/configuration.md}. */
  public String title() {
    return title;
  }
}
