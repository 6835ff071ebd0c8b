package dev.perfmon.agent;

import dev.perfmon.agent.events.Reactions;
import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.agent.output.Outputs;
import dev.perfmon.agent.output.Output;
import dev.perfmon.agent.weave.Coverage;
import dev.perfmon.agent.weave.CoverageReport;
import dev.perfmon.agent.weave.DeferredClasses;
import dev.perfmon.agent.weave.TransformListener;
import dev.perfmon.agent.weave.MethodInstrumentation;
import dev.perfmon.agent.weave.WeaveWarmUp;
import dev.perfmon.bootstrap.BootstrapClasses;
import dev.perfmon.bootstrap.Recorders;
import dev.perfmon.config.AgentConfig;
import dev.perfmon.config.ConfigKey;
import dev.perfmon.config.ConfigLoader;
import dev.perfmon.config.Durations;
import dev.perfmon.config.Keys;
import dev.perfmon.config.MethodPattern;
import dev.perfmon.instrumentation.api.StackHeadroom;
import dev.perfmon.instrumentation.api.SuperTypeMask;
import dev.perfmon.instrumentation.api.TransformerCost;
import dev.perfmon.instrumentation.api.AgentBuilders;
import dev.perfmon.instrumentation.api.AgentContext;
import dev.perfmon.instrumentation.api.DeferredTransformer;
import dev.perfmon.instrumentation.api.InstrumentationModule;
import dev.perfmon.instrumentation.api.OperationRegistry;
import dev.perfmon.instrumentation.api.Operations;
import dev.perfmon.instrumentation.api.TooLargeMethods;
import java.lang.instrument.Instrumentation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import org.slf4j.Logger;

/**
 * The running agent: one per JVM. It owns the configuration, the operation registry, the
 * instrumentation modules, the installed transformer and the monitor.
 *
 * <p>Life cycle: {@link #startOrReconfigure} starts it ({@code premain}, or {@code agentmain} on a
 * JVM without it); a further attach, or an attach to a JVM started with {@code -javaagent}, applies
 * the new configuration to the running agent; the {@code detach} command removes it. The operation
 * registry, and so every operation's counts, outlive reconfigurations; {@code max-operations}
 * therefore keeps the value of the first start.
 */
public final class AgentRuntime {
  /**
   * How long after {@code premain} the agent writes its start-up line and status file: work that
   * need not compete with the application's own start-up.
   */
  static final Duration START_UP_GRACE = Duration.ofSeconds(1);

  /**
   * After this many of the application's classes have reached the class-file pre-test, Byte
   * Buddy's transformer is built in the background instead of at the first class that needs it
   * (DeferredTransformer): a hello-world loads a few, a framework application this many early
   * in its start, seconds before its first servlet or JDBC class.
   */
  static final int PREBUILD_AFTER = 1_000;

  /** The agent argument that makes an attach remove the agent instead of (re)configuring it. */
  static final String DETACH = "detach";

  /**
   * The first agent argument of an attach that starts from the defaults and the other sources
   * instead of from the configuration in effect ({@code attach --reset}). With its dashes, it
   * cannot be taken for the configuration key {@code reset}.
   */
  static final String RESET = "--reset";

  private static AgentRuntime current;

  private final Instrumentation inst;
  private final Logger log;
  private final OperationRegistry registry;
  private final StatusFile status = new StatusFile();
  private final Instant startedAt = Instant.now();
  private final boolean attached;
  /** Transformation failures, retransformed classes, methods too large: across reconfigurations. */
  private final TransformListener transforms;
  /** Classes loaded too deep in a stack to be transformed there, transformed on the snapshot thread. */
  private final DeferredClasses deferred;
  private final Thread shutdownHook;
  /** The application API's binding (perfmon-api); outlives reconfigurations like the registry. */
  private final dev.perfmon.agent.api.ApiBinding api;
  /** Logs the start-up line once; see startOrReconfigure. */
  private volatile Runnable startLine = NOTHING;
  /**
   * Warns once about the method patterns that matched nothing, with the moment as text: at {@code
   * pattern.warn-after}, or at shutdown when the JVM ends sooner. Replaced with each configuration.
   */
  private volatile java.util.function.Consumer<String> unmatchedWarning = IGNORED;

