package dev.perfmon.agent.output;

/** A destination of JSON lines. Implementations are called from the agent's own threads only. */
public interface Output extends AutoCloseable {
  /** Writes one complete line (ending in '\n'). Must not throw. */
  void write(byte[] line);

  /**
   * Lines this output could not write since it was created (e.g. on a full file system); reported
   * as {@code agent.lostLines} in the next snapshot. Zero for outputs that cannot tell.
   */
  default long lostLines() {
    return 0;
  }

  /** A short description for logs and status, e.g. "file /var/log/app/perfmon-stats.jsonl". */
  String describe();

  @Override
  void close();
}
