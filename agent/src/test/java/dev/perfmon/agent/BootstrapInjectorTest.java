package dev.perfmon.agent;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.function.BiFunction;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

class BootstrapInjectorTest {
  @Test
  void eachStartGetsItsOwnNewEmptyFileInTheTemporaryDirectory() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    Path a = BootstrapInjector.newFile(tmp, "perfmon-bootstrap-", ".jar");
    Path b = BootstrapInjector.newFile(tmp, "perfmon-bootstrap-", ".jar");
    try {
      assertThat(a).isNotEqualTo(b);
      for (Path p : new Path[] {a, b}) {
        assertThat(p.getParent()).isEqualTo(tmp);
        assertThat(p.getFileName().toString())
            .startsWith("perfmon-bootstrap-")
            .endsWith(".jar");
        assertThat(Files.isRegularFile(p)).isTrue();
        assertThat(Files.isSymbolicLink(p)).isFalse();
        assertThat(Files.size(p)).isZero();
      }
    } finally {
      Files.deleteIfExists(a);
      Files.deleteIfExists(b);
    }
  }

  /**
   * The generated definer is a verifiable BiFunction that calls jdk.internal.misc.Unsafe: in this
   * JVM the package is not exported to the test's module, so the call is refused at that reference
   * (the agent exports it to its own loader first; the integration tests start real agents).
   */
  @Test
  void theBootLoaderDefinerIsABiFunctionThatCallsTheJdksUnsafe() throws Exception {
    byte[] file = BootstrapInjector.definerClassFile();
    ClassLoader loader =
        new ClassLoader(getClass().getClassLoader()) {
          @Override
          protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (!name.equals(BootstrapInjector.DEFINER)) {
              throw new ClassNotFoundException(name);
            }
            return defineClass(name, file, 0, file.length);
          }
        };
    Class<?> type = Class.forName(BootstrapInjector.DEFINER, true, loader); // verified here
    assertThat(type.getInterfaces()).containsExactly(BiFunction.class);
    @SuppressWarnings("unchecked")
    BiFunction<String, byte[], Class<?>> definer =
        (BiFunction<String, byte[], Class<?>>) type.getDeclaredConstructor().newInstance();
    assertThat(BootstrapInjector.class.getModule().isNamed()).isFalse();
    assertThatThrownBy(() -> definer.apply("dev.perfmon.x.Never", new byte[0]))
        .isInstanceOf(IllegalAccessError.class)
        .hasMessageContaining("jdk.internal.misc.Unsafe");
  }

  @Test
  void theDefinersBytesAreWhatAsmWritesForIt() {
    byte[] expected = written();
    assertThat(BootstrapInjector.definerClassFile())
        .as("BootstrapInjector.DEFINER_CLASS_FILE should be %s", Base64.getEncoder().encodeToString(expected))
        .isEqualTo(expected);
  }

  /** The definer's class file as ASM writes it: what BootstrapInjector keeps as bytes. */
  static byte[] written() {
    String self = BootstrapInjector.DEFINER.replace('.', '/');
    String unsafe = "jdk/internal/misc/Unsafe";
    ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    cw.visit(
        Opcodes.V17,
        Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER | Opcodes.ACC_SYNTHETIC,
        self,
        null,
        "java/lang/Object",
        new String[] {"java/util/function/BiFunction"});
    MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
    init.visitCode();
    init.visitVarInsn(Opcodes.ALOAD, 0);
    init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
    init.visitInsn(Opcodes.RETURN);
    init.visitMaxs(0, 0);
    init.visitEnd();
    MethodVisitor apply =
        cw.visitMethod(
            Opcodes.ACC_PUBLIC, "apply", "(Ljava/lang/Object;Ljava/lang/Object;)Ljava/lang/Object;", null, null);
    apply.visitCode();
    apply.visitMethodInsn(Opcodes.INVOKESTATIC, unsafe, "getUnsafe", "()L" + unsafe + ";", false);
    apply.visitVarInsn(Opcodes.ALOAD, 1);
    apply.visitTypeInsn(Opcodes.CHECKCAST, "java/lang/String");
    apply.visitVarInsn(Opcodes.ALOAD, 2);
    apply.visitTypeInsn(Opcodes.CHECKCAST, "[B");
    apply.visitInsn(Opcodes.ICONST_0);
    apply.visitVarInsn(Opcodes.ALOAD, 2);
    apply.visitTypeInsn(Opcodes.CHECKCAST, "[B");
    apply.visitInsn(Opcodes.ARRAYLENGTH);
    apply.visitInsn(Opcodes.ACONST_NULL);
    apply.visitInsn(Opcodes.ACONST_NULL);
    apply.visitMethodInsn(
        Opcodes.INVOKEVIRTUAL,
        unsafe,
        "defineClass",
        "(Ljava/lang/String;[BIILjava/lang/ClassLoader;Ljava/security/ProtectionDomain;)Ljava/lang/Class;",
        false);
    apply.visitInsn(Opcodes.ARETURN);
    apply.visitMaxs(0, 0);
    apply.visitEnd();
    cw.visitEnd();
    return cw.toByteArray();
  }
}
