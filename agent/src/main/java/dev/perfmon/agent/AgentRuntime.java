package dev.perfmon.agent;

import dev.perfmon.agent.monitor.Monitor;
import dev.perfmon.agent.monitor.SnapshotJson;
import dev.perfmon.agent.output.FileOutput;
import dev.perfmon.agent.output.LogOutput;
import dev.perfmon.agent.output.Output;
import dev.perfmon.agent.weave.Coverage;
import dev.perfmon.agent.weave.MethodInstrumentation;
import dev.perfmon.config.AgentConfig;
import dev.perfmon.config.ConfigKey;
import dev.perfmon.config.ConfigLoader;
import dev.perfmon.config.Durations;
import dev.perfmon.config.Keys;
import dev.perfmon.config.MethodPattern;
import dev.perfmon.instrumentation.api.AgentBuilders;
import dev.perfmon.instrumentation.api.AgentContext;
import dev.perfmon.instrumentation.api.InstrumentationModule;
import dev.perfmon.instrumentation.api.OperationRegistry;
import dev.perfmon.instrumentation.api.Operations;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;

/**
 * The running agent: configuration, operation registry, instrumentation modules, the installed
 * transformer and the monitor. One per JVM.
 */
public final class AgentRuntime {
  private static AgentRuntime current;

  private final AgentConfig config;
  private final Logger log;
  private final OperationRegistry registry;
  private final List<InstrumentationModule> modules = new ArrayList<>();
  private final Monitor monitor;
  private final Coverage coverage;
  private final AtomicLong transformErrors = new AtomicLong();
  private ResettableClassFileTransformer transformer;

  private AgentRuntime(AgentConfig config, Logger log, Monitor monitor, OperationRegistry registry, Coverage coverage) {
    this.config = config;
    this.log = log;
    this.monitor = monitor;
    this.registry = registry;
    this.coverage = coverage;
  }

  /** The running agent, or null. */
  public static synchronized AgentRuntime current() {
    return current;
  }

  static synchronized void startOrReconfigure(String args, Instrumentation inst, boolean attached) {
    long t0 = System.nanoTime();
    AgentConfig config = ConfigLoader.loadFromSystem(args);
    AgentLog.init(config.get(Keys.LOG_LEVEL));
    Logger log = AgentLog.get();
    for (String problem : config.problems()) {
      log.warn(problem);
    }
    if (current != null) {
      log.warn("perfmon is already running in this JVM; the new configuration is ignored (reconfiguration comes with the attach command)");
      return;
    }
    if (!config.get(Keys.ENABLED)) {
      log.info("perfmon is disabled (enabled=false): nothing is instrumented");
      return;
    }
    // The loader has already reported malformed patterns (config.problems()); these are the valid ones.
    List<MethodPattern> patterns = config.methodPatterns();
    List<String> coverageKeys = new ArrayList<>();
    for (MethodPattern p : patterns) {
      coverageKeys.add(p.text());
    }
    for (String a : config.get(Keys.ANNOTATIONS)) {
      coverageKeys.add("@" + a);
    }
    int maxOps = config.get(Keys.MAX_OPERATIONS);
    OperationRegistry registry =
        new OperationRegistry(
            maxOps,
            name ->
                log.warn(
                    "more than {} operations (max-operations): further operations, such as '{}', are counted under '{}'",
                    maxOps,
                    safeName(name),
                    Operations.OVERFLOW));
    Coverage coverage = new Coverage(coverageKeys, config.get(Keys.COVERAGE_MAX_LISTED));

    List<InstrumentationModule> enabled = new ArrayList<>();
    List<Monitor.CounterSource> counters = new ArrayList<>();
    for (InstrumentationModule m : ServiceLoader.load(InstrumentationModule.class, AgentRuntime.class.getClassLoader())) {
      if (moduleEnabled(config, m.name())) {
        enabled.add(m);
        counters.add(m::readCounters);
      }
    }
    Monitor monitor =
        new Monitor(registry, outputs(config, log), config.get(Keys.INTERVAL), counters, true, attached, log);
    AgentRuntime rt = new AgentRuntime(config, log, monitor, registry, coverage);
    rt.install(inst, enabled, patterns);
    current = rt;
    monitor.start();
    rt.scheduleCoverage();
    Thread hook = new Thread(monitor::close, "perfmon-shutdown");
    hook.setDaemon(true);
    Runtime.getRuntime().addShutdownHook(hook);
    log.info(
        "perfmon {} started in {} ms: {} method pattern(s), modules {}, snapshots every {} to {}",
        version(),
        (System.nanoTime() - t0) / 1_000_000,
        patterns.size(),
        rt.moduleNames(),
        Durations.format(config.get(Keys.INTERVAL)),
        rt.describeOutputs());
  }

