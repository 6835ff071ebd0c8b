package dev.perfmon.agent.output;

/** A destination of JSON lines. Implementations are called from the agent's own threads only. */
public interface Output extends AutoCloseable {
  /** Writes one complete line (ending in '\n'). Must not throw. */
  void write(byte[] line);

  /** A short description for logs and status, e.g. "file /var/log/app/perfmon-stats.jsonl". */
  String describe();

  @Override
  void close();
}
