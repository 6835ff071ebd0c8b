package dev.perfmon.it.core;

import java.lang.ref.WeakReference;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Application side of {@link IsolationIT}. {@code probe}: tries to reach the agent's classes the
 * way application code could, and prints VISIBLE or HIDDEN for each. {@code collect SIGNAL}: runs
 * a woven method on two threads, holds the agent's class loader only through a weak reference
 * (found through the entry class, the one class of the agent the application's loader has), waits
 * until the file SIGNAL exists (the test detached the agent meanwhile), then collects garbage and
 * says whether that loader went.
 */
public final class IsolationApp {
  static final String[] AGENT_CLASSES = {
    "dev.perfmon.agent.AgentRuntime",
    "dev.perfmon.agent.monitor.Monitor",
    "dev.perfmon.agent.cli.Main",
    "dev.perfmon.config.Keys",
    "dev.perfmon.instrumentation.api.InstrumentationModule",
    "dev.perfmon.instrumentation.jdbc.JdbcInstrumentationModule",
    "dev.perfmon.api.SlowOperationHandler",
    "dev.perfmon.shaded.net.bytebuddy.agent.builder.AgentBuilder",
    "dev.perfmon.shaded.com.fasterxml.jackson.core.JsonFactory",
    "dev.perfmon.shaded.org.slf4j.LoggerFactory",
  };

  static volatile long sink;

  private IsolationApp() {}

  public static void main(String[] args) throws Exception {
    Thread worker = new Thread(IsolationApp::spin, "worker");
    worker.setDaemon(true);
    worker.start();
    if (args[0].equals("probe")) {
      probe();
      return;
    }
    collect(Path.of(args[1]));
  }

  static void probe() {
    ClassLoader app = ClassLoader.getSystemClassLoader();
    for (String name : AGENT_CLASSES) {
      boolean byName = visible(name, app) || visible(name, Thread.currentThread().getContextClassLoader());
      boolean asResource = app.getResource(name.replace('.', '/') + ".class") != null;
      System.out.println((byName || asResource ? "VISIBLE " : "HIDDEN ") + name);
    }
    System.out.println("ENTRY " + (visible("dev.perfmon.agent.PerfmonAgent", app) ? "VISIBLE" : "HIDDEN"));
    System.out.println("BOOTSTRAP " + (visible("dev.perfmon.bootstrap.PerfMon", app) ? "VISIBLE" : "HIDDEN"));
    System.out.println("PROBED");
  }

  private static boolean visible(String name, ClassLoader loader) {
    try {
      Class.forName(name, false, loader);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  static void collect(Path signal) throws Exception {
    // Attached later, the agent's entry class appears on the class path only then.
    ClassLoader agentLoader = null;
    for (int i = 0; i < 600 && agentLoader == null; i++) {
      agentLoader = agentLoader();
      if (agentLoader == null) {
        Thread.sleep(100);
      }
    }
    if (agentLoader == null) {
      System.out.println("NO AGENT LOADER");
      return;
    }
    WeakReference<ClassLoader> ref = new WeakReference<>(agentLoader);
    System.out.println("AGENT LOADER " + agentLoader.getName());
    agentLoader = null;
    System.out.println("READY");
    System.out.flush();
    while (!Files.exists(signal)) {
      Thread.sleep(50);
      work(3);
    }
    for (int gc = 1; gc <= 50; gc++) {
      System.gc();
      Thread.sleep(100);
      if (ref.get() == null) {
        System.out.println("AGENT LOADER COLLECTED after " + gc + " gc");
        return;
      }
    }
    System.out.println("AGENT LOADER REACHABLE");
  }

  private static ClassLoader agentLoader() throws Exception {
    Class<?> entry;
    try {
      entry = Class.forName("dev.perfmon.agent.PerfmonAgent", false, ClassLoader.getSystemClassLoader());
    } catch (ClassNotFoundException notYet) {
      return null;
    }
    Field running = entry.getDeclaredField("running");
    running.setAccessible(true);
    return (ClassLoader) running.get(null);
  }

  private static void spin() {
    while (true) {
      work(5);
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The woven method. */
  static long work(int n) {
    long s = 0;
    for (int i = 0; i < n * 100; i++) {
      s += i ^ n;
    }
    sink = s;
    return s;
  }
}
