package dev.perfmon.agent.weave;

import dev.perfmon.instrumentation.api.StackHeadroom;
import dev.perfmon.instrumentation.api.TooLargeMethods;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;
import org.slf4j.Logger;

/**
 * Listens to the transformations: counts failures (the first logged at WARN, the rest at DEBUG)
 * and classes instrumented after they were loaded, and warns once per method that was left out
 * because the timing code would make it too large. One per agent: the counts and the warned
 * methods outlive reconfigurations.
 */
public final class TransformListener extends AgentBuilder.Listener.Adapter implements TooLargeMethods.Reporter {
  /** At most this many methods are remembered as warned about; later ones are logged at DEBUG. */
  private static final int MAX_WARNED = 1_000;

  private final Logger log;
  private final AtomicLong errors = new AtomicLong();
  private final AtomicInteger retransformed = new AtomicInteger();
  private final Set<String> tooLargeWarned = ConcurrentHashMap.newKeySet();

  public TransformListener(Logger log) {
    this.log = log;
  }

  /** Transformations that failed, since start-up. */
  public long errors() {
    return errors.get();
  }

  /** Classes instrumented after they were loaded, since {@link #resetRetransformed()}. */
  public int retransformed() {
    return retransformed.get();
  }

  /** Starts counting retransformed classes again (a new configuration is installed). */
  public void resetRetransformed() {
    retransformed.set(0);
  }

  @Override
  public void skipped(TooLargeMethods.Skipped method, ClassLoader loader, boolean loaded) {
    String label = method.label();
    if (tooLargeWarned.size() < MAX_WARNED && tooLargeWarned.add(label)) {
      log.warn(
          "method {} is too large to instrument: with the timing code it would have {} bytes of bytecode,"
              + " over the JVM's limit of {}; it runs untimed, the other methods of its class are instrumented",
          label,
          method.wovenCodeBytes(),
          TooLargeMethods.MAX_CODE_BYTES);
    } else {
      log.debug("method {} is {} ({} bytes)", label, TooLargeMethods.REASON, method.wovenCodeBytes());
    }
  }

  @Override
  public void onError(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded, Throwable throwable) {
    if (throwable instanceof StackOverflowError) {
      // Ran out of stack after all (deep in Byte Buddy): no logging on this thread, whose stack
      // is gone; the class is transformed again on the snapshot thread.
      StackHeadroom.defer(classLoader, typeName);
      return;
    }
    if (errors.getAndIncrement() == 0) {
      log.warn("could not instrument {}: {} (further failures are logged at debug level)", typeName, throwable.toString());
    } else {
      log.debug("could not instrument {}: {}", typeName, throwable.toString());
    }
  }

  @Override
  public void onTransformation(
      TypeDescription typeDescription, ClassLoader classLoader, JavaModule module, boolean loaded, DynamicType dynamicType) {
    if (loaded) {
      retransformed.incrementAndGet();
    }
    log.debug("instrumented {}", typeDescription.getName());
  }
}