  // Anonymous classes instead of lambdas and method references in what premain, the snapshots and
  // the exit run (the agent's code says "see AgentRuntime" for this note): the reason, Java 24+'s
  // lambda spinning, is in the package-info of dev.perfmon.instrumentation.api.
  private static final Runnable NOTHING =
      new Runnable() {
        @Override
        public void run() {}
      };

  private static final java.util.function.Consumer<String> IGNORED =
      new java.util.function.Consumer<>() {
        @Override
        public void accept(String when) {}
      };

  /** This runtime's monitor, for the API binding and the live views. */
  private final Supplier<Monitor> currentMonitor =
      new Supplier<>() {
        @Override
        public Monitor get() {
          return monitor;
        }
      };

  // Replaced as a whole on each reconfiguration, always under the class lock (start-up, attach and
  // detach are serialised by startOrReconfigure). Volatile because the snapshot thread reads them
  // for the status file: it must never take that lock, or a detach waiting for the snapshot
  // thread's final snapshot would deadlock with it.
  private volatile AgentConfig config;
  private volatile Monitor monitor;
  private volatile Reactions reactions;
  private volatile Coverage coverage;
  private volatile List<InstrumentationModule> modules = new ArrayList<>();
  private volatile ResettableClassFileTransformer transformer;
  private volatile int generation;
  private volatile String lastChange = "";
  /**
   * The agent argument strings in effect, oldest first: the one of start-up (premain or first
   * attach) and of each re-attach since, which replaced only the keys it named. Under the class lock.
   */
  private List<String> arguments = List.of();
  private volatile long lastChangeMillis;
  /** The HTTP endpoint and the MXBeans (created lazily); outlive reconfigurations. */
  private final dev.perfmon.agent.http.LiveViews live;
  /** Start-up phase timer (debug log); a throwaway one after start-up. */
  private Stopwatch phases = new Stopwatch();

  private AgentRuntime(Instrumentation inst, AgentConfig config, Logger log, OperationRegistry registry, boolean attached) {
    this.inst = inst;
    this.config = config;
    this.log = log;
    this.registry = registry;
    this.attached = attached;
    this.shutdownHook =
        new Thread(
            new Runnable() {
              @Override
              public void run() {
                shutdown();
              }
            },
            "perfmon-shutdown");
    this.transforms = new TransformListener(log);
    this.deferred = new DeferredClasses(inst, log);
    this.api = new dev.perfmon.agent.api.ApiBinding(registry, currentMonitor, log);
    this.live = new dev.perfmon.agent.http.LiveViews(currentMonitor, registry.cap(), log);
  }

  /** The running agent, or null. */
  public static synchronized AgentRuntime current() {
    return current;
  }

  /**
   * Starts, reconfigures or detaches the agent, as {@code args} say. Called by {@link PerfmonAgent}
   * through {@link AgentEntry} (it lives in the application's class loader, this class in the
   * agent's).
   *
   * @return whether the agent runs after this call
   */
  static synchronized boolean startOrReconfigure(String args, Instrumentation inst, boolean attach) {
    if (args != null && args.trim().equals(DETACH)) {
      if (current != null) {
        current.detach();
      }
      return current != null;
    }
    long t0 = System.nanoTime();
    Stopwatch phases = new Stopwatch();
    boolean reset = false;
    String given = args == null ? "" : args.trim();
    if (given.equals(RESET) || given.startsWith(RESET + ",")) {
      reset = true;
      given = given.substring(RESET.length()).replaceFirst("^,", "");
    }
    // A re-attach changes only the keys it names: the earlier arguments apply first.
    List<String> earlier = current == null || reset ? List.of() : current.arguments;
    AgentConfig config = ConfigLoader.loadFromSystem(earlier, given);
    phases.lap("config");
    AgentLog.init(config.get(Keys.LOG_LEVEL));
    Logger log = AgentLog.get();
    phases.lap("logging");
    for (String problem : config.problems()) {
      log.warn(problem);
    }
    if (current != null) {
      List<String> now = new ArrayList<>(earlier);
      now.add(given);
      current.arguments = List.copyOf(now);
      current.reconfigure(config, t0);
      return current != null;
    }
    if (!config.get(Keys.ENABLED)) {
      log.info("perfmon is disabled (enabled=false): nothing is instrumented");
      return current != null;
    }
    start(inst, config, log, given, attach, t0, phases);
    return true;
  }

