package dev.perfmon.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.matcher.ElementMatchers;
import org.junit.jupiter.api.Test;

/**
 * The start-up transformer builds Byte Buddy's only when a class passes the class-file pre-test,
 * once, on a thread of its own, and hands that class and every later one to it.
 */
class DeferredTransformerTest {
  /** Fails the pre-test below (implements nothing). */
  public static class Plain {}

  /** Passes it. */
  public static class Task implements Runnable {
    @Override
    public void run() {}
  }

  /** Set on the loading thread: the build thread must not inherit it. */
  private static final InheritableThreadLocal<String> INHERITED = new InheritableThreadLocal<>();

  private static final class Built {
    final AtomicInteger builds = new AtomicInteger();
    final List<String> buildThreads = new CopyOnWriteArrayList<>();
    volatile ClassLoader buildContextLoader;
    volatile String buildSawInherited = "unset";
    final List<String> discovered = new CopyOnWriteArrayList<>();
    volatile boolean fail;
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    final List<String> afterBuild = new CopyOnWriteArrayList<>();
    /** The classes given to Byte Buddy's transformer. */
    final List<String> handedOver = new CopyOnWriteArrayList<>();
    /** When set, the warm-up waits for it. */
    volatile java.util.concurrent.CountDownLatch holdWarmUp;
    /** When set, the build waits for it before it builds. */
    volatile java.util.concurrent.CountDownLatch hold;

    DeferredTransformer transformer() {
      return transformer(0);
    }

