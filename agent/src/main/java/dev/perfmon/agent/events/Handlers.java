package dev.perfmon.agent.events;

import dev.perfmon.api.BudgetViolation;
import dev.perfmon.api.BudgetViolationHandler;
import dev.perfmon.api.MemoryWarning;
import dev.perfmon.api.MemoryWarningHandler;
import dev.perfmon.api.SlowOperationEvent;
import dev.perfmon.api.SlowOperationHandler;
import dev.perfmon.api.SnapshotHandler;
import dev.perfmon.api.SnapshotView;
import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;

/**
 * The handlers that receive events besides the built-in log: the {@code exec} handler and custom
 * handlers loaded from {@code handlers.path}, each behind its own {@link HandlerWorker}.
 *
 * <p>Custom handlers: the entries of {@code handlers.path} (jars or directories, separated by the
 * platform path separator, relative to the working directory) form one {@link URLClassLoader}
 * whose parent is the agent's loader, so handlers link against {@code dev.perfmon.api} from the
 * agent jar. {@link ServiceLoader} finds the implementations listed in {@code
 * META-INF/services/dev.perfmon.api.<X>Handler}; only classes defined by that loader are used (a
 * services file elsewhere on the application's class path does not install a handler). A class
 * listed under several interfaces gets one instance and one worker.
 *
 * <p>Thread-safe after construction: dispatch only offers to the workers' bounded queues.
 */
final class Handlers implements AutoCloseable {
  private static final List<Class<?>> SPIS =
      List.of(
          SlowOperationHandler.class,
          BudgetViolationHandler.class,
          MemoryWarningHandler.class,
          SnapshotHandler.class);

  private record Installed(Object handler, HandlerWorker worker) {}

  private final List<Installed> installed;
  private final URLClassLoader loader;
  private final boolean snapshotHandlers;

  private Handlers(List<Installed> installed, URLClassLoader loader) {
    this.installed = List.copyOf(installed);
    this.loader = loader;
    boolean snap = false;
    for (Installed i : installed) {
      snap |= i.handler instanceof SnapshotHandler;
    }
    this.snapshotHandlers = snap;
  }

  /**
   * Loads and starts the handlers.
   *
   * @param execCommand the exec handler's command line, or null when exec is not enabled
   * @param handlersPath the class path of custom handlers, or blank for none
   */
  static Handlers start(String execCommand, String handlersPath, long timeoutNanos, Logger log) {
    List<Installed> out = new ArrayList<>();
    if (execCommand != null) {
      try {
        ExecHandler exec = new ExecHandler(ExecHandler.split(execCommand));
        out.add(new Installed(exec, new HandlerWorker("exec", timeoutNanos, log)));
      } catch (IllegalArgumentException e) {
        log.warn(
            "handler 'exec' is not started: handlers.exec.command '{}' is not a command ({})",
            execCommand,
            e.getMessage());
      }
    }
    URLClassLoader loader = null;
    if (handlersPath != null && !handlersPath.isBlank()) {
      loader = loader(handlersPath, log);
      if (loader != null) {
        out.addAll(loadCustom(loader, timeoutNanos, log));
      }
    }
    return new Handlers(out, loader);
  }

  /** Handlers given as objects (tests, and built-ins): name -> handler. */
  static Handlers of(Map<String, Object> byName, long timeoutNanos, Logger log) {
    List<Installed> out = new ArrayList<>();
    for (Map.Entry<String, Object> e : byName.entrySet()) {
      out.add(new Installed(e.getValue(), new HandlerWorker(e.getKey(), timeoutNanos, log)));
    }
    return new Handlers(out, null);
  }