  private void install(Instrumentation inst, List<InstrumentationModule> enabled, List<MethodPattern> patterns) {
    AgentContext context =
        new AgentContext() {
          @Override
          public AgentConfig config() {
            return config;
          }

          @Override
          public Operations operations() {
            return registry;
          }
        };
    AgentBuilder builder = AgentBuilders.base(new ErrorListener());
    ClassLoader adviceLoader = AgentRuntime.class.getClassLoader();
    for (InstrumentationModule m : enabled) {
      try {
        m.start(context);
        builder = AgentBuilders.add(builder, m, adviceLoader);
        modules.add(m);
      } catch (Throwable t) {
        log.warn("instrumentation module '{}' could not start and is left out: {}", m.name(), t.toString());
      }
    }
    MethodInstrumentation methods =
        new MethodInstrumentation(patterns, config.get(Keys.ANNOTATIONS), registry, coverage);
    builder = methods.install(builder);
    transformer = builder.installOn(inst);
  }

  private static boolean moduleEnabled(AgentConfig config, String name) {
    ConfigKey<?> key = Keys.byName("instrument." + name);
    return key == null || Boolean.TRUE.equals(config.get(key));
  }

  private static List<Output> outputs(AgentConfig config, Logger log) {
    List<Output> out = new ArrayList<>();
    for (String o : config.get(Keys.OUTPUT)) {
      if (o.equals("file")) {
        out.add(new FileOutput(Path.of(config.get(Keys.OUTPUT_FILE)), log));
      } else if (o.equals("log")) {
        out.add(new LogOutput(log));
      }
    }
    return out;
  }

  /** Writes coverage after start-up and whenever more classes were woven; warns about unmatched patterns once. */
  private void scheduleCoverage() {
    Duration first = min(config.get(Keys.INTERVAL), Duration.ofSeconds(5));
    monitor.schedule(this::writeCoverageIfChanged, first);
    monitor.addTickListener((m, s) -> writeCoverageIfChanged());
    monitor.schedule(
        () -> {
          for (String p : coverage.unmatched()) {
            log.warn(
                "pattern '{}' has matched no method {} after start-up: check the class and method names",
                p,
                Durations.format(config.get(Keys.PATTERN_WARN_AFTER)));
          }
        },
        config.get(Keys.PATTERN_WARN_AFTER));
  }

  private void writeCoverageIfChanged() {
    if (!coverage.takeChanged()) {
      return;
    }
    List<Coverage.Entry> entries = coverage.entries();
    monitor.writeLine(
        SnapshotJson.line(
            g -> {
              g.writeStringField("type", "instrumentation");
              g.writeStringField("timestamp", Instant.now().toString());
              g.writeArrayFieldStart("patterns");
              for (Coverage.Entry e : entries) {
                g.writeStartObject();
                g.writeStringField("pattern", e.pattern());
                g.writeNumberField("classes", e.classes());
                g.writeNumberField("methods", e.methods());
                g.writeArrayFieldStart("matched");
                for (String m : e.listed()) {
                  g.writeString(m);
                }
                g.writeEndArray();
                g.writeEndObject();
              }
              g.writeEndArray();
            }));
    for (Coverage.Entry e : entries) {
      log.info("pattern '{}' matched {} method(s) in {} class(es) so far", e.pattern(), e.methods(), e.classes());
    }
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
    return transformErrors.get();
  }

  /** Counts transformation failures; logs the first at WARN and the rest at DEBUG. */
  private final class ErrorListener extends AgentBuilder.Listener.Adapter {
    @Override
    public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
      if (transformErrors.getAndIncrement() == 0) {
        log.warn("could not instrument {}: {} (further failures are logged at debug level)", typeName, throwable.toString());
      } else {
        log.debug("could not instrument {}: {}", typeName, throwable.toString());
      }
    }

    @Override
    public void onTransformation(TypeDescription typeDescription, ClassLoader classLoader, JavaModule module, boolean loaded, DynamicType dynamicType) {
      log.debug("instrumented {}", typeDescription.getName());
    }
  }
}
