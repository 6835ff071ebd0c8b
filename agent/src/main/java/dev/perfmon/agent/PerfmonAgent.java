package dev.perfmon.agent;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.security.CodeSource;
import java.util.function.Function;

/**
 * The agent's entry point ({@code Premain-Class}, {@code Agent-Class} and {@code Main-Class}):
 * with {@link AgentClassLoader}, the only classes of the agent that the application's class loader
 * defines. Everything else is loaded by the agent's own class loader and reached through {@link
 * java.util.function.Function} ({@code AgentEntry}, made by reflection) here, so that this class
 * links to nothing the application's loader cannot find.
 *
 * <p>Everything is wrapped so that no failure of the agent ever stops the application from
 * starting: on any error, one line goes to stderr and the application runs without monitoring.
 */
public final class PerfmonAgent {
  /**
   * The agent's class loader while the agent runs: from its start to its detach. A re-attach
   * reconfigures the agent in that loader; after a detach nothing here refers to it, so that it can
   * be collected.
   */
  private static ClassLoader running;

  private PerfmonAgent() {}

  public static void premain(String args, Instrumentation inst) {
    start(args, inst, false);
  }

  public static void agentmain(String args, Instrumentation inst) {
    start(args, inst, true);
  }

  /** The command-line tool: {@code java -jar perfmon-agent.jar <command>}. */
  public static void main(String[] args) throws Throwable {
    // Its parent is the system loader here: the tool's own JVM, which needs jdk.attach.
    ClassLoader loader = loader(ClassLoader.getSystemClassLoader());
    Method main = Class.forName("dev.perfmon.agent.cli.Main", true, loader).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @SuppressForbidden // stderr is the only channel left when the agent (and its logger) cannot start
  private static synchronized void start(String args, Instrumentation inst, boolean attached) {
    try {
      // Byte Buddy's "safe" mode: no sun.misc.Unsafe-based class injection (the agent inlines its
      // advice and never injects classes), so JDK 24+ prints no Unsafe deprecation warning on the
      // host's stderr. In the shaded jar this literal is relocated with Byte Buddy, so it can never
      // change the host application's own Byte Buddy.
      System.setProperty("net.bytebuddy.safe", "true");
      ClassLoader loader = running != null ? running : loader(ClassLoader.getPlatformClassLoader());
      @SuppressWarnings("unchecked")
      Function<Object[], Object> entry =
          Class.forName("dev.perfmon.agent.AgentEntry", true, loader)
              .asSubclass(Function.class)
              .getDeclaredConstructor()
              .newInstance();
      Object on = entry.apply(new Object[] {args, inst, attached});
      running = Boolean.TRUE.equals(on) ? loader : null;
    } catch (Throwable t) {
      System.err.println(
          "[perfmon] the agent could not start; the application continues without it: "
              + (t instanceof InvocationTargetException ? t.getCause() : t));
    }
  }

  /**
   * The agent's class loader for the jar this class came from, with {@code parent}; or, when the
   * agent's classes are not stored apart (tests and development), this class's own loader.
   */
  private static ClassLoader loader(ClassLoader parent) throws java.io.IOException {
    CodeSource source = PerfmonAgent.class.getProtectionDomain().getCodeSource();
    URL jar = source == null ? null : source.getLocation();
    ClassLoader own = AgentClassLoader.open(jar, parent);
    return own != null ? own : PerfmonAgent.class.getClassLoader();
  }
}