    DeferredTransformer transformer(int prebuildAfter) {
      AgentBuilder.RawMatcher runnables =
          AgentBuilders.matcher(
              ElementMatchers.none(),
              ElementMatchers.any(),
              (header, loader) -> header.interfaceCount() > 0 && header.interfaceName(0).equals("java.lang.Runnable"));
      return new DeferredTransformer(
          AgentBuilders.prefilter(List.of(runnables)),
          () -> {
            builds.incrementAndGet();
            buildThreads.add(Thread.currentThread().getName());
            buildContextLoader = Thread.currentThread().getContextClassLoader();
            buildSawInherited = INHERITED.get();
            java.util.concurrent.CountDownLatch h = hold;
            if (h != null) {
              try {
                h.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
            if (fail) {
              throw new IllegalStateException("planted build failure");
            }
            TooLargeMethods.Wiring wiring = TooLargeMethods.wiring(TooLargeMethods.Reporter.NONE);
            AgentBuilder b =
                AgentBuilders.base(
                        new AgentBuilder.Listener.Adapter() {
                          @Override
                          public void onDiscovery(String typeName, ClassLoader classLoader, net.bytebuddy.utility.JavaModule module, boolean loaded) {
                            discovered.add(typeName);
                          }
                        },
                        wiring)
                    .type(runnables)
                    .transform((builder, type, loader, module, domain) -> builder);
            return new ResettableClassFileTransformer.WithDelegation(AgentBuilders.unregistered(b, wiring)) {
              @Override
              public byte[] transform(
                  Module module,
                  ClassLoader loader,
                  String internalName,
                  Class<?> classBeingRedefined,
                  java.security.ProtectionDomain domain,
                  byte[] classFile)
                  throws java.lang.instrument.IllegalClassFormatException {
                handedOver.add(internalName);
                return classFileTransformer.transform(module, loader, internalName, classBeingRedefined, domain, classFile);
              }
            };
          },
          failures::add,
          prebuildAfter,
          () -> {
            afterBuild.add(Thread.currentThread().getName());
            java.util.concurrent.CountDownLatch h = holdWarmUp;
            if (h != null) {
              try {
                h.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          });
    }
  }

  @Test
  void byteBuddyIsBuiltAtTheFirstClassThatPassesThePreTestOnItsOwnThread() throws Exception {
    Built built = new Built();
    DeferredTransformer t = built.transformer();
    transform(t, "com/example/Plain", Plain.class);
    transform(t, "com/example/Plain2", Plain.class);
    transform(t, "dev/perfmon/agent/monitor/Monitor", Task.class); // the agent's own: fast path
    assertThat(built.builds).as("no class passed: nothing built").hasValue(0);
    assertThat(t.built()).isFalse();

    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    try (java.net.URLClassLoader appContext = new java.net.URLClassLoader(new java.net.URL[0])) {
      Thread.currentThread().setContextClassLoader(appContext);
      INHERITED.set("the application's");
      transform(t, "com/example/Task", Task.class);
    } finally {
      INHERITED.remove();
      Thread.currentThread().setContextClassLoader(previous);
    }
    assertThat(built.builds).hasValue(1);
    assertThat(built.buildThreads).containsExactly("perfmon-weaver-start");
    assertThat(built.buildContextLoader).as("the agent's loader, not the loading thread's").isSameAs(DeferredTransformer.class.getClassLoader());
    assertThat(built.buildSawInherited).as("no inheritable thread-local of the loading thread").isNull();
    assertThat(t.built()).isTrue();
    assertThat(built.discovered).as("the class that started the build reached Byte Buddy").containsExactly("com.example.Task");
    assertThat(built.afterBuild).as("no warm-up when a class waits for the build").isEmpty();

    transform(t, "com/example/Plain3", Plain.class);
    transform(t, "com/example/Task2", Task.class);
    assertThat(built.builds).as("built once").hasValue(1);
    assertThat(built.discovered).containsExactly("com.example.Task", "com.example.Task2");
    assertThat(built.handedOver)
        .as("after the build too, only the classes that pass the pre-test reach Byte Buddy's transformer")
        .containsExactly("com/example/Task", "com/example/Task2");
    ClassLoader app = DeferredTransformerTest.class.getClassLoader();
    ((ClassFileTransformer) t).transform(app.getUnnamedModule(), app, "com/example/Plain5", Plain.class, null, bytesOf(Plain.class));
    assertThat(built.handedOver).as("a retransformation goes to Byte Buddy's transformer, which decides").endsWith("com/example/Plain5");
    assertThat(built.failures).isEmpty();
  }

  @Test
  void threadsThatPassAtOnceWaitForOneBuildAndAllReachByteBuddy() throws Exception {
    Built built = new Built();
    DeferredTransformer t = built.transformer();
    int threads = 8;
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
    List<Thread> all = new ArrayList<>();
    List<Throwable> failed = new CopyOnWriteArrayList<>();
    for (int i = 0; i < threads; i++) {
      String name = "com/example/Task" + i;
      Thread th =
          new Thread(
              () -> {
                try {
                  start.await();
                  transform(t, name, Task.class);
                } catch (Throwable e) {
                  failed.add(e);
                }
              });
      all.add(th);
      th.start();
    }
    for (Thread th : all) {
      th.join(30_000);
    }
    assertThat(failed).isEmpty();
    assertThat(built.builds).as("one build for all").hasValue(1);
    assertThat(built.discovered).hasSize(threads);
  }

  @Test
  void aFailedBuildIsReportedOnceAndNothingIsTransformed() throws Exception {
    Built built = new Built();
    built.fail = true;
    DeferredTransformer t = built.transformer();
    assertThat(transform(t, "com/example/Task", Task.class)).isNull();
    assertThat(transform(t, "com/example/Task2", Task.class)).isNull();
    assertThat(built.builds).hasValue(1);
    assertThat(built.failures).hasSize(1);
    assertThat(built.failures.get(0)).hasMessage("planted build failure");
  }

  @Test
  void afterEnoughClassesReachThePreTestTheBuildStartsInTheBackground() throws Exception {
    Built built = new Built();
    DeferredTransformer t = built.transformer(3);
    transform(t, "com/example/Plain1", Plain.class);
    transform(t, "dev/perfmon/agent/monitor/Monitor", Plain.class); // the agent's own: not counted
    transform(t, "com/example/Plain$$Lambda$1", Plain.class); // skipped before the pre-test: not counted
    transform(t, "com/example/Plain2", Plain.class);
    assertThat(built.builds).as("two classes pre-tested: no build yet").hasValue(0);
    assertThat(transform(t, "com/example/Plain3", Plain.class)).as("the class is not held up").isNull();
    awaitTrue(t::built);
    assertThat(t.built()).as("built in the background, no class having passed").isTrue();
    assertThat(built.builds).hasValue(1);
    assertThat(built.buildThreads).containsExactly("perfmon-weaver-start");
    assertThat(built.discovered).as("no class reached Byte Buddy's transformer yet").isEmpty();
    awaitTrue(() -> !built.afterBuild.isEmpty());
    assertThat(built.afterBuild).as("the warm-up, on the build thread").containsExactly("perfmon-weaver-start");

    transform(t, "com/example/Task", Task.class);
    transform(t, "com/example/Plain4", Plain.class);
    assertThat(built.builds).as("built once").hasValue(1);
    assertThat(built.discovered).containsExactly("com.example.Task");
    assertThat(built.failures).isEmpty();
  }

  @Test
  void aClassThatPassesWhileTheBackgroundBuildRunsWaitsForItAndReachesByteBuddy() throws Exception {
    Built built = new Built();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    built.hold = release;
    DeferredTransformer t = built.transformer(1);
    transform(t, "com/example/Plain1", Plain.class); // starts the build, which waits for release
    java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
    Thread loader =
        new Thread(
            () -> {
              try {
                transform(t, "com/example/Task", Task.class);
              } catch (Throwable e) {
                failed.set(e);
              }
            });
    loader.start();
    loader.join(200);
    assertThat(loader.isAlive()).as("the passing class waits for the build under way").isTrue();
    assertThat(built.builds).hasValue(1);
    release.countDown();
    loader.join(30_000);
    assertThat(failed.get()).isNull();
    assertThat(built.builds).as("the same build, not a second one").hasValue(1);
    assertThat(built.discovered).containsExactly("com.example.Task");
  }

  @Test
  void aClassThatPassesDuringTheWarmUpDoesNotWaitForIt() throws Exception {
    Built built = new Built();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    built.holdWarmUp = release;
    try {
      DeferredTransformer t = built.transformer(1);
      transform(t, "com/example/Plain1", Plain.class); // starts the build; its warm-up then waits
      awaitTrue(() -> !built.afterBuild.isEmpty());
      assertThat(built.afterBuild).as("the warm-up runs").hasSize(1);
      Thread loader =
          new Thread(
              () -> {
                try {
                  transform(t, "com/example/Task", Task.class);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      loader.start();
      loader.join(10_000);
      assertThat(loader.isAlive()).as("the class did not wait for the warm-up, which is still held").isFalse();
      assertThat(built.discovered).containsExactly("com.example.Task");
    } finally {
      release.countDown();
    }
  }

  @Test
  void aFailedBackgroundBuildIsReportedOnceAndNothingIsTransformed() throws Exception {
    Built built = new Built();
    built.fail = true;
    DeferredTransformer t = built.transformer(1);
    assertThat(transform(t, "com/example/Plain1", Plain.class)).isNull();
    awaitTrue(() -> !built.failures.isEmpty());
    assertThat(transform(t, "com/example/Task", Task.class)).isNull();
    assertThat(built.builds).hasValue(1);
    assertThat(built.failures).hasSize(1);
    assertThat(t.built()).isFalse();
    assertThat(built.afterBuild).as("no warm-up after a failed build").isEmpty();
  }

  @Test
  void resetWhileTheBackgroundBuildRunsWaitsForItAndRemovesThroughByteBuddys() throws Exception {
    Built built = new Built();
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    built.hold = release;
    DeferredTransformer t = built.transformer(1);
    transform(t, "com/example/Plain1", Plain.class);
    List<Object> removed = new CopyOnWriteArrayList<>();
    Instrumentation inst = removing(removed);
    java.util.concurrent.atomic.AtomicBoolean result = new java.util.concurrent.atomic.AtomicBoolean();
    Thread resetter =
        new Thread(
            () ->
                result.set(
                    t.reset(
                        inst,
                        AgentBuilder.RedefinitionStrategy.RETRANSFORMATION,
                        AgentBuilders.loadedClassDiscovery(),
                        AgentBuilders.retransformBatches(),
                        AgentBuilders.retransformListener())));
    resetter.start();
    resetter.join(200);
    assertThat(resetter.isAlive()).as("the reset waits for the build under way").isTrue();
    release.countDown();
    resetter.join(30_000);
    assertThat(result.get()).isTrue();
    assertThat(removed).containsExactly(t);
    assertThat(built.builds).hasValue(1);
  }

  @Test
  void resetBeforeAnyBuildRemovesTheTransformerAndNoBuildFollows() throws Exception {
    Built built = new Built();
    DeferredTransformer t = built.transformer();
    List<Object> removed = new ArrayList<>();
    Instrumentation inst = removing(removed);
    assertThat(t.reset(inst, AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)).isTrue();
    assertThat(removed).containsExactly(t);
    assertThat(transform(t, "com/example/Task", Task.class)).isNull();
    assertThat(built.builds).as("removed: no build").hasValue(0);
  }

  @Test
  void resetAfterTheBuildRemovesThisTransformerThroughByteBuddys() throws Exception {
    Built built = new Built();
    DeferredTransformer t = built.transformer();
    transform(t, "com/example/Task", Task.class);
    List<Object> removed = new ArrayList<>();
    Instrumentation inst = removing(removed);
    assertThat(
            t.reset(
                inst,
                AgentBuilder.RedefinitionStrategy.RETRANSFORMATION,
                AgentBuilders.loadedClassDiscovery(),
                AgentBuilders.retransformBatches(),
                AgentBuilders.retransformListener()))
        .isTrue();
    assertThat(removed).as("the registered transformer is this one, not Byte Buddy's").containsExactly(t);
  }

  /** Waits up to 30 s for {@code condition}; the assertions after it tell whether it came. */
  private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }

  /**
   * An instrumentation that records the transformers removed from it and has no loaded class to
   * retransform.
   */
  private static Instrumentation removing(List<Object> removed) {
    return (Instrumentation)
        Proxy.newProxyInstance(
            DeferredTransformerTest.class.getClassLoader(),
            new Class<?>[] {Instrumentation.class},
            (proxy, method, args) ->
                switch (method.getName()) {
                  case "removeTransformer" -> removed.add(args[0]);
                  case "getAllLoadedClasses" -> new Class<?>[0];
                  case "isRetransformClassesSupported" -> true;
                  default -> throw new UnsupportedOperationException(method.getName());
                });
  }

  private static byte[] transform(ResettableClassFileTransformer t, String internalName, Class<?> bytesOf) throws Exception {
    ClassFileTransformer cft = t;
    ClassLoader app = DeferredTransformerTest.class.getClassLoader();
    return cft.transform(app.getUnnamedModule(), app, internalName, null, null, bytesOf(bytesOf));
  }

  private static byte[] bytesOf(Class<?> c) throws IOException {
    try (InputStream in = c.getResourceAsStream("/" + c.getName().replace('.', '/') + ".class")) {
      return in.readAllBytes();
    }
  }
}
