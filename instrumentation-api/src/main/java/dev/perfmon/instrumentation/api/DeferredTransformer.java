package dev.perfmon.instrumentation.api;

import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.utility.JavaModule;

/**
 * The agent's class-file transformer from {@code premain} on: it runs the class-file pre-test
 * ({@link AgentBuilders.Prefilter}) on every class loaded, builds Byte Buddy's transformer when a
 * class first passes it (or earlier, see below), and hands it each class that passes, and every
 * retransformation. The 95 % of a framework application's classes that fail the pre-test never
 * reach Byte Buddy's transformer, so one short path of the agent's code runs for them before and
 * after the build, and is the one the JIT compiles (Byte Buddy's transformer runs the pre-test
 * again for the classes passed on: the same compiled code, for a few hundred classes).
 *
 * <p>Building Byte Buddy's agent builder and transformer loads some 400 of its classes and
 * allocates about 5 MB: about 170 ms and 15 MB of peak RSS of a hello-world's start (Java 17,
 * measured with the builder left out). An application that never loads a servlet, a JDBC type or a
 * listed method's class, and has not loaded a thousand classes of its own, never pays it; one that
 * does pays it once, when the first such class is loaded or in the background (below).
 *
 * <p>No class is missed: until the build, every class that a transformation could match passes the
 * pre-test and starts the build, and a class that failed it cannot be matched, so there is nothing
 * to retransform when Byte Buddy's transformer takes over (it is not registered with the JVM: this
 * transformer stays the registered one and delegates to it, so that no class is seen by both or by
 * neither while the hand-over happens).
 *
 * <p>A large application does not wait for the build at its first such class: once {@code
 * prebuildAfter} of its classes have reached the pre-test (a thousand in the agent: a hello-world
 * or a small tool loads far fewer, a framework application passes that in its first seconds),
 * the build starts in the background, while the application goes on loading classes, and is
 * usually done before the first class that needs it. Classes loaded meanwhile are pre-tested as
 * before; one that passes waits for the build under way.
 *
 * <p>The build runs on a thread of its own while the loading thread waits: the first pass can come
 * deep in an application thread's stack, where Byte Buddy's static initialisers must not run out of
 * stack (and then fail for good), and under that thread's class-loading locks, which the build
 * never needs (it loads the agent's and the JDK's classes only; the build thread's own class loads
 * are the agent's, which the fast path skips, and any other class it loaded is left alone).
 */
public final class DeferredTransformer extends ResettableClassFileTransformer.AbstractBase {
  private final AgentBuilders.Prefilter prefilter;
  private final Supplier<ResettableClassFileTransformer> build;
  private final Consumer<Throwable> buildFailed;
  private final int prebuildAfter;
  private final Runnable afterBuild;
  private final Object buildLock = new Object();
  /** Whether the build has started (written under {@link #buildLock}). */
  private volatile boolean buildStarted;
  /** Counted down when the build has ended (built or failed), before any warm-up. */
  private final CountDownLatch built = new CountDownLatch(1);
  private volatile ResettableClassFileTransformer delegate;
  /** The build failed, or the transformer was removed before any build: nothing is transformed. */
  private volatile boolean off;

  private volatile Thread builder;
  /** Classes that reached the pre-test before the build (counted without synchronisation: about). */
  private int pretested;

  /**
   * @param prefilter the transformations' class-file pre-test
   * @param build makes Byte Buddy's transformer (not registered with the JVM)
   * @param buildFailed hears of a failed build (the application runs on, nothing instrumented)
   * @param prebuildAfter after this many classes have reached the pre-test, the build starts in
   *     the background without waiting for a class to pass (0: only when one passes)
   * @param afterBuild run on the build thread once Byte Buddy's transformer is in place, when the
   *     build started in the background (a warm-up; what it throws is ignored)
   */
  public DeferredTransformer(
      AgentBuilders.Prefilter prefilter,
      Supplier<ResettableClassFileTransformer> build,
      Consumer<Throwable> buildFailed,
      int prebuildAfter,
      Runnable afterBuild) {
    this.prefilter = prefilter;
    this.build = build;
    this.buildFailed = buildFailed;
    this.prebuildAfter = prebuildAfter;
    this.afterBuild = afterBuild;
  }

  /** Whether Byte Buddy's transformer has been built (diagnostics and tests). */
  public boolean built() {
    return delegate != null;
  }

  @Override
  public byte[] transform(
      ClassLoader loader, String internalName, Class<?> classBeingRedefined, ProtectionDomain domain, byte[] classFile)
      throws IllegalClassFormatException {
    ResettableClassFileTransformer d = classBeingRedefined == null ? null : delegate;
    if (d != null) {
      return d.transform(loader, internalName, classBeingRedefined, domain, classFile);
    }
    d = passOn(loader, internalName, domain, classFile);
    return d == null ? null : d.transform(loader, internalName, classBeingRedefined, domain, classFile);
  }

  @Override
  public byte[] transform(
      Module module,
      ClassLoader loader,
      String internalName,
      Class<?> classBeingRedefined,
      ProtectionDomain domain,
      byte[] classFile)
      throws IllegalClassFormatException {
    ResettableClassFileTransformer d = classBeingRedefined == null ? null : delegate;
    if (d != null) { // a retransformation: Byte Buddy's transformer decides
      return OutOfLine.transform(d, module, loader, internalName, classBeingRedefined, domain, classFile);
    }
    d = passOn(loader, internalName, domain, classFile);
    return d == null ? null : OutOfLine.transform(d, module, loader, internalName, classBeingRedefined, domain, classFile);
  }