  /** Starts the agent in a JVM where it does not run yet (premain, or a first attach). */
  private static void start(
      Instrumentation inst, AgentConfig config, Logger log, String given, boolean attach, long t0, Stopwatch phases) {
    // Before any class is woven: no bootstrap class may meet its first use (and a static
    // initialiser that could fail for good) at the bottom of an application thread's stack.
    BootstrapClasses.initialise();
    StackHeadroom.ample(); // initialised here, not at the first transformation (see there)
    TransformerCost.init();
    phases.lap("bootstrap");
    log.debug("bootstrap classes: {}", BootstrapInjector.how());
    int maxOps = config.get(Keys.MAX_OPERATIONS);
    OperationRegistry registry =
        new OperationRegistry(
            maxOps,
            new java.util.function.Consumer<String>() {
              @Override
              public void accept(String name) {
                log.warn(
                    "more than {} operations (max-operations): further operations, such as '{}', are counted under '{}'",
                    maxOps,
                    safeName(name),
                    Operations.OVERFLOW);
              }
            });
    AgentRuntime rt = new AgentRuntime(inst, config, log, registry, attach);
    rt.phases = phases;
    rt.arguments = List.of(given);
    rt.apply(config, attach, null);
    // After the monitor and the reactions: the API's first calls get thresholds and figures.
    rt.api.start();
    if (attach) {
      rt.api.bindLoaded(inst); // copies of perfmon-api loaded before the attach
    }
    log.debug("start-up phases: {}", phases);
    current = rt;
    Runtime.getRuntime().addShutdownHook(rt.shutdownHook);
    // In premain, the agent's own first work (SLF4J and Jackson initialisation for the start-up
    // line and the status file) waits a moment so that it does not compete with the application's
    // start-up for the CPU; after an attach the CLI is waiting for the status file.
    Duration firstWork = attach ? Duration.ZERO : START_UP_GRACE;
    rt.changed(attach ? "attached" : "started", t0, firstWork);
    rt.startLine = rt.startLine(attach);
    rt.monitor.schedule(rt.startLine, firstWork);
  }

  /**
   * The start-up line, logged once: from the snapshot thread (the first line initialises SLF4J,
   * which premain need not wait for), or by the shutdown hook when the JVM ends before that thread
   * got to it.
   */
  private Runnable startLine(boolean attach) {
    Object[] line = {
      version(),
      attach ? "attached" : "started",
      lastChangeMillis,
      attach ? " (" + transforms.retransformed() + " loaded classes instrumented)" : "",
      config.methodPatterns().size(),
      moduleNames(),
      Durations.format(config.get(Keys.INTERVAL)),
      describeOutputs()
    };
    AtomicBoolean done = new AtomicBoolean();
    return new Runnable() {
      @Override
      public void run() {
        if (done.compareAndSet(false, true)) {
          log.info("perfmon {} {} in {} ms{}: {} method pattern(s), modules {}, snapshots every {} to {}", line);
        }
      }
    };
  }

