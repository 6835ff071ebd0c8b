package dev.perfmon.instrumentation.api;

import dev.perfmon.config.AgentConfig;

/** What the agent offers to instrumentation modules at start-up. */
public interface AgentContext {
  /** The resolved configuration. */
  AgentConfig config();

  /** The operation registry (ids for names, with the max-operations cap applied). */
  Operations operations();

  /** A context of fixed parts (the agent's, and in-process tests'). */
  static AgentContext of(AgentConfig config, Operations operations) {
    return new AgentContext() {
      @Override
      public AgentConfig config() {
        return config;
      }

      @Override
      public Operations operations() {
        return operations;
      }
    };
  }
}
