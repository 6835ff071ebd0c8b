package dev.perfmon.agent.weave;

import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Class files written at test time with ASM (Byte Buddy's copy): methods whose code is just below
 * the JVM's limit of 65,535 bytes, which load and run as they are but not with advice woven in,
 * next to ordinary ones. The code size is exact, which javac could not promise.
 */
final class GeneratedClasses {
  private GeneratedClasses() {}

  /** Each {@code x += 1} is lload_0, lconst_1, ladd, lstore_0: 4 bytes. */
  static final int INCREMENTS = 16_382;
  /** The increments plus lload_0, lreturn: 65,530 bytes. */
  static final int HUGE_CODE_BYTES = INCREMENTS * 4 + 2;

  /**
   * A public final class {@code name} with a public constructor, {@code static long <huge>(long
   * x)} for each name in {@code hugeMethods} (x plus {@link #INCREMENTS}, {@link #HUGE_CODE_BYTES}
   * bytes of code) and {@code static int small(int x)} (x + 1).
   */
  static byte[] withHugeMethods(String name, String... hugeMethods) {
    ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_MAXS);
    String internal = name.replace('.', '/');
    cw.visit(Opcodes.V17, Opcodes.ACC_PUBLIC | Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, internal, null, "java/lang/Object", null);

    MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
    init.visitCode();
    init.visitVarInsn(Opcodes.ALOAD, 0);
    init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
    init.visitInsn(Opcodes.RETURN);
    init.visitMaxs(0, 0);
    init.visitEnd();

    for (String method : hugeMethods) {
      MethodVisitor huge = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, method, "(J)J", null, null);
      huge.visitCode();
      for (int i = 0; i < INCREMENTS; i++) {
        huge.visitVarInsn(Opcodes.LLOAD, 0);
        huge.visitInsn(Opcodes.LCONST_1);
        huge.visitInsn(Opcodes.LADD);
        huge.visitVarInsn(Opcodes.LSTORE, 0);
      }
      huge.visitVarInsn(Opcodes.LLOAD, 0);
      huge.visitInsn(Opcodes.LRETURN);
      huge.visitMaxs(0, 0);
      huge.visitEnd();
    }

    MethodVisitor small = cw.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC, "small", "(I)I", null, null);
    small.visitCode();
    small.visitVarInsn(Opcodes.ILOAD, 0);
    small.visitInsn(Opcodes.ICONST_1);
    small.visitInsn(Opcodes.IADD);
    small.visitInsn(Opcodes.IRETURN);
    small.visitMaxs(0, 0);
    small.visitEnd();

    cw.visitEnd();
    return cw.toByteArray();
  }

  /** Defines generated classes; serves their class files as resources, as a real loader would. */
  static final class Loader extends ClassLoader {
    private final java.util.Map<String, byte[]> classes = new java.util.concurrent.ConcurrentHashMap<>();

    Loader(ClassLoader parent) {
      super(parent);
    }

    Class<?> define(String name, byte[] bytes) {
      classes.put(name, bytes);
      return defineClass(name, bytes, 0, bytes.length);
    }

    @Override
    public java.io.InputStream getResourceAsStream(String resource) {
      if (resource.endsWith(".class")) {
        byte[] b = classes.get(resource.substring(0, resource.length() - ".class".length()).replace('/', '.'));
        if (b != null) {
          return new java.io.ByteArrayInputStream(b);
        }
      }
      return super.getResourceAsStream(resource);
    }
  }
}
