package dev.perfmon.instrumentation.jdbc;

import dev.perfmon.bootstrap.AgentErrors;
import dev.perfmon.bootstrap.Buckets;
import dev.perfmon.bootstrap.OperationRecorder;
import dev.perfmon.config.AgentConfig;
import dev.perfmon.instrumentation.api.AgentBuilders;
import dev.perfmon.instrumentation.api.AgentContext;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/**
 * Installs the JDBC module in this JVM the way the agent does: the bootstrap classes on the boot
 * class path (so that woven JDK classes such as DriverManager can see them), the module
 * started against a real {@link OperationRegistry}, and its transformations installed through
 * {@link AgentBuilders}. One per test JVM (surefire reuseForks=false).
 */
final class InProcessAgent {
  final Instrumentation instrumentation;
  final OperationRegistry registry = new OperationRegistry(2000, name -> {});
  final JdbcInstrumentationModule module = new JdbcInstrumentationModule();
  final List<String> transformed = Collections.synchronizedList(new ArrayList<>());
  final List<String> errors = Collections.synchronizedList(new ArrayList<>());

  private InProcessAgent(Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
  }

  /**
   * Installs the module. The bootstrap classes must already be on the boot class path
   * ({@code -Xbootclasspath/a}, set by the surefire configuration).
   */
  static InProcessAgent install() {
    if (AgentErrors.class.getClassLoader() != null) {
      throw new IllegalStateException("bootstrap classes are not on the boot class path");
    }
    Instrumentation inst = ByteBuddyAgent.install();
    InProcessAgent agent = new InProcessAgent(inst);
    agent.start();
    return agent;
  }

  private void start() {
    module.start(context());
    AgentBuilder.Listener listener =
        new AgentBuilder.Listener.Adapter() {
          @Override
          public void onTransformation(
              TypeDescription type,
              ClassLoader loader,
              JavaModule module,
              boolean loaded,
              DynamicType dynamicType) {
            transformed.add(type.getName());
          }

          @Override
          public void onError(
              String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable t) {
            errors.add(typeName + ": " + t);
          }
        };
    AgentBuilders.add(AgentBuilders.base(listener), module, InProcessAgent.class.getClassLoader())
        .installOn(instrumentation);
  }

  AgentContext context() {
    return AgentContext.of(AgentConfig.defaults(), registry);
  }

  /** Calls recorded so far under {@code name} (0 when the operation does not exist). */
  long count(String name) {
    return read(name)[0];
  }

  /** Error calls recorded so far under {@code name}. */
  long errorCount(String name) {
    return read(name)[1];
  }

  private long[] read(String name) {
    OperationRecorder r = registry.find(name);
    if (r == null) {
      return new long[2];
    }
    long[] counts = new long[Buckets.BUCKETS];
    long[] totals = {0, 0, Long.MAX_VALUE, Long.MIN_VALUE};
    synchronized (r) {
      r.readInto(counts, totals);
    }
    long n = 0;
    for (long c : counts) {
      n += c;
    }
    return new long[] {n, totals[0]};
  }

  Map<String, String> metadata(String name) {
    OperationRecorder r = registry.find(name);
    return r == null ? Map.of() : registry.metadata(r.id());
  }

  List<String> operationNames() {
    List<String> names = new ArrayList<>();
    for (OperationRecorder r : registry.recorders()) {
      names.add(r.name());
    }
    return names;
  }

  long suppressedAdviceErrors() {
    return AgentErrors.suppressedCount();
  }

  Throwable firstAdviceError() {
    return AgentErrors.peek();
  }

}
