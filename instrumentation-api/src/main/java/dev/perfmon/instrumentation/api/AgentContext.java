package dev.perfmon.instrumentation.api;

import dev.perfmon.config.AgentConfig;
import org.slf4j.Logger;
import org.slf4j.helpers.NOPLogger;

/** What the agent offers to instrumentation modules at start-up. */
public interface AgentContext {
  /** The resolved configuration. */
  AgentConfig config();

  /** The operation registry (ids for names, with the max-operations cap applied). */
  Operations operations();

  /**
   * The agent's logger. Modules log through it and never through SLF4J's {@code LoggerFactory}:
   * that would read the host's {@code -Dslf4j.provider} (a property whose name shading cannot
   * change) and print SLF4J's errors on the application's stderr; the agent's logger is created
   * without it (see the agent's {@code StderrLogger}).
   */
  Logger log();

  /** A context of fixed parts that logs nothing (in-process tests). */
  static AgentContext of(AgentConfig config, Operations operations) {
    return of(config, operations, NOPLogger.NOP_LOGGER);
  }

  /** A context of fixed parts (the agent's, and in-process tests'). */
  static AgentContext of(AgentConfig config, Operations operations, Logger log) {
    return new AgentContext() {
      @Override
      public AgentConfig config() {
        return config;
      }

      @Override
      public Operations operations() {
        return operations;
      }

      @Override
      public Logger log() {
        return log;
      }
    };
  }
}
