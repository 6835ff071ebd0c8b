package dev.perfmon.agent.weave;

import static org.assertj.core.api.Assertions.assertThat;

import dev.perfmon.bootstrap.AgentErrors;
import dev.perfmon.config.MethodPattern;
import dev.perfmon.instrumentation.api.AgentBuilders;
import dev.perfmon.instrumentation.api.OperationRegistry;
import dev.perfmon.instrumentation.api.TooLargeMethods;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * User patterns woven, in this JVM, into generated classes with methods that fit the JVM's code
 * limit as they are but not with the advice ({@link GeneratedClasses}). Before the fix, Byte Buddy
 * rejected such a class whole: its ordinary methods were not timed, and the coverage listed every
 * method as matched.
 */
class TooLargeMethodForkedTest {
  private static final String ONE = "example.gen.OneHuge";
  private static final String TWO = "example.gen.TwoHuge";
  private static final String PRELOADED = "example.gen.Preloaded";
  private static final String MANY = "example.gen.ManyHuge";

  private static final OperationRegistry registry = new OperationRegistry(100, name -> {});
  private static final Coverage coverage = new Coverage(List.of(ONE, TWO, PRELOADED, MANY), 20);
  private static final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  private static final List<String> transformed = Collections.synchronizedList(new ArrayList<>());
  private static final List<String> reported = Collections.synchronizedList(new ArrayList<>());
  private static GeneratedClasses.Loader loader;
  private static Class<?> preloaded;

  @BeforeAll
  static void install() {
    loader = new GeneratedClasses.Loader(TooLargeMethodForkedTest.class.getClassLoader());
    // Loaded before the agent: woven by retransformation.
    preloaded = loader.define(PRELOADED, GeneratedClasses.withHugeMethods(PRELOADED, "huge"));
    Instrumentation inst = ByteBuddyAgent.install();
    AgentBuilder.Listener listener =
        new AgentBuilder.Listener.Adapter() {
          @Override
          public void onTransformation(
              TypeDescription type, ClassLoader l, JavaModule module, boolean loaded, DynamicType dynamicType) {
            transformed.add(type.getName());
          }

          @Override
          public void onError(String typeName, ClassLoader l, JavaModule module, boolean loaded, Throwable t) {
            errors.add(typeName + ": " + t);
          }
        };
    TooLargeMethods.Reporter reporter =
        (method, l, loaded) -> reported.add(method.label() + (loaded ? " (retransformed)" : "") + " " + method.wovenCodeBytes());
    List<MethodPattern> patterns = new ArrayList<>();
    for (String p : List.of(ONE, TWO, PRELOADED, MANY)) {
      patterns.add(MethodPattern.parse(p));
    }
    MethodInstrumentation methods = new MethodInstrumentation(patterns, List.of(), registry, coverage, name -> 1.0);
    methods.install(AgentBuilders.base(listener, reporter)).installOn(inst);
  }

  @AfterEach
  void noErrors() {
    assertThat(errors).as("transformation errors").isEmpty();
    assertThat(AgentErrors.peek()).as("latest suppressed advice error").isNull();
    assertThat(AgentErrors.suppressedCount()).isZero();
  }

  @Test
  void theOtherMethodsOfAClassWithATooLargeMethodAreWovenAndTheCoverageSaysSo() throws Exception {
    Class<?> c = loader.define(ONE, GeneratedClasses.withHugeMethods(ONE, "huge"));
    assertThat(transformed).contains(ONE);
    for (int i = 0; i < 1_000; i++) {
      assertThat(invoke(c, "small", i)).isEqualTo(i + 1);
    }
    for (long x = 0; x < 3; x++) {
      assertThat(invoke(c, "huge", x)).as("original code").isEqualTo(x + GeneratedClasses.INCREMENTS);
    }
    assertThat(count(ONE + ".small")).isEqualTo(1_000);
    assertThat(count(ONE + ".huge")).isZero();

    Coverage.Entry e = entry(ONE);
    assertThat(e.classes()).isEqualTo(1);
    assertThat(e.methods()).isEqualTo(1);
    assertThat(e.listed()).containsExactly(ONE + "#small");
    assertThat(e.skipped()).hasSize(1);
    Coverage.Skip skip = e.skipped().get(0);
    assertThat(skip.method()).isEqualTo(ONE + "#huge(long)");
    assertThat(skip.reason()).isEqualTo("method too large to instrument");
    assertThat(skip.wovenCodeBytes()).isBetween(TooLargeMethods.MAX_CODE_BYTES + 1, 2 * GeneratedClasses.HUGE_CODE_BYTES);
    assertThat(reported).filteredOn(r -> r.startsWith(ONE + "#")).containsExactly(ONE + "#huge(long) " + skip.wovenCodeBytes());
  }

