package dev.perfmon.instrumentation.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.PerfmonTransformerFactory;
import java.lang.instrument.ClassFileTransformer;
import net.bytebuddy.utility.JavaModule;
import org.junit.jupiter.api.Test;

/**
 * The agent's executing transformer: created from source, not generated at start-up; classes that
 * are never transformed leave before Byte Buddy sees them; the module of every other class reaches
 * Byte Buddy.
 */
class TransformerFastPathTest {
  /** Records what Byte Buddy's transformer was asked to look at. */
  static final class Discoveries extends AgentBuilder.Listener.Adapter {
    final List<String> names = new ArrayList<>();
    final List<JavaModule> modules = new ArrayList<>();

    @Override
    public void onDiscovery(String typeName, ClassLoader classLoader, JavaModule module, boolean loaded) {
      names.add(typeName);
      modules.add(module);
    }
  }

  /** Class-file bytes for the transformer (any valid class; only the name passed in counts). */
  public static class AnyType {}

  @Test
  void theExecutingTransformerIsWrittenInSourceNotGenerated() {
    ClassFileTransformer t = AgentBuilders.base(new Discoveries()).makeRaw();
    assertThat(t).isInstanceOf(PerfmonTransformerFactory.ModuleAware.class);
    assertThat(t.getClass().getName()).doesNotContain("$ByteBuddy$");
  }

  @Test
  void jdkAndAgentClassesNeverReachByteBuddy() throws Exception {
    Discoveries seen = new Discoveries();
    // A transformation without a class-file test: whatever passes the fast path reaches Byte Buddy.
    ClassFileTransformer t =
        AgentBuilders.base(seen)
            .type(net.bytebuddy.matcher.ElementMatchers.none())
            .transform((b, type, loader, module, domain) -> b)
            .makeRaw();
    ClassLoader app = getClass().getClassLoader();
    byte[] bytes = bytesOf(AnyType.class);
    Module unnamed = app.getUnnamedModule();

    transform(t, Object.class.getModule(), null, "java/lang/Thread$Builder", bytes);
    transform(t, Object.class.getModule(), ClassLoader.getPlatformClassLoader(), "java/net/http/HttpClient", bytes);
    transform(t, unnamed, app, "dev/perfmon/agent/monitor/Monitor", bytes);
    transform(t, unnamed, app, "dev/perfmon/shaded/net/bytebuddy/ByteBuddy", bytes);
    transform(t, unnamed, app, "net/bytebuddy/ByteBuddy", bytes);
    transform(t, unnamed, app, "jdk/proxy2/$Proxy12", bytes);
    transform(t, unnamed, app, "com/example/Foo$$Lambda$12", bytes);
    assertThat(seen.names).as("nothing reached Byte Buddy").isEmpty();

    transform(t, unnamed, null, "java/sql/DriverManager", bytes);
    transform(t, unnamed, app, "com/example/app/OrderService", bytes);
    transform(t, unnamed, app, "dev/perfmon/demo/Shop", bytes);
    assertThat(seen.names)
        .containsExactly("java.sql.DriverManager", "com.example.app.OrderService", "dev.perfmon.demo.Shop");
    assertThat(seen.modules).as("the class's module reaches Byte Buddy").containsOnly(JavaModule.of(unnamed));
  }

  /** Another class for the pre-test. */
  public static class OtherType implements Runnable {
    @Override
    public void run() {}
  }

  @Test
  void classesThatNoClassFileTestAcceptsNeverReachByteBuddy() throws Exception {
    Discoveries seen = new Discoveries();
    AgentBuilder builder =
        AgentBuilders.base(seen)
            .type(
                AgentBuilders.matcher(
                    net.bytebuddy.matcher.ElementMatchers.none(),
                    net.bytebuddy.matcher.ElementMatchers.any(),
                    (header, loader) -> header.interfaceCount() > 0 && header.interfaceName(0).equals("java.lang.Runnable")))
            .transform((b, type, loader, module, domain) -> b)
            .type(
                AgentBuilders.matcher(
                    net.bytebuddy.matcher.ElementMatchers.none(),
                    l -> false, // a loader matcher that refuses: its test is not asked
                    (header, loader) -> true))
            .transform((b, type, loader, module, domain) -> b);
    ClassFileTransformer t = builder.makeRaw();
    ClassLoader app = getClass().getClassLoader();
    Module unnamed = app.getUnnamedModule();
    // Named outside the agent's packages, which the fast path skips before any test.
    transform(t, unnamed, app, "com/example/AnyType", bytesOf(AnyType.class));
    transform(t, unnamed, app, "com/example/OtherType", bytesOf(OtherType.class));
    assertThat(seen.names).containsExactly("com.example.OtherType");
    AgentBuilders.Prefilter prefilter = ((PerfmonTransformerFactory.ModuleAware) t).prefilter();
    assertThat(prefilter.rejected.sum()).isEqualTo(1);
    assertThat(prefilter.passed.sum()).isEqualTo(1);

    // A transformation without a class-file test: every class goes to Byte Buddy.
    Discoveries all = new Discoveries();
    ClassFileTransformer plain =
        AgentBuilders.base(all).type(net.bytebuddy.matcher.ElementMatchers.none()).transform((b, type, loader, module, domain) -> b).makeRaw();
    assertThat(((PerfmonTransformerFactory.ModuleAware) plain).prefilter()).isNull();
    transform(plain, unnamed, app, "com/example/AnyType", bytesOf(AnyType.class));
    assertThat(all.names).containsExactly("com.example.AnyType");
  }

