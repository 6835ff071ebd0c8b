package dev.perfmon.api;

import dev.perfmon.bootstrap.ApiHooks;
import java.util.ArrayList;
import java.util.List;

/**
 * Test stand-in for perfmon-api's entry class (same name, same {@code bindAgent} signature), so
 * that {@code ApiBindingTest} can watch what the agent does to a loaded copy of the API without the
 * API jar on the agent's class path.
 */
public final class PerfMon {
  /** One entry per {@code bindAgent} call: the requested state and whether the hooks were active. */
  public static final List<String> CALLS = new ArrayList<>();

  private PerfMon() {}

  static synchronized boolean bindAgent(boolean on) {
    CALLS.add((on ? "bind" : "unbind") + (ApiHooks.active() ? " while active" : " while inactive"));
    return true;
  }
}