  /** Installs transformations and starts the monitor for {@code cfg}. */
  private void apply(AgentConfig cfg, boolean partialFirst, Monitor previous) {
    this.config = cfg;
    api.configure(cfg.prefixed(Keys.SAMPLES));
    List<MethodPattern> patterns = cfg.methodPatterns();
    List<String> coverageKeys = new ArrayList<>();
    for (MethodPattern p : patterns) {
      coverageKeys.add(p.text());
    }
    for (String a : cfg.get(Keys.ANNOTATIONS)) {
      coverageKeys.add("@" + a);
    }
    coverage = new Coverage(coverageKeys, cfg.get(Keys.COVERAGE_MAX_LISTED));

    List<InstrumentationModule> enabled = new ArrayList<>();
    List<Monitor.CounterSource> counters = new ArrayList<>();
    for (InstrumentationModule m : ServiceLoader.load(InstrumentationModule.class, AgentRuntime.class.getClassLoader())) {
      if (moduleEnabled(cfg, m.name())) {
        enabled.add(m);
        counters.add(
            new Monitor.CounterSource() {
              @Override
              public void read(int operationId, java.util.function.ObjLongConsumer<String> sink) {
                m.readCounters(operationId, sink);
              }
            });
      }
    }
    phases.lap("modules");
    monitor = new Monitor(registry, Outputs.of(cfg, log), cfg.get(Keys.INTERVAL), counters, true, partialFirst, log);
    if (previous != null) {
      monitor.continueFrom(previous);
    }
    monitor.setHistograms(cfg.get(Keys.OUTPUT_HISTOGRAMS));
    // Not after the final snapshot: the status file is then deleted (shutdown, detach) or
    // rewritten for the new configuration.
    monitor.addTickListener(
        new Monitor.TickListener() {
          @Override
          public void onTick(Monitor m, dev.perfmon.agent.monitor.Snapshot s) {
            if (!m.isClosing()) {
              writeStatus();
            }
          }
        });
    // Classes that were loaded too close to the end of an application thread's stack to be
    // transformed there (StackHeadroom) are transformed here, on the snapshot thread.
    monitor.addTickListener(
        new Monitor.TickListener() {
          @Override
          public void onTick(Monitor m, dev.perfmon.agent.monitor.Snapshot s) {
            deferred.retransform();
            reportSuppressed();
          }
        });
    // Before the transformations, so that every operation registered from now on gets its
    // slow-call thresholds before woven code can reach its recorder.
    reactions = Reactions.start(cfg, registry, monitor, log);
    phases.lap("monitor");
    // At start-up (premain) Byte Buddy's transformer is built when the first class may need it.
    install(enabled, patterns, previous == null && !partialFirst);
    // The endpoint starts on the snapshot thread, after the start-up grace in premain (before the
    // status file is written, which then names the port); the MXBeans at the first snapshot.
    live.apply(cfg, monitor, previous == null && !partialFirst ? START_UP_GRACE : Duration.ZERO);
    monitor.start();
    unmatchedWarning =
        new CoverageReport(
                monitor,
                coverage,
                log,
                new Supplier<List<String>>() {
                  @Override
                  public List<String> get() {
                    return loadedClassNames();
                  }
                })
            .schedule(min(cfg.get(Keys.INTERVAL), Duration.ofSeconds(5)), cfg.get(Keys.PATTERN_WARN_AFTER));
    phases.lap("start");
  }

  private void install(List<InstrumentationModule> enabled, List<MethodPattern> patterns, boolean deferred) {
    AgentContext context = AgentContext.of(config, registry, log);
    modules = new ArrayList<>();
    List<AgentBuilder.RawMatcher> matchers = new ArrayList<>();
    for (InstrumentationModule m : enabled) {
      try {
        m.start(context);
        if (deferred) {
          matchers.addAll(AgentBuilders.matchersOf(m)); // for the pre-test before Byte Buddy is built
        }
        modules.add(m);
      } catch (Throwable t) {
        log.warn("instrumentation module '{}' could not start and is left out: {}", m.name(), t.toString());
      }
    }
    dev.perfmon.agent.events.GlobTable<Double> samples =
        new dev.perfmon.agent.events.GlobTable<>(config.prefixed(Keys.SAMPLES));
    MethodInstrumentation methods =
        new MethodInstrumentation(
            patterns,
            config.get(Keys.ANNOTATIONS),
            registry,
            coverage,
            new java.util.function.ToDoubleFunction<String>() {
              @Override
              public double applyAsDouble(String name) {
                return samples.resolve(name, 1.0);
              }
            });
    transforms.resetRetransformed();
    List<InstrumentationModule> woven = List.copyOf(modules);
    AgentBuilders.Prefilter prefilter = null;
    if (deferred) {
      matchers.addAll(methods.rawMatchers());
      prefilter = AgentBuilders.prefilter(matchers);
    }
    phases.lap("modules started");
    if (prefilter != null) {
      // Byte Buddy's builder and transformer are made when the first class passes the pre-test,
      // or in the background once the application has loaded PREBUILD_AFTER classes
      // (DeferredTransformer): a small application that never loads such a class never loads them.
      DeferredTransformer deferredTransformer =
          new DeferredTransformer(
              prefilter,
              new Supplier<ResettableClassFileTransformer>() {
                @Override
                public ResettableClassFileTransformer get() {
                  long t0 = System.nanoTime();
                  long cpu0 = threadCpu();
                  TooLargeMethods.Wiring wiring = TooLargeMethods.wiring(transforms);
                  ResettableClassFileTransformer built =
                      AgentBuilders.unregistered(builder(AgentBuilders.base(transforms, wiring), woven, methods), wiring);
                  debugTimed("class transformer built", t0, cpu0);
                  return built;
                }
              },
              new java.util.function.Consumer<Throwable>() {
                @Override
                public void accept(Throwable failed) {
                  log.warn("perfmon could not build its class transformer; nothing is instrumented: {}", failed.toString());
                }
              },
              PREBUILD_AFTER,
              new Runnable() {
                @Override
                public void run() {
                  long t0 = System.nanoTime();
                  long cpu0 = threadCpu();
                  WeaveWarmUp.run();
                  debugTimed("weaving warmed up", t0, cpu0);
                }
              });
      inst.addTransformer(deferredTransformer, true);
      transformer = deferredTransformer;
      phases.lap("installOn");
      return;
    }
    AgentBuilder builder = builder(AgentBuilders.base(transforms, transforms), woven, methods);
    phases.lap("builder");
    transformer = builder.installOn(inst);
    phases.lap("installOn");
  }