  /**
   * Byte Buddy's transformer (built first if need be) when this class passes the pre-test, else
   * null. A class that passes is counted by Byte Buddy's transformer, which times the rest.
   */
  private ResettableClassFileTransformer passOn(
      ClassLoader loader, String internalName, ProtectionDomain domain, byte[] classFile) {
    if (off || (builder != null && Thread.currentThread() == builder)) {
      return null;
    }
    long start = TransformerCost.enter();
    long cpuStart = TransformerCost.cpuStart(start);
    boolean mayMatch = false;
    try {
      mayMatch = mayMatch(loader, internalName, domain, classFile);
    } finally {
      TransformerCost.exit(start, cpuStart, !mayMatch);
    }
    return mayMatch ? delegate() : null;
  }

  /** The test Byte Buddy's transformer starts with (its fast path, the stack, the pre-test). */
  private boolean mayMatch(ClassLoader loader, String internalName, ProtectionDomain domain, byte[] classFile) {
    if (!AgentBuilders.toBeMatchedNow(loader, internalName)) {
      return false;
    }
    if (prebuildAfter > 0 && !buildStarted && ++pretested >= prebuildAfter) {
      synchronized (buildLock) {
        // Not waited for: a failed build reports itself (buildFailed), and the classes that pass
        // the pre-test wait for it in delegate().
        if (!startBuild(true)) {
          return false; // off: nothing is transformed
        }
      }
    }
    Object scope = SuperTypeMask.enter(loader, domain);
    try {
      return OutOfLine.mayMatch(prefilter, AgentBuilders.CIRCULARITY_LOCK, loader, classFile);
    } finally {
      SuperTypeMask.exit(scope);
    }
  }

  /**
   * Starts the build on its own thread unless it has started already or the transformer is off.
   * False when there is no build (off, or no thread could be started: then the transformer is off,
   * and the failure reported). Under {@link #buildLock}.
   */
  private boolean startBuild(boolean background) {
    if (buildStarted || off) {
      return buildStarted;
    }
    Runnable task =
        new Runnable() { // not a lambda: see package-info
          @Override
          public void run() {
            try {
              delegate = build.get();
            } catch (Throwable t) {
              off = true;
              builder = null;
              try {
                buildFailed.accept(t);
              } finally {
                built.countDown();
              }
              return;
            }
            // The classes that wait for the build go on now, not after the warm-up (which loads
            // only the agent's and the JDK's classes: the transformer's fast path skips them).
            built.countDown();
            if (background && afterBuild != null) {
              try {
                afterBuild.run();
              } catch (Throwable ignored) { // a warm-up that fails changes nothing
              }
            }
            builder = null;
          }
        };
    try {
      // Nothing of the loading thread's is passed on: no inheritable thread-locals, and the
      // agent's class loader as context loader instead of the application's.
      Thread t = new Thread(null, task, "perfmon-weaver-start", 0, false);
      t.setDaemon(true);
      t.setContextClassLoader(DeferredTransformer.class.getClassLoader());
      builder = t;
      t.start();
    } catch (Throwable cannotStart) { // no thread to be had (native memory): give up, do not retry
      builder = null;
      off = true;
      buildFailed.accept(cannotStart);
      return false;
    }
    buildStarted = true;
    return true;
  }

  /** Waits until the build has ended (not for a warm-up), keeping an interruption for the caller. */
  private void awaitBuilt() {
    boolean interrupted = false;
    while (true) {
      try {
        built.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true; // the build finishes anyway; the flag is given back below
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Byte Buddy's transformer, built (or waited for) on the first call; null if the build failed. */
  private ResettableClassFileTransformer delegate() {
    ResettableClassFileTransformer d = delegate;
    if (d != null) {
      return d; // built in the background (its warm-up may still run)
    }
    synchronized (buildLock) {
      if (!startBuild(false)) {
        return null; // off
      }
    }
    awaitBuilt();
    return delegate;
  }

  @Override
  public Iterator<AgentBuilder.Transformer> iterator(
      TypeDescription typeDescription,
      ClassLoader classLoader,
      JavaModule module,
      Class<?> classBeingRedefined,
      ProtectionDomain protectionDomain) {
    ResettableClassFileTransformer d = delegate;
    return d == null
        ? Collections.<AgentBuilder.Transformer>emptyIterator()
        : d.iterator(typeDescription, classLoader, module, classBeingRedefined, protectionDomain);
  }

  /**
   * Removes {@code classFileTransformer} (this one) from {@code instrumentation}, and with Byte
   * Buddy's transformer, if it was built, restores the classes it changed. Waits for a build that is
   * under way; after a removal before any build, none starts.
   */
  @Override
  public boolean reset(
      Instrumentation instrumentation,
      ResettableClassFileTransformer classFileTransformer,
      AgentBuilder.RedefinitionStrategy redefinitionStrategy,
      AgentBuilder.RedefinitionStrategy.DiscoveryStrategy discoveryStrategy,
      AgentBuilder.RedefinitionStrategy.BatchAllocator batchAllocator,
      AgentBuilder.RedefinitionStrategy.Listener redefinitionListener) {
    synchronized (buildLock) {
      if (!buildStarted) {
        off = true;
        return instrumentation.removeTransformer(classFileTransformer);
      }
    }
    awaitBuilt(); // not the warm-up, which changes nothing a reset undoes
    ResettableClassFileTransformer d = delegate;
    if (d == null) { // the build failed: nothing was transformed
      return instrumentation.removeTransformer(classFileTransformer);
    }
    return d.reset(
        instrumentation, classFileTransformer, redefinitionStrategy, discoveryStrategy, batchAllocator, redefinitionListener);
  }
}
