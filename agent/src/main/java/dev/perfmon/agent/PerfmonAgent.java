package dev.perfmon.agent;

import java.lang.instrument.Instrumentation;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class}). Everything is wrapped so
 * that no failure of the agent ever stops the application from starting: on any error, one line
 * goes to stderr and the application runs without monitoring.
 *
 * <p>This class must not refer to bootstrap classes: they become visible only after {@link
 * BootstrapInjector} ran, so the rest of the start-up lives in {@link AgentRuntime}.
 */
public final class PerfmonAgent {
  private PerfmonAgent() {}

  public static void premain(String args, Instrumentation inst) {
    start(args, inst, false);
  }

  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst, true);
  }

  @SuppressForbidden // stderr is the only channel left when the agent (and its logger) cannot start
  private static synchronized void start(String args, Instrumentation inst, boolean attached) {
    try {
      // Byte Buddy's "safe" mode: no sun.misc.Unsafe-based class injection (the agent inlines its
      // advice and never injects classes), so JDK 24+ prints no Unsafe deprecation warning on the
      // host's stderr. In the shaded jar this literal is relocated with Byte Buddy, so it can never
      // change the host application's own Byte Buddy.
      System.setProperty("net.bytebuddy.safe", "true");
      BootstrapInjector.inject(inst);
      AgentRuntime.startOrReconfigure(args, inst, attached);
    } catch (Throwable t) {
      System.err.println(
          "[perfmon] the agent could not start; the application continues without it: " + t);
    }
  }
}