  /** Logs at debug level "{@code what} in N ms (M ms of CPU)" since {@code t0} and {@code cpu0}. */
  private void debugTimed(String what, long t0, long cpu0) {
    log.debug("{} in {} ms ({} ms of CPU)", what, (System.nanoTime() - t0) / 1_000_000, (threadCpu() - cpu0) / 1_000_000);
  }

  /** The current thread's CPU time in ns when debug logging is on (for its lines), else 0. */
  private long threadCpu() {
    if (!log.isDebugEnabled()) {
      return 0;
    }
    try {
      java.lang.management.ThreadMXBean t = java.lang.management.ManagementFactory.getThreadMXBean();
      return t.isCurrentThreadCpuTimeSupported() ? t.getCurrentThreadCpuTime() : 0;
    } catch (Throwable e) {
      return 0;
    }
  }

  /** {@code base} with the transformations of {@code woven} and {@code methods}. */
  private AgentBuilder builder(AgentBuilder base, List<InstrumentationModule> woven, MethodInstrumentation methods) {
    AgentBuilder builder = base;
    ClassLoader adviceLoader = AgentRuntime.class.getClassLoader();
    for (InstrumentationModule m : woven) {
      try {
        builder = AgentBuilders.add(builder, m, adviceLoader);
      } catch (Throwable t) {
        log.warn("instrumentation module '{}' could not be woven and is left out: {}", m.name(), t.toString());
      }
    }
    return methods.install(builder);
  }

  /**
   * Applies a new configuration to the running agent: the current outputs get a last snapshot and
   * are closed, every class the agent changed is restored to its original code, and the new
   * configuration is installed (methods no longer listed therefore run their original code).
   */
  private void reconfigure(AgentConfig newConfig, long t0) {
    if (!newConfig.get(Keys.ENABLED)) {
      log.info("perfmon: new configuration has enabled=false; detaching");
      detach();
      return;
    }
    if (!newConfig.get(Keys.MAX_OPERATIONS).equals(registry.cap())) {
      log.warn("max-operations cannot change while the agent runs; it stays {}", registry.cap());
    }
    Monitor previous = monitor;
    uninstall();
    apply(newConfig, false, previous);
    changed("reconfigured", t0, Duration.ZERO);
    log.info(
        "perfmon reconfigured in {} ms: {} method pattern(s), modules {}, snapshots every {} to {}",
        lastChangeMillis,
        newConfig.methodPatterns().size(),
        moduleNames(),
        Durations.format(newConfig.get(Keys.INTERVAL)),
        describeOutputs());
  }

  /** The names of the classes loaded now (for the unmatched-pattern hint; off the hot path). */
  private List<String> loadedClassNames() {
    Class<?>[] loaded = inst.getAllLoadedClasses();
    List<String> names = new ArrayList<>(loaded.length);
    for (Class<?> k : loaded) {
      names.add(k.getName());
    }
    return names;
  }

  /** Final snapshot, outputs closed, transformations removed, modules stopped. */
  private void uninstall() {
    unmatchedWarning = IGNORED;
    // The monitor first, so the final snapshot still carries the slow calls and budget violations.
    monitor.close();
    reactions.close();
    if (transformer != null) {
      try {
        transformer.reset(
            inst,
            AgentBuilder.RedefinitionStrategy.RETRANSFORMATION,
            AgentBuilders.loadedClassDiscovery(),
            AgentBuilders.retransformBatches(),
            AgentBuilders.retransformListener());
      } catch (Throwable t) {
        log.warn("could not restore every instrumented class: {}", t.toString());
      }
      transformer = null;
    }
    for (InstrumentationModule m : modules) {
      try {
        m.stop();
      } catch (Throwable t) {
        log.debug("module {} did not stop cleanly: {}", m.name(), t.toString());
      }
    }
    modules = new ArrayList<>();
  }