  @Test
  void everyTooLargeMethodOfAClassIsSkippedOnItsOwn() throws Exception {
    Class<?> c = loader.define(TWO, GeneratedClasses.withHugeMethods(TWO, "hugeA", "hugeB"));
    for (int i = 0; i < 77; i++) {
      invoke(c, "small", i);
    }
    assertThat(invoke(c, "hugeA", 1L)).isEqualTo(1L + GeneratedClasses.INCREMENTS);
    assertThat(invoke(c, "hugeB", 2L)).isEqualTo(2L + GeneratedClasses.INCREMENTS);
    assertThat(count(TWO + ".small")).isEqualTo(77);
    assertThat(count(TWO + ".hugeA") + count(TWO + ".hugeB")).isZero();

    Coverage.Entry e = entry(TWO);
    assertThat(e.listed()).containsExactly(TWO + "#small");
    assertThat(e.skipped())
        .extracting(Coverage.Skip::method)
        .containsExactlyInAnyOrder(TWO + "#hugeA(long)", TWO + "#hugeB(long)");
    assertThat(reported).filteredOn(r -> r.startsWith(TWO + "#")).hasSize(2);
  }

  @Test
  void aClassLoadedBeforeTheAgentIsRetransformedWithoutItsTooLargeMethod() throws Exception {
    assertThat(transformed).contains(PRELOADED);
    for (int i = 0; i < 5; i++) {
      invoke(preloaded, "small", i);
    }
    assertThat(invoke(preloaded, "huge", 0L)).isEqualTo((long) GeneratedClasses.INCREMENTS);
    assertThat(count(PRELOADED + ".small")).isEqualTo(5);
    assertThat(count(PRELOADED + ".huge")).isZero();
    assertThat(entry(PRELOADED).listed()).containsExactly(PRELOADED + "#small");
    assertThat(entry(PRELOADED).skipped()).extracting(Coverage.Skip::method).containsExactly(PRELOADED + "#huge(long)");
    assertThat(reported).filteredOn(r -> r.startsWith(PRELOADED + "#")).hasSize(1).allMatch(r -> r.contains("(retransformed)"));
  }

  @Test
  void retriesAreBoundedAndAClassWithTooManyTooLargeMethodsIsLeftAsItIsAndReported() throws Exception {
    String[] huge = new String[17]; // one more than the retries allowed per class
    for (int i = 0; i < huge.length; i++) {
      huge[i] = "huge" + i;
    }
    Class<?> c = loader.define(MANY, GeneratedClasses.withHugeMethods(MANY, huge));
    assertThat(invoke(c, "small", 1)).isEqualTo(2);
    assertThat(invoke(c, "huge16", 1L)).isEqualTo(1L + GeneratedClasses.INCREMENTS);
    assertThat(transformed).doesNotContain(MANY);
    List<String> failures = new ArrayList<>(errors);
    errors.clear();
    assertThat(failures).hasSize(1);
    assertThat(failures.get(0)).startsWith(MANY + ": ").contains("MethodTooLargeException");
    assertThat(count(MANY + ".small")).isZero();
    Coverage.Entry e = entry(MANY);
    assertThat(e.methods()).isZero();
    assertThat(e.skipped()).as("nothing was woven: nothing is reported as skipped either").isEmpty();
    assertThat(reported).noneMatch(r -> r.startsWith(MANY + "#"));
  }

  @Test
  void withoutTheDecoratorATooLargeFailureIsReportedAsAnError() throws Exception {
    // makeRaw() gives Byte Buddy's transformer without decorators: nothing retries, so the
    // listener must pass the failure on rather than hide it.
    String raw = "example.gen.Raw";
    List<String> rawErrors = new ArrayList<>();
    List<String> rawReported = new ArrayList<>();
    MethodInstrumentation methods =
        new MethodInstrumentation(List.of(MethodPattern.parse(raw)), List.of(), registry, new Coverage(List.of(raw), 20), name -> 1.0);
    java.lang.instrument.ClassFileTransformer transformer =
        methods
            .install(
                AgentBuilders.base(
                    new AgentBuilder.Listener.Adapter() {
                      @Override
                      public void onError(String typeName, ClassLoader l, JavaModule module, boolean loaded, Throwable t) {
                        rawErrors.add(typeName + ": " + t);
                      }
                    },
                    (method, l, loaded) -> rawReported.add(method.label())))
            .makeRaw();
    byte[] bytes = GeneratedClasses.withHugeMethods(raw, "huge");
    byte[] out;
    try {
      out = transformer.transform(loader, raw.replace('.', '/'), null, null, bytes);
    } catch (IllegalStateException thrownByByteBuddyAfterReporting) {
      out = null;
    }
    assertThat(out).isNull();
    assertThat(rawErrors).hasSize(1);
    assertThat(rawErrors.get(0)).startsWith(raw + ": ").contains("MethodTooLargeException");
    assertThat(rawReported).isEmpty();
  }

  private static Object invoke(Class<?> c, String name, int arg) throws Exception {
    Method m = c.getMethod(name, int.class);
    return m.invoke(null, arg);
  }

  private static Object invoke(Class<?> c, String name, long arg) throws Exception {
    Method m = c.getMethod(name, long.class);
    return m.invoke(null, arg);
  }

  private static Coverage.Entry entry(String pattern) {
    for (Coverage.Entry e : coverage.entries()) {
      if (e.pattern().equals(pattern)) {
        return e;
      }
    }
    throw new AssertionError("no coverage entry for " + pattern);
  }

  /** Calls recorded under {@code name}; 0 when the operation was never registered. */
  private static long count(String name) {
    return RecordedCalls.count(registry, name);
  }
}
