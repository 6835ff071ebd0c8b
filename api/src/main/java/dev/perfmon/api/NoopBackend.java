package dev.perfmon.api;

import java.util.Map;

/** The backend without the agent: keeps nothing, knows no operation. */
final class NoopBackend implements Backend {
  static final NoopBackend INSTANCE = new NoopBackend();

  private NoopBackend() {}

  @Override
  public int register(String name) {
    return 0;
  }

  @Override
  public void record(int id, long nanos, boolean error, Map<String, ?> metadataOrNull) {}

  @Override
  public OperationStats stats(String name) {
    return null;
  }

  @Override
  public Map<String, OperationStats> statsUnder(String prefix) {
    return Map.of();
  }

  @Override
  public void clear(String prefix) {}
}