  /**
   * Removes the agent: a final snapshot, original code back in every class, threads stopped, files
   * closed, recorders dropped. Only the few bootstrap classes stay loaded, inert.
   */
  void detach() {
    long t0 = System.nanoTime();
    api.close(inst); // perfmon-api back to pass-through in every copy, before the recorders go
    live.close();
    uninstall();
    Recorders.clear();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // the JVM is exiting anyway
    }
    status.delete();
    synchronized (AgentRuntime.class) {
      if (current == this) {
        current = null;
      }
    }
    log.info("perfmon detached in {} ms: classes restored, threads stopped, outputs closed", (System.nanoTime() - t0) / 1_000_000);
  }

  private void shutdown() {
    startLine.run();
    if (TransformerCost.cpuRequested()) {
      // For start-up measurements only (benchmarks/startup-large.sh): not a user-facing output.
      log.info(
          "perfmon transformer: {} classes, {} ms elapsed, {} ms CPU, {} KB allocated, {} super-type class files read ({} not beside their subclass)",
          TransformerCost.classes(),
          TransformerCost.nanos() / 1_000_000,
          TransformerCost.cpuNanos() / 1_000_000,
          TransformerCost.allocatedBytes() / 1024,
          SuperTypeMask.sharedClassFilesRead(),
          SuperTypeMask.classFilesNotBesideSubclass());
    }
    try {
      unmatchedWarning.accept("before the JVM exited (pattern.warn-after=" + Durations.format(config.get(Keys.PATTERN_WARN_AFTER)) + " had not passed)");
    } catch (Throwable t) {
      // a warning must not hold up the JVM's exit
    }
    monitor.close();
    reactions.close();
    status.delete();
  }

  // Only called under the class lock (startOrReconfigure); volatile for the snapshot thread.
  @SuppressWarnings("NonAtomicVolatileUpdate")
  private void changed(String what, long t0, Duration statusAfter) {
    generation++;
    lastChange = what;
    lastChangeMillis = (System.nanoTime() - t0) / 1_000_000;
    // On the snapshot thread: the first JSON written in a JVM initialises jackson-core, which is
    // worth tens of milliseconds of start-up; the CLI polls for the new generation anyway.
    monitor.schedule(
        new Runnable() {
          @Override
          public void run() {
            writeStatus();
          }
        },
        statusAfter);
  }

  private void writeStatus() {
    Map<String, String> cfg = config.entries();
    List<String> outs = new ArrayList<>();
    for (Output o : monitor.outputs()) {
      outs.add(o.describe());
    }
    status.write(
        new StatusFile.State(
            version(),
            startedAt,
            attached,
            generation,
            lastChange,
            lastChangeMillis,
            transforms.retransformed(),
            transforms.errors(),
            config.problems(),
            cfg,
            outs,
            registry.recorders().size(),
            live.httpUrl()));
  }

  private static boolean moduleEnabled(AgentConfig config, String name) {
    ConfigKey<?> key = Keys.byName("instrument." + name);
    return key == null || Boolean.TRUE.equals(config.get(key));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private List<String> moduleNames() {
    List<String> names = new ArrayList<>();
    for (InstrumentationModule m : modules) {
      names.add(m.name());
    }
    return names;
  }

  private String describeOutputs() {
    List<String> d = new ArrayList<>();
    for (Output o : monitor.outputs()) {
      d.add(o.describe());
    }
    return d.isEmpty() ? "no output" : String.join(", ", d);
  }

  /** Operation names can come from requests; keep log lines short and single-line. */
  private static String safeName(String name) {
    String s = name.length() > 120 ? name.substring(0, 120) + "..." : name;
    return s.replace('\n', ' ').replace('\r', ' ');
  }

  static String version() {
    String v = AgentRuntime.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  public Monitor monitor() {
    return monitor;
  }

  public OperationRegistry registry() {
    return registry;
  }

  public long transformErrors() {
    return transforms.errors();
  }

  private SuppressedErrors suppressed;

  /**
   * Logs the failures that advice suppressed (the application never sees those), per module: see
   * {@link SuppressedErrors}. On the snapshot thread.
   */
  private void reportSuppressed() {
    if (suppressed == null) {
      suppressed =
          new SuppressedErrors(
              log,
              new java.util.function.LongSupplier() {
                @Override
                public long getAsLong() {
                  return System.currentTimeMillis();
                }
              });
    }
    suppressed.report();
  }

}
