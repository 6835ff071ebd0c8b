package dev.perfmon.instrumentation.api;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.PerfmonDecorate;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/**
 * The agent's decoration ({@link PerfmonDecorate}) writes the same class file as Byte Buddy's
 * {@code decorate}, without reading the class's annotation types.
 */
class PerfmonDecorateTest {
  @Retention(RetentionPolicy.RUNTIME)
  public @interface Marker {
    String value();
  }

  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.TYPE_USE)
  public @interface TypeMark {}

  /** Annotated on the class, a type variable and an interface; its get() is woven. */
  @Marker("kept")
  public static class Annotated<@TypeMark T> implements @TypeMark Supplier<String> {
    @Override
    public String get() {
      return "body";
    }
  }

  /** Appends to the result. */
  public static class SuffixAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.Return(readOnly = false) String result) {
      result = result + "+advice";
    }
  }

  /** Reads class files through the test's loader and records which were asked for. */
  private static final class Recording implements ClassFileLocator {
    private final ClassFileLocator delegate = ClassFileLocator.ForClassLoader.of(PerfmonDecorateTest.class.getClassLoader());
    final List<String> asked = new ArrayList<>();

    @Override
    public Resolution locate(String name) throws java.io.IOException {
      asked.add(name);
      return delegate.locate(name);
    }

    @Override
    public void close() {}
  }

  private static final ByteBuddy BYTE_BUDDY =
      new ByteBuddy()
          .with(TypeValidation.DISABLED)
          .with(Implementation.Context.Disabled.Factory.INSTANCE)
          .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE);

  private static DynamicType.Unloaded<?> woven(boolean agents, Recording locator) {
    TypeDescription type = TypePool.Default.of(locator).describe(Annotated.class.getName()).resolve();
    DynamicType.Builder<?> builder =
        agents ? PerfmonDecorate.decorate(BYTE_BUDDY, type, locator) : BYTE_BUDDY.decorate(type, locator);
    return builder.visit(Advice.to(SuffixAdvice.class).on(named("get"))).make();
  }

  @Test
  void sameClassFileAsByteBuddysDecorationWithoutReadingAnnotationTypes() throws Exception {
    Recording byteBuddys = new Recording();
    byte[] expected = woven(false, byteBuddys).getBytes();
    assertThat(byteBuddys.asked).as("Byte Buddy's decoration resolves the annotation").contains(Marker.class.getName());

    Recording agents = new Recording();
    DynamicType.Unloaded<?> unloaded = woven(true, agents);
    assertThat(unloaded.getBytes()).isEqualTo(expected);
    assertThat(agents.asked).doesNotContain(Marker.class.getName(), TypeMark.class.getName());

    Class<?> loaded =
        unloaded
            .load(new ClassLoader(PerfmonDecorateTest.class.getClassLoader()) {}, ClassLoadingStrategy.Default.CHILD_FIRST)
            .getLoaded();
    assertThat(loaded).isNotSameAs(Annotated.class);
    assertThat(loaded.getAnnotation(Marker.class).value()).isEqualTo("kept");
    assertThat(loaded.getTypeParameters()[0].getAnnotation(TypeMark.class)).isNotNull();
    assertThat(loaded.getAnnotatedInterfaces()[0].getAnnotation(TypeMark.class)).isNotNull();
    Object result = ((Supplier<?>) loaded.getDeclaredConstructor().newInstance()).get();
    assertThat(result).isEqualTo("body+advice");
  }
}