  private static URLClassLoader loader(String path, Logger log) {
    List<URL> urls = new ArrayList<>();
    // Empty entries (trailing ones included) are skipped below, so the limit changes nothing.
    for (String part : path.split(File.pathSeparator, -1)) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      Path file = Path.of(p).toAbsolutePath().normalize();
      if (!Files.exists(file)) {
        log.warn("handlers.path entry {} does not exist; ignored", file);
        continue;
      }
      try {
        urls.add(file.toUri().toURL());
      } catch (MalformedURLException e) {
        log.warn("handlers.path entry {} is not usable: {}", file, e.toString());
      }
    }
    if (urls.isEmpty()) {
      return null;
    }
    return new URLClassLoader("perfmon-handlers", urls.toArray(new URL[0]), Handlers.class.getClassLoader());
  }

  private static List<Installed> loadCustom(URLClassLoader loader, long timeoutNanos, Logger log) {
    Map<Class<?>, Object> instances = new LinkedHashMap<>();
    for (Class<?> spi : SPIS) {
      try {
        for (ServiceLoader.Provider<?> p : ServiceLoader.load(spi, loader).stream().toList()) {
          Class<?> type = p.type();
          if (type.getClassLoader() != loader || instances.containsKey(type)) {
            continue;
          }
          try {
            instances.put(type, p.get());
          } catch (Throwable t) {
            log.warn("handler {} could not be created and is left out: {}", type.getName(), cause(t));
          }
        }
      } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
        log.warn("handlers of type {} could not be loaded from handlers.path: {}", spi.getSimpleName(), cause(e));
      }
    }
    List<Installed> out = new ArrayList<>();
    Map<String, Integer> names = new LinkedHashMap<>();
    for (Map.Entry<Class<?>, Object> e : instances.entrySet()) {
      String simple = e.getKey().getSimpleName().isEmpty() ? e.getKey().getName() : e.getKey().getSimpleName();
      int n = names.merge(simple, 1, Integer::sum);
      String name = n == 1 ? simple : simple + "-" + n;
      out.add(new Installed(e.getValue(), new HandlerWorker(name, timeoutNanos, log)));
      log.info("event handler {} ({}) loaded from handlers.path", name, e.getKey().getName());
    }
    if (out.isEmpty()) {
      log.warn("handlers.path is set but no handler was found in it (META-INF/services/dev.perfmon.api.*Handler)");
    }
    return out;
  }

  private static String cause(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c == t ? t.toString() : t + " caused by " + c;
  }

  /** Names of the running handlers, e.g. {@code [exec, FileHandler]}. */
  List<String> names() {
    List<String> n = new ArrayList<>();
    for (Installed i : installed) {
      n.add(i.worker.name());
    }
    return n;
  }

  boolean hasSnapshotHandlers() {
    return snapshotHandlers;
  }

  void slow(SlowOperationEvent e) {
    for (Installed i : installed) {
      if (i.handler instanceof SlowOperationHandler h) {
        i.worker.offer(call(() -> h.onSlowOperation(e), "slow call of " + e.operation()));
      }
    }
  }

  void budget(BudgetViolation v) {
    for (Installed i : installed) {
      if (i.handler instanceof BudgetViolationHandler h) {
        i.worker.offer(call(() -> h.onBudgetViolation(v), "budget violation of " + v.operation()));
      }
    }
  }

  void memory(MemoryWarning w) {
    for (Installed i : installed) {
      if (i.handler instanceof MemoryWarningHandler h) {
        i.worker.offer(call(() -> h.onMemoryWarning(w), "memory warning"));
      }
    }
  }

  void snapshot(SnapshotView s) {
    for (Installed i : installed) {
      if (i.handler instanceof SnapshotHandler h) {
        i.worker.offer(call(() -> h.onSnapshot(s), "snapshot " + s.timestamp()));
      }
    }
  }

  /** Whether no handler is installed (nothing to deliver to, no timeout to check). */
  boolean isEmpty() {
    return installed.isEmpty();
  }

  /** Detects calls past the timeout (called regularly by the events thread). */
  void checkTimeouts() {
    long now = System.nanoTime();
    for (Installed i : installed) {
      i.worker.checkTimeout(now);
    }
  }

  /** Per-handler counts, for tests and diagnostics: name -> {delivered, failures, timeouts, skipped}. */
  Map<String, long[]> stats() {
    Map<String, long[]> m = new LinkedHashMap<>();
    for (Installed i : installed) {
      HandlerWorker w = i.worker;
      m.put(w.name(), new long[] {w.delivered(), w.failures(), w.timeouts(), w.skipped()});
    }
    return m;
  }

  @Override
  public void close() {
    for (Installed i : installed) {
      i.worker.close();
    }
    if (loader != null) {
      try {
        loader.close();
      } catch (IOException ignored) {
        // nothing more to do
      }
    }
  }

  private interface Body {
    void run() throws Exception;
  }

  private static HandlerWorker.Call call(Body body, String what) {
    return new HandlerWorker.Call() {
      @Override
      public void run() throws Exception {
        body.run();
      }

      @Override
      public String describe() {
        return what;
      }
    };
  }
}
