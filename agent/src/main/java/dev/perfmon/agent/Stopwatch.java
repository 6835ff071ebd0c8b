package dev.perfmon.agent;

/** Times the phases of start-up for one debug line ("config 12 ms, builder 180 ms, ..."). */
final class Stopwatch {
  private final StringBuilder laps = new StringBuilder();
  private long last = System.nanoTime();

  /** Ends the current phase under {@code name} and starts the next. */
  void lap(String name) {
    long now = System.nanoTime();
    if (laps.length() > 0) {
      laps.append(", ");
    }
    laps.append(name).append(' ').append((now - last) / 1_000_000).append(" ms");
    last = now;
  }

  @Override
  public String toString() {
    return laps.toString();
  }
}