  /**
   * A class that passes one transformation's class-file test reaches Byte Buddy, which asks every
   * transformation about it: the others, whose tests failed, answer no without their matchers, so
   * that their class loader matchers (which may search a loader's whole class path) are not asked.
   */
  @Test
  void transformationsWhoseTestFailedAreNotAskedAgain() throws Exception {
    Discoveries seen = new Discoveries();
    java.util.concurrent.atomic.AtomicInteger loaderAsked = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger typeAsked = new java.util.concurrent.atomic.AtomicInteger();
    AgentBuilder builder =
        AgentBuilders.base(seen)
            .type(
                AgentBuilders.matcher(
                    net.bytebuddy.matcher.ElementMatchers.none(),
                    net.bytebuddy.matcher.ElementMatchers.any(),
                    (header, loader) -> header.className().endsWith("OtherType")))
            .transform((b, type, loader, module, domain) -> b)
            .type(
                AgentBuilders.matcher(
                    type -> typeAsked.incrementAndGet() < 0,
                    loader -> loaderAsked.incrementAndGet() > 0,
                    (header, loader) -> header.className().endsWith("AnyType")))
            .transform((b, type, loader, module, domain) -> b);
    ClassFileTransformer t = builder.makeRaw();
    ClassLoader app = getClass().getClassLoader();
    Module unnamed = app.getUnnamedModule();
    transform(t, unnamed, app, "com/example/OtherType", bytesOf(OtherType.class));
    assertThat(seen.names).as("passed the first test").containsExactly("com.example.OtherType");
    // (Byte Buddy would ask the second transformation's loader, then its type matcher.)
    assertThat(loaderAsked).as("the second transformation's test failed: its loader matcher is not asked").hasValue(0);
    assertThat(typeAsked).hasValue(0);

    transform(t, unnamed, app, "com/example/AnyType", bytesOf(AnyType.class));
    assertThat(loaderAsked).as("its own test passed: asked (by the test, then by Byte Buddy)").hasPositiveValue();
    assertThat(typeAsked).hasValue(1);
  }

  /**
   * Every test is asked, not up to the first that passes (the pre-test's recursion over them):
   * of three transformations whose tests pass, fail and pass, Byte Buddy then asks the first and
   * the third about the class, and the second not.
   */
  @Test
  void everyTransformationWhoseTestPassedIsAsked() throws Exception {
    java.util.concurrent.atomic.AtomicInteger[] typeAsked = {
      new java.util.concurrent.atomic.AtomicInteger(),
      new java.util.concurrent.atomic.AtomicInteger(),
      new java.util.concurrent.atomic.AtomicInteger()
    };
    boolean[] passes = {true, false, true};
    AgentBuilder builder = AgentBuilders.base(new Discoveries());
    for (int i = 0; i < 3; i++) {
      java.util.concurrent.atomic.AtomicInteger asked = typeAsked[i];
      boolean pass = passes[i];
      builder =
          builder
              .type(
                  AgentBuilders.matcher(
                      type -> asked.incrementAndGet() < 0, net.bytebuddy.matcher.ElementMatchers.any(), (header, loader) -> pass))
              .transform((b, type, loader, module, domain) -> b);
    }
    ClassFileTransformer t = builder.makeRaw();
    ClassLoader app = getClass().getClassLoader();
    transform(t, app.getUnnamedModule(), app, "com/example/AnyType", bytesOf(AnyType.class));
    assertThat(typeAsked[0]).hasValue(1);
    assertThat(typeAsked[1]).as("its test failed").hasValue(0);
    assertThat(typeAsked[2]).as("passed after one that failed").hasValue(1);
    AgentBuilders.Prefilter prefilter = ((PerfmonTransformerFactory.ModuleAware) t).prefilter();
    assertThat(prefilter.passed.sum()).isEqualTo(1);
  }

  @Test
  void theFastPathAgreesWithTheIgnoreRuleOnNames() {
    ClassLoader app = getClass().getClassLoader();
    assertThat(AgentBuilders.skippedBeforeMatching(null, "java/lang/String")).isTrue();
    assertThat(AgentBuilders.skippedBeforeMatching(null, "java/sql/Statement")).isFalse();
    assertThat(AgentBuilders.skippedBeforeMatching(null, "javax/sql/DataSource")).isFalse();
    assertThat(AgentBuilders.skippedBeforeMatching(app, "dev/perfmon/config/Keys")).isTrue();
    assertThat(AgentBuilders.skippedBeforeMatching(app, "dev/perfmon/demo/Shop")).isFalse();
    assertThat(AgentBuilders.skippedBeforeMatching(app, "com/example/Service")).isFalse();
    assertThat(AgentBuilders.skippedBeforeMatching(app, null)).as("unnamed: Byte Buddy decides").isFalse();
    for (String own : List.of("dev.perfmon.agent.X", "dev.perfmon.bootstrap.X", "dev.perfmon.api.X")) {
      assertThat(AgentBuilders.isAgentOwn(own)).isTrue();
      assertThat(AgentBuilders.skippedBeforeMatching(app, own.replace('.', '/'))).isTrue();
    }
    assertThat(AgentBuilders.isAgentOwn("net.bytebuddy.ByteBuddy")).as("not the agent's own").isFalse();
  }

  private static void transform(ClassFileTransformer t, Module module, ClassLoader loader, String name, byte[] bytes)
      throws Exception {
    assertThat(t.transform(module, loader, name, null, null, bytes)).as(name + " is left unchanged").isNull();
  }

  private static String internalName(Class<?> type) {
    return type.getName().replace('.', '/');
  }

  private static byte[] bytesOf(Class<?> type) throws IOException {
    try (InputStream in = type.getResourceAsStream("/" + internalName(type) + ".class")) {
      return in.readAllBytes();
    }
  }
}
