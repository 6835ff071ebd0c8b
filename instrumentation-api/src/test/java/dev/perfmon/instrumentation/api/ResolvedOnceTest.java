package dev.perfmon.instrumentation.api;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.PerfmonDecorate;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.method.ParameterDescription;
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
 * {@link ResolvedOnce}: the same class files as the descriptions it wraps, read from class files
 * as the agent reads them (a type pool), for the woven class and the advice alike; and each
 * method's types resolved once.
 */
class ResolvedOnceTest {
  /** Methods of many shapes: returns of every kind, wide and array parameters, a throw. */
  public static class Target {
    private final List<String> calls = new ArrayList<>();

    public Target() {}

    public Target(String first, long[] more) {
      calls.add(first + more.length);
    }

    public void none() {
      calls.add("none");
    }

    public long wide(double d, long l, int i) {
      return (long) d + l + i;
    }

    public String text(String s, Object[] rest) {
      return s + rest.length;
    }

    public int[] array(int n) {
      return new int[n];
    }

    public static Object statically(boolean b) {
      return b ? "yes" : null;
    }

    public int fails(String why) {
      throw new IllegalStateException(why);
    }

    public List<String> calls() {
      return calls;
    }
  }

  /** Uses the bindings the agent's advice uses (locals, this, arguments, enter, return, thrown). */
  public static class TimingAdvice {
    public static final List<String> SEEN = new ArrayList<>();

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static long enter(@Advice.Local("depth") int[] depth, @Advice.Origin("#m") String name) {
      depth = new int[] {1}; // read by the exit advice
      if (depth.length == 0) {
        throw new AssertionError();
      }
      return name.length();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    public static void exit(
        @Advice.Local("depth") int[] depth,
        @Advice.Origin("#m") String name,
        @Advice.Enter long start,
        @Advice.Return(typing = net.bytebuddy.implementation.bytecode.assign.Assigner.Typing.DYNAMIC) Object result,
        @Advice.Thrown Throwable thrown) {
      SEEN.add(name + ":" + start + ":" + depth[0] + ":" + result + ":" + (thrown == null ? "-" : thrown.getMessage()));
    }
  }

  /** For constructors: no exit advice that catches. */
  public static class ConstructorAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object self, @Advice.AllArguments Object[] args) {
      TimingAdvice.SEEN.add("new:" + args.length + ":" + (self != null));
    }
  }

  private static final ByteBuddy BYTE_BUDDY =
      new ByteBuddy()
          .with(TypeValidation.DISABLED)
          .with(Implementation.Context.Disabled.Factory.INSTANCE)
          .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE);

  private static final ClassFileLocator LOCATOR = ClassFileLocator.ForClassLoader.of(ResolvedOnceTest.class.getClassLoader());

  private static TypeDescription described(Class<?> type) {
    return TypePool.Default.of(LOCATOR).describe(type.getName()).resolve();
  }

  private static DynamicType.Unloaded<?> woven(boolean resolvedOnce) {
    TypeDescription target = described(Target.class);
    TypeDescription timing = described(TimingAdvice.class);
    TypeDescription constructor = described(ConstructorAdvice.class);
    if (resolvedOnce) {
      timing = ResolvedOnce.resolvedNow(timing);
      constructor = ResolvedOnce.resolvedNow(constructor);
    }
    return (resolvedOnce ? PerfmonDecorate.decorate(BYTE_BUDDY, target, LOCATOR) : BYTE_BUDDY.decorate(target, LOCATOR))
        .visit(Advice.to(timing, LOCATOR).on(isMethod().and(not(named("calls")))))
        .visit(Advice.to(constructor, LOCATOR).on(isConstructor()))
        .make();
  }

  @Test
  void wovenClassFilesAreByteBuddysOwn() throws Exception {
    byte[] expected = woven(false).getBytes();
    DynamicType.Unloaded<?> actual = woven(true);
    assertThat(actual.getBytes()).isEqualTo(expected);

    // And the woven class runs as woven.
    TimingAdvice.SEEN.clear();
    Class<?> woven =
        actual
            .load(new ClassLoader(ResolvedOnceTest.class.getClassLoader()) {}, ClassLoadingStrategy.Default.CHILD_FIRST)
            .getLoaded();
    assertThat(woven).isNotSameAs(Target.class);
    Object t = woven.getConstructor(String.class, long[].class).newInstance("x", new long[2]);
    assertThat(woven.getMethod("wide", double.class, long.class, int.class).invoke(t, 1.5, 2L, 3)).isEqualTo(6L);
    assertThat(woven.getMethod("text", String.class, Object[].class).invoke(t, "a", new Object[3])).isEqualTo("a3");
    assertThat(woven.getMethod("statically", boolean.class).invoke(null, true)).isEqualTo("yes");
    Method fails = woven.getMethod("fails", String.class);
    assertThatThrownBy(() -> fails.invoke(t, "why"))
        .hasCauseInstanceOf(IllegalStateException.class)
        .cause()
        .hasMessage("why");
    assertThat(TimingAdvice.SEEN).containsExactly("new:2:true", "wide:4:1:6:-", "text:4:1:a3:-", "statically:10:1:yes:-", "fails:5:1:0:why");
  }

  @Test
  void eachMethodResolvesItsTypesOnce() {
    TypeDescription lazy = described(Target.class);
    TypeDescription once = ResolvedOnce.of(lazy);
    assertThat(ResolvedOnce.of(once)).isSameAs(once);
    assertThat(ResolvedOnce.of(TypeDescription.ForLoadedType.of(String.class))).isSameAs(TypeDescription.ForLoadedType.of(String.class));
    assertThat(once).isEqualTo(lazy);
    assertThat(once.getName()).isEqualTo(Target.class.getName());
    assertThat(once.getSuperClass()).isEqualTo(lazy.getSuperClass());

    MethodList<MethodDescription.InDefinedShape> methods = once.getDeclaredMethods();
    assertThat(once.getDeclaredMethods()).isSameAs(methods);
    assertThat(methods).isEqualTo(lazy.getDeclaredMethods());
    for (int i = 0; i < methods.size(); i++) {
      MethodDescription.InDefinedShape m = methods.get(i);
      MethodDescription.InDefinedShape d = lazy.getDeclaredMethods().get(i);
      assertThat(m.getDescriptor()).isEqualTo(d.getDescriptor());
      assertThat(m.getInternalName()).isEqualTo(d.getInternalName());
      assertThat(m.getModifiers()).isEqualTo(d.getModifiers());
      assertThat(m.getGenericSignature()).isEqualTo(d.getGenericSignature());
      assertThat(m.getExceptionTypes()).isEqualTo(d.getExceptionTypes());
      assertThat(m.getDeclaringType()).isSameAs(once);
      assertThat(m.getReturnType()).isSameAs(m.getReturnType()); // not resolved again
      assertThat(m.getParameters()).isSameAs(m.getParameters());
      for (ParameterDescription.InDefinedShape p : m.getParameters()) {
        ParameterDescription.InDefinedShape q = d.getParameters().get(p.getIndex());
        assertThat(p.getDeclaringMethod()).isSameAs(m);
        assertThat(p.getType()).isSameAs(p.getType()).isEqualTo(q.getType());
        assertThat(p.getOffset()).isEqualTo(q.getOffset());
        assertThat(p.getName()).isEqualTo(q.getName());
        assertThat(p).isEqualTo(q);
      }
    }
  }
}
