package dev.perfmon.agent.weave;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.perfmon.instrumentation.api.AdviceSupport;
import dev.perfmon.instrumentation.api.OperationIdResolver;
import dev.perfmon.instrumentation.api.OperationRegistry;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * The advice woven into user-listed methods: it reads no argument on exit, so the woven method
 * copies none of its arguments on entry, and what the method does with its arguments (also when it
 * assigns to them) is what it did before.
 */
class MethodAdviceTest {
  /** A listed method's class; its methods reassign their parameters. */
  public static class Target {
    public static long scaled(int factor, long value, String label) {
      factor = factor * 2;
      value = value + factor;
      label = label + value;
      return label.length() + value;
    }

    public long fail(long value) {
      value = -value;
      throw new IllegalStateException("value " + value);
    }
  }

  private static final OperationRegistry REGISTRY = new OperationRegistry(100, name -> {});
  private static final int OPERATION = REGISTRY.idOf("MethodAdviceTest.target");

  private static byte[] woven() {
    Advice.WithCustomMapping mapping =
        AdviceSupport.withOperationIds(
            new OperationIdResolver() {
              @Override
              public int resolve(TypeDescription type, MethodDescription method) {
                return OPERATION;
              }
            });
    return new ByteBuddy()
        .redefine(Target.class)
        .visit(mapping.to(MethodAdvice.class).on(named("scaled").or(named("fail"))))
        .make()
        .getBytes();
  }

  /**
   * The copies of an argument into another local variable in {@code method}: a load of one of the
   * first {@code argumentSlots} slots followed at once by a store into another slot (what Byte
   * Buddy weaves after the enter advice when an exit advice needs the arguments' original values).
   */
  private static List<String> argumentCopies(byte[] classFile, String method, int argumentSlots) {
    List<String> copies = new ArrayList<>();
    new ClassReader(classFile)
        .accept(
            new ClassVisitor(Opcodes.ASM9) {
              @Override
              public MethodVisitor visitMethod(int access, String name, String desc, String sig, String[] ex) {
                if (!name.equals(method)) {
                  return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                  private int loaded = -1;

                  @Override
                  public void visitVarInsn(int opcode, int slot) {
                    if (opcode >= Opcodes.ISTORE && opcode <= Opcodes.ASTORE && loaded >= 0 && slot != loaded) {
                      copies.add(loaded + " -> " + slot);
                    }
                    loaded = opcode >= Opcodes.ILOAD && opcode <= Opcodes.ALOAD && slot < argumentSlots ? slot : -1;
                  }

                  @Override
                  public void visitInsn(int opcode) {
                    loaded = -1;
                  }

                  @Override
                  public void visitMethodInsn(int opcode, String owner, String n, String d, boolean itf) {
                    loaded = -1;
                  }
                };
              }
            },
            0);
    return copies;
  }

  private static long count() {
    return RecordedCalls.count(REGISTRY, "MethodAdviceTest.target");
  }

  @Test
  void theWovenMethodCopiesNoArgumentOnEntry() {
    byte[] woven = woven();
    assertThat(argumentCopies(woven, "scaled", 4)).as("argument copies").isEmpty(); // int, long (2), String
    assertThat(argumentCopies(woven, "fail", 3)).as("argument copies").isEmpty(); // this, long (2)
  }

  @Test
  void theMethodKeepsWhatItDoesWithItsArgumentsAndIsTimed() throws Exception {
    Class<?> type =
        new ByteBuddy()
            .redefine(Target.class)
            .make()
            .load(new ClassLoader(getClass().getClassLoader()) {}, ClassLoadingStrategy.Default.CHILD_FIRST)
            .getLoaded();
    Class<?> wovenType =
        new ClassLoader(getClass().getClassLoader()) {
          Class<?> define() {
            byte[] b = woven();
            return defineClass(Target.class.getName(), b, 0, b.length);
          }
        }.define();
    long before = count();

    Method plain = type.getMethod("scaled", int.class, long.class, String.class);
    Method timed = wovenType.getMethod("scaled", int.class, long.class, String.class);
    assertThat(timed.invoke(null, 3, 10L, "x")).isEqualTo(plain.invoke(null, 3, 10L, "x")).isEqualTo(19L);

    Object target = wovenType.getDeclaredConstructor().newInstance();
    assertThatThrownBy(() -> wovenType.getMethod("fail", long.class).invoke(target, 5L))
        .isInstanceOf(InvocationTargetException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("value -5");

    assertThat(count() - before).as("calls timed").isEqualTo(2);
  }
}
